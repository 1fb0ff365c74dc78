/**
 * Editing the week grid and the time-off list without JavaScript: each "add", "remove" and "copy"
 * button is a named submit button (`name="intent"`); the action applies it to the submitted values
 * with these functions and renders the form again, nothing saved. With JavaScript the same
 * functions run in the browser on the form's current value. Pure.
 */
import { WEEKDAY_KEYS, minutesOf } from "./schemas";

type Raw = Record<string, unknown>;
type RawRange = { start?: unknown; end?: unknown };

export type HoursIntent =
  { type: "add"; day: string } | { type: "remove"; day: string; index: number } | { type: "copy"; day: string } | { type: "zone" };

export type TimeOffIntent =
  | { type: "add-override" }
  | { type: "remove-override"; index: number }
  | { type: "add-range"; index: number }
  | { type: "remove-range"; index: number; range: number };

const isDay = (d: string) => (WEEKDAY_KEYS as readonly string[]).includes(d);

export function parseHoursIntent(text: unknown): HoursIntent | null {
  if (typeof text !== "string") return null;
  const [type, day, index] = text.split(":");
  if (type === "zone") return { type };
  if (!day || !isDay(day)) return null;
  if (type === "add" || type === "copy") return { type, day };
  if (type === "remove" && /^\d+$/.test(index ?? "")) return { type, day, index: Number(index) };
  return null;
}

export function parseTimeOffIntent(text: unknown): TimeOffIntent | null {
  if (typeof text !== "string") return null;
  const [type, a, b] = text.split(":");
  const n = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  if (type === "add-override") return { type };
  if (type === "remove-override" && n(a) !== null) return { type, index: n(a)! };
  if (type === "add-range" && n(a) !== null) return { type, index: n(a)! };
  if (type === "remove-range" && n(a) !== null && n(b) !== null) return { type, index: n(a)!, range: n(b)! };
  return null;
}

function asList(value: unknown): unknown[] {
  // conform turns a single entry into an object, not an array, only for repeated names; lists of
  // objects always come back as arrays, but be tolerant of a missing or odd value.
  return Array.isArray(value) ? [...value] : value && typeof value === "object" ? [value] : [];
}

function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** A sensible new range: 09:00-17:00 on an empty day, else an hour starting an hour after the last one ends. */
export function suggestRange(existing: unknown[]): { start: string; end: string } {
  const last = existing[existing.length - 1] as RawRange | undefined;
  const end = typeof last?.end === "string" && /^\d{1,2}:\d{2}$/.test(last.end) ? minutesOf(last.end.padStart(5, "0")) : null;
  if (end === null) return { start: "09:00", end: "17:00" };
  return { start: hhmm(end + 60), end: hhmm(end + 120) };
}

/** The submitted hours with one grid action applied (a new object; the input is not changed). */
export function applyHoursIntent(payload: Raw, intent: HoursIntent): Raw {
  const weeklyIn = payload.weekly && typeof payload.weekly === "object" ? (payload.weekly as Raw) : {};
  const weekly: Raw = {};
  for (const day of WEEKDAY_KEYS) weekly[day] = asList(weeklyIn[day]);
  switch (intent.type) {
    case "add": {
      const list = weekly[intent.day] as unknown[];
      list.push(suggestRange(list));
      break;
    }
    case "remove":
      (weekly[intent.day] as unknown[]).splice(intent.index, 1);
      break;
    case "copy": {
      const source = weekly[intent.day] as RawRange[];
      for (const day of WEEKDAY_KEYS) weekly[day] = source.map((r) => ({ start: r.start, end: r.end }));
      break;
    }
    case "zone":
      break;
  }
  return { ...payload, weekly };
}

/** The submitted time-off list with one action applied (a new object). */
export function applyTimeOffIntent(payload: Raw, intent: TimeOffIntent, today: string): Raw {
  const overrides: (Raw & { ranges: unknown[] })[] = asList(payload.overrides).map((o) => ({
    ...(o as Raw),
    ranges: asList((o as Raw).ranges),
  }));
  switch (intent.type) {
    case "add-override":
      overrides.push({ from: today, to: today, kind: "off", ranges: [], note: "" });
      break;
    case "remove-override":
      overrides.splice(intent.index, 1);
      break;
    case "add-range": {
      const o = overrides[intent.index];
      if (o) {
        o.ranges.push(suggestRange(o.ranges));
        o.kind = "hours";
      }
      break;
    }
    case "remove-range":
      overrides[intent.index]?.ranges.splice(intent.range, 1);
      break;
  }
  return { ...payload, overrides };
}
