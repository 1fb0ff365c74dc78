/**
 * A slow, literal implementation of the availability definition (see the comment at the top of
 * app/modules/booking-page/availability.ts), for property tests and the benchmark baseline.
 * Written for obviousness, not speed: luxon for every date and wall time, a scan of every busy
 * interval for every slot, no merging, no early exits.
 */
import { DateTime } from "luxon";
import type { DaySlots, HoursInput, OverrideInput, RulesInput, Slot } from "../../app/modules/booking-page/availability";
import type { BusyInterval } from "../../app/modules/calendar/ical-busy";

const MIN = 60_000;

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

type Wall = { date: string; minute: number }; // minute may exceed 1440: counted from the date's midnight

function wallFields(w: Wall) {
  const [y, m, d] = w.date.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d) + w.minute * MIN);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
}

function sameWall(instant: number, zone: string, f: ReturnType<typeof wallFields>): boolean {
  const l = DateTime.fromMillis(instant, { zone });
  return l.year === f.year && l.month === f.month && l.day === f.day && l.hour === f.hour && l.minute === f.minute;
}

/**
 * Every instant whose wall clock in `zone` reads `w`. luxon gives one candidate; any other lies
 * within the DST shift of the zones tested here (at most 1 h), so the neighbours at 30-minute
 * steps are tried.
 */
function occurrences(w: Wall, zone: string): number[] {
  const f = wallFields(w);
  const guess = DateTime.fromObject(f, { zone }).toMillis();
  if (!sameWall(guess, zone, f)) return []; // luxon moved a wall time that does not exist
  const out: number[] = [guess];
  for (const k of [-2, -1, 1, 2]) {
    const t = guess + k * 30 * MIN;
    if (sameWall(t, zone, f)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** The supremum of the instants whose wall time is before `w`. */
function rangeEnd(w: Wall, zone: string): number {
  const occ = occurrences(w, zone);
  if (occ.length) return occ[occ.length - 1];
  // `w` does not exist: the next wall minute that does is where the clock jumped to.
  for (let k = 1; ; k++) {
    const next = occurrences({ date: w.date, minute: w.minute + k }, zone);
    if (next.length) return next[0];
  }
}

function rangesFor(date: string, hours: HoursInput, overrides: readonly OverrideInput[]): { start: string; end: string }[] {
  const override = overrides.find((o) => o.from <= date && date <= o.to);
  if (override) return override.ranges;
  const weekday = DateTime.fromISO(date, { zone: "utc" }).weekday;
  if (hours.weekly) return hours.weekly[String(weekday)] ?? [];
  return hours.days.includes(weekday) ? [{ start: hours.start, end: hours.end }] : [];
}

export function referenceAvailability(input: {
  workingHours: HoursInput;
  rules: RulesInput;
  busy: BusyInterval[];
  now: number;
  dateOverrides?: readonly OverrideInput[];
}): DaySlots[] {
  const { workingHours: hours, rules, busy, now } = input;
  const zone = hours.timezone;
  const step = rules.stepMinutes ?? rules.slotMinutes;
  const buffer = rules.bufferMinutes * MIN;
  const earliest = now + rules.minNoticeHours * 3_600_000;
  const local = DateTime.fromMillis(now, { zone });
  const horizonEnd = local.plus({ days: rules.horizonDays }).toMillis();
  const lastDate = DateTime.fromMillis(horizonEnd, { zone }).toISODate()!;

  const found = new Map<number, Slot>();
  for (
    let d = DateTime.fromISO(local.toISODate()!, { zone: "utc" }).minus({ days: 1 });
    d.toISODate()! <= lastDate;
    d = d.plus({ days: 1 })
  ) {
    const date = d.toISODate()!;
    for (const r of rangesFor(date, hours, input.dateOverrides ?? [])) {
      const s = minutes(r.start);
      const e = minutes(r.end);
      const length = e > s ? e - s : e - s + 1440;
      const end = rangeEnd({ date, minute: s + length }, zone);
      for (let w = s; w < s + length; w += step) {
        const occ = occurrences({ date, minute: w }, zone);
        if (occ.length === 0) continue;
        const startMs = occ[0];
        const endMs = startMs + rules.slotMinutes * MIN;
        if (endMs > end) continue;
        if (startMs < earliest || startMs >= horizonEnd) continue;
        const blocked = busy.some((b) => b.end + buffer > b.start - buffer && b.start - buffer < endMs && startMs < b.end + buffer);
        if (blocked) continue;
        const label = DateTime.fromMillis(startMs, { zone });
        found.set(startMs, { startMs, endMs, date: label.toISODate()!, time: label.toFormat("HH:mm") });
      }
    }
  }
  const days: DaySlots[] = [];
  for (const slot of [...found.values()].sort((a, b) => a.startMs - b.startMs)) {
    const last = days[days.length - 1];
    if (last && last.date === slot.date) last.slots.push(slot);
    else days.push({ date: slot.date, slots: [slot] });
  }
  return days;
}
