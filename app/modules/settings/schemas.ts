/**
 * Settings schemas: one per settings section, shared by conform on the client and by the server
 * action (both call `parseWithZod(formData, { schema })` from "@conform-to/zod/v4"). The tolerant
 * readers of what is stored live in stored.ts, version tokens in version.ts, publish rules in
 * publish.ts. Pure: runs in the browser too.
 *
 * Conform's auto-coercion turns "" into undefined, "on" into true and "60" into 60 before these
 * schemas run. The schemas also accept the already-typed stored shape (plain objects), so the same
 * rules validate both what a user submits and what was saved earlier.
 *
 * Form errors are attached to the field the user can fix (e.g. `days`, not `days[3]`), because the
 * form shows one error list per input.
 */
import { IANAZone } from "luxon";
import { z } from "zod";
import { isFeedCalendarId } from "~/modules/calendar/feed-ids";
import { plainInteger, safeText, textProblem } from "./fields";
import { slugSchema } from "./slug";

export const DEFAULT_WHATSAPP_TEMPLATE = "Hi! Can I book {date} at {time}? (ref {ref})";
/** The message a client sends when the page is shown in that language (the English one is unchanged). */
export const DEFAULT_WHATSAPP_TEMPLATES = {
  en: DEFAULT_WHATSAPP_TEMPLATE,
  ar: "مرحبًا! هل يمكنني الحجز يوم {date} الساعة {time}؟ (المرجع {ref})",
} as const;
export const TEMPLATE_MAX_LENGTH = 300;
export const TEMPLATE_PLACEHOLDERS = ["date", "time", "ref"] as const;
export const DISPLAY_NAME_MAX_LENGTH = 80;
export const MAX_SELECTED_CALENDARS = 50;
/** Limits of the profile's public texts (issue 13): short enough for a phone's first screen. */
export const PROFILE_LIMITS = { headline: 80, about: 500, location: 80, price: 60 } as const;

/** Limits for the booking inputs; also meant for the inputs' min/max attributes. */
export const BOOKING_LIMITS = {
  slotMinutes: { min: 10, max: 240 },
  bufferMinutes: { min: 0, max: 120 },
  minNoticeHours: { min: 0, max: 72 },
  horizonDays: { min: 1, max: 90 },
  stepMinutes: { min: 5, max: 240 },
} as const;

export const SETTINGS_MESSAGES = {
  timezone: "Choose a valid time zone",
  daysRequired: "Pick at least one working day",
  dayInvalid: "Working days must be weekdays 1 (Monday) to 7 (Sunday)",
  dayDuplicate: "Each working day can be picked only once",
  // Both clocks are accepted whatever the provider's choice, so the message names both.
  time: "Enter a time of day, e.g. 09:00 or 9:00 AM",
  endAfterStart: "End time must be after start time",
  phone: "Enter the number in international format, e.g. +971 50 123 4567",
  templateRequired: "Write the message clients will send you",
  templateTooLong: `Keep the message to at most ${TEMPLATE_MAX_LENGTH} characters`,
  templateNeedsDateAndTime: "Put both {date} and {time} in the message, so you can tell which time the client picked",
  displayNameTooLong: `Keep the display name to at most ${DISPLAY_NAME_MAX_LENGTH} characters`,
  displayNameType: "Enter the display name as text",
  calendarUrl: "Each calendar must be an http(s) address",
  tooManyCalendars: `Select at most ${MAX_SELECTED_CALENDARS} calendars`,
  checkbox: "Tick or untick the box",
} as const;

export const unknownPlaceholderMessage = (name: string) => `Unknown placeholder {${name}}: use {date}, {time} and {ref}`;

/* ----------------------------------------------------------------------------------------- */
/* Field helpers                                                                             */
/* ----------------------------------------------------------------------------------------- */

/** "HH:MM", 00:00 to 23:59: the one definition of a stored time of day. */
export const HHMM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const HHMM_STRICT = HHMM_PATTERN;
// "9:00" and "9" are accepted and padded; "9:00 AM", "9am", "12:30 p.m." too. The settings time
// fields are text inputs showing the provider's clock (see formatTimeOfDay), not <input type="time">,
// whose display follows the browser's locale and so could contradict the page and this message.
const TIME_OF_DAY = /^([01]?\d|2[0-3])(?:[:.h]([0-5]\d))?\s*(?:([ap])\.?\s*m\.?)?$/i;

export type Clock = "h24" | "h12";

/** "9:00 pm" -> "21:00", "09:00" -> "09:00"; null when it is not a time of day. */
export function parseTimeOfDay(input: string): string | null {
  const match = TIME_OF_DAY.exec(input.trim());
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = match[2] ?? "00";
  const half = match[3]?.toLowerCase();
  if (half) {
    // 12-hour: 1..12 only; 12 AM is midnight, 12 PM is noon.
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === "p" ? 12 : 0);
  } else if (match[2] === undefined) {
    return null; // a bare "9" is too ambiguous to store silently
  }
  return `${String(hour).padStart(2, "0")}:${minute}`;
}

/** A stored "HH:MM" as the provider reads times: "21:00" or "9:00 PM". */
export function formatTimeOfDay(hhmm: string, clock: Clock): string {
  const match = HHMM_PATTERN.exec(hhmm);
  if (!match || clock === "h24") return hhmm;
  const hour = Number(match[1]);
  return `${hour % 12 === 0 ? 12 : hour % 12}:${match[2]} ${hour < 12 ? "AM" : "PM"}`;
}

function isIanaZone(zone: string): boolean {
  // luxon asks Intl, so "Europe/Berln" is refused here instead of becoming an invalid DateTime later.
  return IANAZone.isValidZone(zone);
}

/**
 * "asia/dubai" -> "Asia/Dubai" so stored zones compare and display consistently. Only the case is
 * fixed: Intl may also map an alias to another zone (e.g. "EST" -> "America/Panama"), and we keep
 * what the user chose rather than surprising them.
 */
function canonicalZoneCase(zone: string): string {
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return zone;
  }
}

function toWeekday(item: unknown): number | null {
  // Checkbox values arrive as strings ("1".."7"); stored data has numbers.
  const n = typeof item === "string" && /^\s*\d+\s*$/.test(item) ? Number(item) : item;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 7 ? n : null;
}

/**
 * Accepts "+971 50-123.45 67", "(+44) (0)20 7946 0958", "00971 50 123 4567".
 * Returns "+<8..15 digits>" or null. A number without "+" or "00" is refused rather than guessed:
 * "050 123 4567" is local, and a wa.me link built from it would reach a stranger or nobody.
 */
export function normalizePhone(input: string): string | null {
  let s = input.trim();
  // "(0)" is the UK/EU habit of showing the trunk prefix after the country code; dialled
  // internationally it must be dropped.
  s = s.replace(/\(\s*0\s*\)/g, "");
  s = s.replace(/[\s\-.()[\]\u2010-\u2015\u2212]/g, "");
  if (s.startsWith("+")) s = s.slice(1);
  else if (s.startsWith("00")) s = s.slice(2);
  else return null;
  // Country codes never start with 0; E.164 allows at most 15 digits.
  return /^[1-9]\d{7,14}$/.test(s) ? `+${s}` : null;
}

/** Placeholder names other than date/time/ref, in order of first appearance, each once. */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = TEMPLATE_PLACEHOLDERS;
  const found = new Set<string>();
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? "";
    if (!known.includes(name)) found.add(name);
  }
  return [...found];
}

export function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A checkbox: conform sends "on" or nothing; stored data has a real boolean. */
/**
 * A list a form sends as repeated fields (checkboxes, a multi-select): every item normalized (null
 * refuses the whole list with `invalid`), duplicates dropped quietly, at most `max` (else `tooMany`).
 * No field at all is the empty list.
 */
function distinctList(opts: { normalize: (item: unknown) => string | null; invalid: string; max: number; tooMany: string }) {
  return z
    .array(z.unknown(), { error: opts.invalid })
    .optional()
    .transform((items, ctx) => {
      const out: string[] = [];
      for (const item of items ?? []) {
        const value = opts.normalize(item);
        if (value === null) {
          ctx.addIssue({ code: "custom", message: opts.invalid });
          return z.NEVER;
        }
        if (!out.includes(value)) out.push(value);
      }
      if (out.length > opts.max) {
        ctx.addIssue({ code: "custom", message: opts.tooMany });
        return z.NEVER;
      }
      return out;
    });
}

const checkbox = () => z.boolean({ error: SETTINGS_MESSAGES.checkbox }).default(false);

/** A whole number in [min, max], written with plain decimal digits (see plainInteger). */
const wholeNumber = plainInteger;

const version = z.string().optional();

/* ----------------------------------------------------------------------------------------- */
/* Working hours                                                                             */
/* ----------------------------------------------------------------------------------------- */

/** ISO weekdays as the keys of `workingHours.weekly`: "1" = Monday ... "7" = Sunday. */
export const WEEKDAY_KEYS = ["1", "2", "3", "4", "5", "6", "7"] as const;
export type WeekdayKey = (typeof WEEKDAY_KEYS)[number];
export const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const MAX_RANGES_PER_DAY = 6;
export const MAX_DATE_OVERRIDES = 100;
export const OVERRIDE_NOTE_MAX_LENGTH = 200;

export const HOURS_MESSAGES = {
  noHours: "Add at least one working time",
  tooManyRanges: `At most ${MAX_RANGES_PER_DAY} time ranges per day`,
  overlap: (a: string, b: string) => `${a} overlaps ${b}`,
  zoneNotFound: (text: string) =>
    `No time zone found for “${text}”. Try a nearby big city (e.g. Dubai, London, New York) or a zone like Europe/Berlin`,
  dateFormat: "Use a date like 2026-03-01",
  toBeforeFrom: "The last day must be on or after the first day",
  overrideOverlap: (from: string, to: string) => `Overlaps the dates ${from} to ${to}; change one of them`,
  tooManyOverrides: `At most ${MAX_DATE_OVERRIDES} dates`,
  noteTooLong: `Keep the note to at most ${OVERRIDE_NOTE_MAX_LENGTH} characters`,
  specialHoursEmpty: "Add at least one time range, or choose “Day off”",
} as const;

const timeField = safeText(
  { label: "The time", typeError: SETTINGS_MESSAGES.time },
  z.string().transform((raw, ctx) => {
    const time = parseTimeOfDay(raw);
    if (time === null) {
      ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.time });
      return z.NEVER;
    }
    return time;
  }),
);

export const timeRangeSchema = z.object({ start: timeField, end: timeField });
export type TimeRange = z.output<typeof timeRangeSchema>;

/** Minutes since midnight of an "HH:MM" that already passed the schema. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Wall-clock length of a range in minutes, 1..1440: an end not after the start runs past
 * midnight into the next day ("20:00"-"01:00" = 5 h; "00:00" as end = midnight; equal = 24 h).
 */
export function rangeMinutes(r: TimeRange): number {
  const d = minutesOf(r.end) - minutesOf(r.start);
  return d > 0 ? d : d + 1440;
}

export function formatRange(r: TimeRange): string {
  return `${r.start}–${r.end}`;
}

/**
 * Overlaps among ranges laid out on a cycle of `days` days (7 for the week, 1 for a repeated
 * date pattern): an overnight range counts into the next day, Sunday's into Monday. Returns, for
 * each overlap found, the index of the day and range that is overlapped by an earlier-starting one.
 */
function cyclicOverlaps(days: TimeRange[][], cycleDays: number): { day: number; index: number; other: { day: number; index: number } }[] {
  const cycle = cycleDays * 1440;
  const items: { s: number; e: number; day: number; index: number }[] = [];
  days.forEach((ranges, day) =>
    ranges.forEach((r, index) => {
      const s = day * 1440 + minutesOf(r.start);
      items.push({ s, e: s + rangeMinutes(r), day, index });
    }),
  );
  items.sort((a, b) => a.s - b.s || a.e - b.e);
  const out: { day: number; index: number; other: { day: number; index: number } }[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = items[i];
    for (let j = i + 1; j < items.length; j++) {
      const b = items[j];
      if (b.s >= a.e) break;
      out.push({ day: b.day, index: b.index, other: { day: a.day, index: a.index } });
    }
    // Wrapped past the end of the cycle (Sunday night into Monday): compare with the first ones.
    if (a.e > cycle) {
      for (const b of items) {
        if (b.s + cycle >= a.e) break;
        if (b === a) continue;
        out.push({ day: b.day, index: b.index, other: { day: a.day, index: a.index } });
      }
    }
  }
  return out;
}

function checkRanges(
  days: TimeRange[][],
  cycleDays: number,
  pathOf: (day: number) => (string | number)[],
  name: (day: number) => string,
  ctx: z.core.$RefinementCtx,
) {
  days.forEach((ranges, day) => {
    if (ranges.length > MAX_RANGES_PER_DAY) ctx.addIssue({ code: "custom", path: pathOf(day), message: HOURS_MESSAGES.tooManyRanges });
  });
  const reported = new Set<string>();
  for (const o of cyclicOverlaps(days, cycleDays)) {
    const key = `${o.day}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const mine = days[o.day][o.index];
    const other = days[o.other.day][o.other.index];
    const otherName = o.other.day === o.day ? formatRange(other) : `${name(o.other.day)} ${formatRange(other)}`;
    ctx.addIssue({ code: "custom", path: pathOf(o.day), message: HOURS_MESSAGES.overlap(formatRange(mine), otherName) });
  }
}

/** A day's ranges as the form sends them: missing (no range left) means none. */
const dayRanges = z.array(timeRangeSchema).optional().default([]);

const weeklyShape = Object.fromEntries(WEEKDAY_KEYS.map((k) => [k, dayRanges])) as Record<WeekdayKey, typeof dayRanges>;

/** `workingHours.weekly`: ISO weekday "1".."7" -> ranges, sorted by start, no overlaps, at most 6 a day. */
export const weeklySchema = z
  .object(weeklyShape)
  // Runs even when some time is malformed (those ranges are left out), so that an overlap on
  // Monday is reported together with a typo on Tuesday.
  .superRefine(
    (weekly, ctx) => {
      const days = WEEKDAY_KEYS.map((k) => {
        const list: unknown = (weekly as Record<string, unknown>)[k];
        return (Array.isArray(list) ? list : [])
          .filter((r): r is TimeRange => HHMM_STRICT.test(String(r?.start)) && HHMM_STRICT.test(String(r?.end)))
          .sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
      });
      checkRanges(
        days,
        7,
        (day) => [WEEKDAY_KEYS[day]],
        (day) => WEEKDAY_NAMES[day],
        ctx,
      );
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  )
  .transform((weekly) => {
    const out = {} as Record<WeekdayKey, TimeRange[]>;
    for (const k of WEEKDAY_KEYS) out[k] = [...weekly[k]].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    return out;
  });
export type WeeklyHours = z.output<typeof weeklySchema>;

/**
 * The seed's keys derived from `weekly` (the contract): `days` = weekdays with a range, `start`/
 * `end` = the first range of the first such day. An overnight first range is cut at 23:59 so a
 * reader that knows only the seed's rule (start before end) still sees valid hours. Null when
 * the week has no range at all.
 */
export function deriveLegacyHours(weekly: WeeklyHours): { days: number[]; start: string; end: string } | null {
  const days = WEEKDAY_KEYS.filter((k) => weekly[k].length > 0).map(Number);
  for (const day of days) {
    for (const r of weekly[String(day) as WeekdayKey]) {
      const end = minutesOf(r.end) > minutesOf(r.start) ? r.end : "23:59";
      if (end > r.start) return { days, start: r.start, end };
    }
  }
  return null;
}

const timezoneField = safeText(
  { label: "The time zone", typeError: SETTINGS_MESSAGES.timezone },
  z.string().trim().refine(isIanaZone, SETTINGS_MESSAGES.timezone).transform(canonicalZoneCase),
);

const legacyShape = {
  timezone: timezoneField,
  // Validated as a whole so every problem lands on `days`.
  days: z
    .array(z.unknown(), { error: SETTINGS_MESSAGES.daysRequired })
    .optional()
    .transform((items, ctx) => {
      const days: number[] = [];
      for (const item of items ?? []) {
        const day = toWeekday(item);
        if (day === null) {
          ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.dayInvalid });
          return z.NEVER;
        }
        if (days.includes(day)) {
          ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.dayDuplicate });
          return z.NEVER;
        }
        days.push(day);
      }
      if (days.length === 0) {
        ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.daysRequired });
        return z.NEVER;
      }
      // Sorted so the stored JSON (and its version token) does not depend on click order.
      return days.sort((a, b) => a - b);
    }),
  start: timeField,
  end: timeField,
};

// "HH:MM" strings compare correctly as strings. Runs whenever both times are valid, even if
// another field failed, so the user sees every fixable problem at once.
const endAfterStart = [
  (v: { start: string; end: string }, ctx: z.core.$RefinementCtx<{ start: string; end: string }>) => {
    if (v.start >= v.end) ctx.addIssue({ code: "custom", path: ["end"], message: SETTINGS_MESSAGES.endAfterStart });
  },
  {
    when: (payload: z.core.ParsePayload) => {
      const value = payload.value as { start?: unknown; end?: unknown } | undefined;
      return (
        typeof value?.start === "string" && typeof value.end === "string" && HHMM_STRICT.test(value.start) && HHMM_STRICT.test(value.end)
      );
    },
  },
] as const;

/**
 * The stored `workingHours`: the seed's keys, always valid, plus optional `weekly`. With `weekly`
 * the seed's keys are re-derived from it on reading, so they can never claim more than the week.
 */
export const workingHoursValueSchema = z
  .object({ ...legacyShape, weekly: weeklySchema.optional() })
  .superRefine(...endAfterStart)
  .transform((v, ctx) => {
    if (!v.weekly) return v;
    const legacy = deriveLegacyHours(v.weekly);
    if (!legacy) {
      ctx.addIssue({ code: "custom", path: ["weekly"], message: HOURS_MESSAGES.noHours });
      return z.NEVER;
    }
    return { timezone: v.timezone, ...legacy, weekly: v.weekly };
  });
export type WorkingHours = z.output<typeof workingHoursValueSchema>;

/**
 * The hours form: a zone and the week grid. The zone may be typed as a city ("Dubai"); the
 * lookup runs here, so the browser (with JavaScript) and the server resolve it the same way.
 * conform reads its constraints from this object (it cannot read through a transform at the root);
 * `workingHoursSchema` adds what is stored.
 */
export const workingHoursFormSchema = z
  .object({
    // Control and bidi characters are refused first (safeText), then a city is looked up.
    timezone: safeText(
      { label: "The time zone", typeError: SETTINGS_MESSAGES.timezone },
      z
        .string()
        .trim()
        .min(1, SETTINGS_MESSAGES.timezone)
        .transform((text, ctx) => {
          const zone = resolveZone(text);
          if (!zone) {
            ctx.addIssue({ code: "custom", message: HOURS_MESSAGES.zoneNotFound(text) });
            return z.NEVER;
          }
          return zone;
        }),
    ),
    // Optional on input: the grid with every range removed sends no `weekly` field at all.
    weekly: weeklySchema.optional(),
    version,
  })
  .superRefine((v, ctx) => {
    if (!v.weekly || !deriveLegacyHours(v.weekly)) ctx.addIssue({ code: "custom", path: ["weekly"], message: HOURS_MESSAGES.noHours });
  });

/** The hours form as saved: `weekly` plus the seed's keys derived from it (the contract). */
export const workingHoursSchema = workingHoursFormSchema.transform((v) => {
  const weekly = v.weekly!; // the refinement above refused a week without hours
  return { timezone: v.timezone, ...deriveLegacyHours(weekly)!, weekly, version: v.version };
});

/** What the hours form suggests before anything is saved (the zone comes from the provider row). */
export const DEFAULT_WORKING_HOURS: Readonly<Omit<WorkingHours, "timezone" | "weekly">> = Object.freeze({
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "17:00",
});

/** The week a stored value means: `weekly` when present, else the seed's `days` x `start`-`end`. */
export function weeklyOf(wh: Pick<WorkingHours, "days" | "start" | "end" | "weekly">): WeeklyHours {
  if (wh.weekly) return wh.weekly;
  const out = {} as Record<WeekdayKey, TimeRange[]>;
  for (const k of WEEKDAY_KEYS) out[k] = wh.days.includes(Number(k)) ? [{ start: wh.start, end: wh.end }] : [];
  return out;
}

/** A typed zone or city -> the IANA zone it means ("asia/dubai", "Dubai" -> "Asia/Dubai"); null if none. */
export function resolveZone(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  return isIanaZone(t) ? canonicalZoneCase(t) : findZoneByCity(t);
}

/* ----------------------------------------------------------------------------------------- */
/* Time zone lookup by city                                                                  */
/* ----------------------------------------------------------------------------------------- */

/** Cities people type that are not the last part of an IANA zone name. */
const CITY_ALIASES: Record<string, string> = {
  "abu dhabi": "Asia/Dubai",
  sharjah: "Asia/Dubai",
  ajman: "Asia/Dubai",
  "ras al khaimah": "Asia/Dubai",
  fujairah: "Asia/Dubai",
  "al ain": "Asia/Dubai",
  doha: "Asia/Qatar",
  manama: "Asia/Bahrain",
  mumbai: "Asia/Kolkata",
  delhi: "Asia/Kolkata",
  "new delhi": "Asia/Kolkata",
  bangalore: "Asia/Kolkata",
  bengaluru: "Asia/Kolkata",
  chennai: "Asia/Kolkata",
  beijing: "Asia/Shanghai",
  "san francisco": "America/Los_Angeles",
  seattle: "America/Los_Angeles",
  washington: "America/New_York",
  boston: "America/New_York",
  miami: "America/New_York",
  dallas: "America/Chicago",
  houston: "America/Chicago",
  munich: "Europe/Berlin",
  hamburg: "Europe/Berlin",
  frankfurt: "Europe/Berlin",
  geneva: "Europe/Zurich",
  milan: "Europe/Rome",
  barcelona: "Europe/Madrid",
  manchester: "Europe/London",
  edinburgh: "Europe/London",
  "saint petersburg": "Europe/Moscow",
  "st petersburg": "Europe/Moscow",
  jeddah: "Asia/Riyadh",
  mecca: "Asia/Riyadh",
  medina: "Asia/Riyadh",
  "kuwait city": "Asia/Kuwait",
  "ho chi minh city": "Asia/Ho_Chi_Minh",
  kyiv: "Europe/Kyiv",
  kiev: "Europe/Kyiv",
  montreal: "America/Toronto",
  melbourne: "Australia/Melbourne",
};

function normalizeCity(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[_\-.,']/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * "Dubai" -> "Asia/Dubai", "new york" -> "America/New_York": the zone whose city part matches,
 * else a short list of well-known cities. Null when nothing matches. Intl's list is used, so the
 * browser and the server agree; a result is always a zone Intl accepts.
 */
export function findZoneByCity(text: string): string | null {
  const wanted = normalizeCity(text);
  if (!wanted) return null;
  const alias = CITY_ALIASES[wanted];
  const candidates: string[] = [];
  if (alias) candidates.push(alias);
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf("timeZone");
  } catch {
    zones = [];
  }
  for (const zone of zones) {
    const city = zone.slice(zone.lastIndexOf("/") + 1);
    if (normalizeCity(city) === wanted) candidates.push(zone);
  }
  for (const zone of candidates) {
    if (isIanaZone(zone)) return canonicalZoneCase(zone);
  }
  return null;
}

/* ----------------------------------------------------------------------------------------- */
/* Date overrides (time off and special dates)                                               */
/* ----------------------------------------------------------------------------------------- */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

const dateField = z.string({ error: HOURS_MESSAGES.dateFormat }).trim().refine(isIsoDate, HOURS_MESSAGES.dateFormat);

const noteField = z
  .string()
  .trim()
  .max(OVERRIDE_NOTE_MAX_LENGTH, HOURS_MESSAGES.noteTooLong)
  .optional()
  .transform((n) => n ?? "");

/** One stored override: dates inclusive in the provider's zone; `ranges: []` is time off. */
export const dateOverrideSchema = z
  .object({ from: dateField, to: dateField, ranges: z.array(timeRangeSchema).optional().default([]), note: noteField })
  .superRefine((o, ctx) => {
    if (o.to < o.from) ctx.addIssue({ code: "custom", path: ["to"], message: HOURS_MESSAGES.toBeforeFrom });
    // Each date of a multi-day override has the same hours, so check them as a repeating day.
    const sorted = [...o.ranges].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    checkRanges(
      [sorted],
      1,
      () => ["ranges"],
      () => "the next day's",
      ctx,
    );
  })
  .transform((o) => ({ ...o, ranges: [...o.ranges].sort((a, b) => minutesOf(a.start) - minutesOf(b.start)) }));
export type DateOverride = z.output<typeof dateOverrideSchema>;

function checkOverrideList(list: DateOverride[], ctx: z.core.$RefinementCtx, pathOf: (i: number) => (string | number)[]) {
  if (list.length > MAX_DATE_OVERRIDES) ctx.addIssue({ code: "custom", path: [], message: HOURS_MESSAGES.tooManyOverrides });
  const order = list.map((o, i) => ({ o, i })).sort((a, b) => (a.o.from < b.o.from ? -1 : a.o.from > b.o.from ? 1 : a.i - b.i));
  for (let k = 1; k < order.length; k++) {
    for (let j = k - 1; j >= 0; j--) {
      if (order[j].o.to >= order[k].o.from) {
        ctx.addIssue({ code: "custom", path: pathOf(order[k].i), message: HOURS_MESSAGES.overrideOverlap(order[j].o.from, order[j].o.to) });
        break;
      }
    }
  }
}

/** The stored `dateOverrides`: sorted by first date, no two sharing a date, at most 100. */
export const dateOverridesValueSchema = z
  .array(dateOverrideSchema)
  .superRefine((list, ctx) => checkOverrideList(list, ctx, (i) => [i, "from"]))
  .transform((list) => [...list].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)));

/**
 * The time-off form: each entry has a kind ("off" = the whole day, "hours" = special hours) so
 * that typed ranges are kept while "Day off" is chosen, and dropped when saving. As with the
 * hours form, conform reads this object; `dateOverridesFormSchema` adds what is stored.
 */
export const timeOffFormSchema = z
  .object({
    overrides: z
      .array(
        z
          .object({
            from: dateField,
            to: dateField.optional(),
            kind: z.enum(["off", "hours"], { error: "Choose a day off or special hours" }).default("off"),
            ranges: z.array(timeRangeSchema).optional().default([]),
            note: noteField,
          })
          .transform((o) => ({ from: o.from, to: o.to ?? o.from, kind: o.kind, ranges: o.kind === "off" ? [] : o.ranges, note: o.note }))
          .superRefine((o, ctx) => {
            if (o.kind === "hours" && o.ranges.length === 0)
              ctx.addIssue({ code: "custom", path: ["kind"], message: HOURS_MESSAGES.specialHoursEmpty });
            if (o.to < o.from) ctx.addIssue({ code: "custom", path: ["to"], message: HOURS_MESSAGES.toBeforeFrom });
            const sorted = [...o.ranges].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
            checkRanges(
              [sorted],
              1,
              () => ["ranges"],
              () => "the next day's",
              ctx,
            );
          }),
      )
      .optional()
      .default([]),
    version,
  })
  .superRefine((v, ctx) => checkOverrideList(v.overrides as DateOverride[], ctx, (i) => ["overrides", i, "from"]));

/** The time-off form as saved: the stored list, sorted by first date. */
export const dateOverridesFormSchema = timeOffFormSchema.transform((v) => ({
  dateOverrides: v.overrides
    .map((o) => ({ from: o.from, to: o.to, ranges: [...o.ranges].sort((a, b) => minutesOf(a.start) - minutesOf(b.start)), note: o.note }))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)),
  version: v.version,
}));

/* ----------------------------------------------------------------------------------------- */
/* WhatsApp                                                                                  */
/* ----------------------------------------------------------------------------------------- */

export const phoneField = safeText(
  { label: "The WhatsApp number", typeError: SETTINGS_MESSAGES.phone },
  z.string().transform((raw, ctx) => {
    const phone = normalizePhone(raw);
    if (phone === null) {
      ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.phone });
      return z.NEVER;
    }
    return phone;
  }),
);

/** Whether a template names both placeholders; without them every slot's message is identical. */
export function hasDateAndTime(template: string): boolean {
  return template.includes("{date}") && template.includes("{time}");
}

/**
 * The template's text rules without the "both placeholders" rule: what was accepted before that
 * rule existed. stored.ts reads older templates with it (keeping them, with a hint).
 */
export const templateTextField = safeText(
  { label: "The message", typeError: SETTINGS_MESSAGES.templateRequired, multiline: true },
  z
    .string()
    .trim()
    .min(1, SETTINGS_MESSAGES.templateRequired)
    .max(TEMPLATE_MAX_LENGTH, SETTINGS_MESSAGES.templateTooLong)
    .superRefine((template, ctx) => {
      // One issue per unknown name, so the user sees every typo, not just the first.
      for (const name of unknownPlaceholders(template)) {
        ctx.addIssue({ code: "custom", message: unknownPlaceholderMessage(name) });
      }
    }),
);

// Only once the text itself is fine: "write a message" and "add {date}" together would only confuse.
export const templateField = templateTextField.refine(hasDateAndTime, {
  message: SETTINGS_MESSAGES.templateNeedsDateAndTime,
  when: (payload) => payload.issues.length === 0,
});

// The phone is required even when WhatsApp is off: turning it off should not lose the number,
// and "disabled" is then a single switch the booking page and publishProblems can trust.
const whatsappShape = {
  enabled: checkbox(),
  phoneE164: phoneField,
  messageTemplate: templateField,
  // Sent when the page is shown in Arabic; empty means DEFAULT_WHATSAPP_TEMPLATES.ar.
  messageTemplateAr: templateField.optional(),
};

export const whatsappValueSchema = z.object(whatsappShape);
export const whatsappSchema = z.object({ ...whatsappShape, version });
export type WhatsApp = z.output<typeof whatsappValueSchema>;

/* ----------------------------------------------------------------------------------------- */
/* Booking rules                                                                             */
/* ----------------------------------------------------------------------------------------- */

const L = BOOKING_LIMITS;
// No schema-level defaults: the form is prefilled (with DEFAULT_BOOKING when nothing is stored),
// so an emptied input is a mistake to point out, not a silent reset.
export const bookingShape = {
  slotMinutes: wholeNumber(L.slotMinutes.min, L.slotMinutes.max, {
    required: "Enter the slot length in minutes",
    range: `Slot length must be a whole number of minutes from ${L.slotMinutes.min} to ${L.slotMinutes.max}`,
  }),
  bufferMinutes: wholeNumber(L.bufferMinutes.min, L.bufferMinutes.max, {
    required: "Enter the buffer in minutes (0 for none)",
    range: `Buffer must be a whole number of minutes from ${L.bufferMinutes.min} to ${L.bufferMinutes.max}`,
  }),
  minNoticeHours: wholeNumber(L.minNoticeHours.min, L.minNoticeHours.max, {
    required: "Enter the minimum notice in hours (0 for none)",
    range: `Minimum notice must be a whole number of hours from ${L.minNoticeHours.min} to ${L.minNoticeHours.max}`,
  }),
  horizonDays: wholeNumber(L.horizonDays.min, L.horizonDays.max, {
    required: "Enter how many days ahead clients can book",
    range: `Booking horizon must be a whole number of days from ${L.horizonDays.min} to ${L.horizonDays.max}`,
  }),
};

/** How often slots start; absent (an empty input) means every `slotMinutes`. */
export const stepMinutesField = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  wholeNumber(L.stepMinutes.min, L.stepMinutes.max, {
    required: "Enter how often slots start, or leave it empty",
    range: `Slots must start every ${L.stepMinutes.min} to ${L.stepMinutes.max} minutes`,
  }).optional(),
);

const bookingValueSchema = z.object({ ...bookingShape, stepMinutes: stepMinutesField });
export const bookingSchema = z.object({ ...bookingShape, stepMinutes: stepMinutesField, version });
export type Booking = z.output<typeof bookingValueSchema>;

/** The step the engine uses: `stepMinutes`, or the slot length when none is set. */
export function stepOf(b: Pick<Booking, "slotMinutes" | "stepMinutes">): number {
  return b.stepMinutes ?? b.slotMinutes;
}

export const DEFAULT_BOOKING: Readonly<Booking> = Object.freeze({
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeHours: 2,
  horizonDays: 14,
});

/* ----------------------------------------------------------------------------------------- */
/* Profile                                                                                   */
/* ----------------------------------------------------------------------------------------- */

export const displayNameField = safeText(
  { label: "The display name", typeError: SETTINGS_MESSAGES.displayNameType },
  z
    .string()
    .trim()
    .max(DISPLAY_NAME_MAX_LENGTH, SETTINGS_MESSAGES.displayNameTooLong)
    // Whitespace-only means "no display name", same as an empty input.
    .transform((name) => (name === "" ? undefined : name)),
).optional();

/** An optional public text: trimmed, "" or whitespace means "not given", at most `max` characters. */
function optionalText(max: number, label: string) {
  return z
    .string({ error: `Enter the ${label} as text` })
    .trim()
    .max(max, `Keep the ${label} to at most ${max} characters`)
    .transform((text) => (text === "" ? undefined : text))
    .optional();
}

/**
 * The profile's public details, stored as `settings.profile` (the display name stays in
 * `settings.displayName`, where existing rows and the demo seed have it). `photo` is the
 * fingerprint of the provider's row in `provider_photos`; only the photo upload writes it.
 */
export const profileDetailsShape = {
  headline: optionalText(PROFILE_LIMITS.headline, "headline"),
  // Line breaks are kept: the page shows them (white-space: pre-line).
  about: optionalText(PROFILE_LIMITS.about, "about text"),
  location: optionalText(PROFILE_LIMITS.location, "location"),
  price: optionalText(PROFILE_LIMITS.price, "price"),
};
export const PHOTO_HASH_PATTERN = /^[0-9a-f]{32}$/;
export const profileDetailsValueSchema = z.object({
  ...profileDetailsShape,
  photo: z.string().regex(PHOTO_HASH_PATTERN).optional(),
});
export type ProfileDetails = z.output<typeof profileDetailsValueSchema>;

export const profileSchema = z.object({
  publicSlug: slugSchema,
  displayName: displayNameField,
  ...profileDetailsShape,
  isPublic: checkbox(),
  version,
});
export type Profile = Omit<z.output<typeof profileSchema>, "version">;

/* ----------------------------------------------------------------------------------------- */
/* Calendar selection                                                                        */
/* ----------------------------------------------------------------------------------------- */

const calendarShape = {
  // No ticked checkbox means no field at all, i.e. "use no calendars".
  selectedCalendarIds: distinctList({
    // A CalDAV calendar is its URL; an ICS feed is selected by its id (its URL is a secret).
    // Duplicates are harmless (the migration merged several integrations): dropped quietly.
    normalize: (item) => {
      const id = typeof item === "string" ? item.trim() : "";
      return (isHttpUrl(id) || isFeedCalendarId(id)) && textProblem(id, { label: "A calendar address" }) === null ? id : null;
    },
    invalid: SETTINGS_MESSAGES.calendarUrl,
    max: MAX_SELECTED_CALENDARS,
    tooMany: SETTINGS_MESSAGES.tooManyCalendars,
  }),
};

/**
 * iPhone and Mac create all-day events as "free": "busy" (the default, also when absent) makes
 * every all-day event block its days; "as-marked" lets an all-day event marked free stay free.
 */
export const ALL_DAY_EVENTS = ["busy", "as-marked"] as const;
export type AllDayEvents = (typeof ALL_DAY_EVENTS)[number];
export const allDayEventsField = z.enum(ALL_DAY_EVENTS, { error: "Choose how all-day events count" });

export const calendarValueSchema = z.object({ ...calendarShape, allDayEvents: allDayEventsField.optional() });
export const calendarSelectionSchema = z.object({ ...calendarShape, version });
export type CalendarSelection = z.output<typeof calendarValueSchema>;

/* ----------------------------------------------------------------------------------------- */
/* Page language, digits, clock and the clients' usual zones (settings.locale)               */
/* ----------------------------------------------------------------------------------------- */

export const PAGE_LANGUAGES = ["en", "ar", "both"] as const;
export const DIGIT_STYLES = ["latn", "arab"] as const;
export const CLOCKS = ["h24", "h12"] as const;
export const MAX_CLIENT_ZONES = 12;

/**
 * Zones offered as "your clients are often in": the Gulf's neighbours and the places its
 * residents come from or work with. Any other valid zone can still be chosen from the full list.
 */
export const COMMON_CLIENT_ZONES = [
  "Asia/Riyadh",
  "Asia/Qatar",
  "Asia/Kuwait",
  "Asia/Bahrain",
  "Asia/Muscat",
  "Asia/Amman",
  "Asia/Beirut",
  "Africa/Cairo",
  "Europe/Istanbul",
  "Asia/Tehran",
  "Asia/Karachi",
  "Asia/Kolkata",
  "Asia/Dhaka",
  "Asia/Manila",
  "Asia/Singapore",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Moscow",
  "America/New_York",
  "America/Toronto",
  "America/Los_Angeles",
  "Australia/Sydney",
  "Asia/Dubai",
] as const;

export const LOCALE_MESSAGES = {
  language: "Choose English, Arabic or both",
  digits: "Choose Latin or Arabic-Indic digits",
  clock: "Choose a 12- or 24-hour clock",
  clientZone: "Each zone must be a valid time zone",
  tooManyZones: `Choose at most ${MAX_CLIENT_ZONES} zones`,
} as const;

export const localeShape = {
  language: z.enum(PAGE_LANGUAGES, { error: LOCALE_MESSAGES.language }),
  digits: z.enum(DIGIT_STYLES, { error: LOCALE_MESSAGES.digits }),
  clock: z.enum(CLOCKS, { error: LOCALE_MESSAGES.clock }),
  // No ticked box means no field: the page then offers only the provider's zone and the full list.
  clientZones: distinctList({
    normalize: (item) => {
      const zone = typeof item === "string" ? canonicalZoneCase(item.trim()) : "";
      return zone && isIanaZone(zone) ? zone : null;
    },
    invalid: LOCALE_MESSAGES.clientZone,
    max: MAX_CLIENT_ZONES,
    tooMany: LOCALE_MESSAGES.tooManyZones,
  }),
};

export const localeValueSchema = z.object(localeShape);
export const localeSchema = z.object({ ...localeShape, version });
export type LocaleSettings = z.output<typeof localeValueSchema>;

/** Before anything is saved: the page as it always was (English, Latin digits, 24-hour). */
export const DEFAULT_LOCALE: Readonly<LocaleSettings> = Object.freeze({
  language: "en",
  digits: "latn",
  clock: "h24",
  clientZones: [
    "Europe/London",
    "Asia/Riyadh",
    "Africa/Cairo",
    "Asia/Kolkata",
    "Asia/Karachi",
    "Asia/Manila",
    "Europe/Berlin",
    "America/New_York",
  ],
});

/** The all-day switch on the calendar page: its own small form, merged into `calendar`. */
export const allDayEventsSchema = z.object({ allDayEvents: allDayEventsField, version });

/** The stored shape of each section (form schemas minus `version`). */
export const settingsValueSchemas = {
  workingHours: workingHoursValueSchema,
  whatsapp: whatsappValueSchema,
  booking: bookingValueSchema,
  calendar: calendarValueSchema,
  locale: localeValueSchema,
  dateOverrides: dateOverridesValueSchema,
} as const;

/* ----------------------------------------------------------------------------------------- */
/* Calendar for confirmed bookings ("add bookings to")                                       */
/* ----------------------------------------------------------------------------------------- */

// Optional: "" (conform: undefined) means "no writable calendar": bookings are confirmed here only.
const bookingCalendarShape = {
  calendarUrl: z
    .string({ error: SETTINGS_MESSAGES.calendarUrl })
    .trim()
    .refine(isHttpUrl, SETTINGS_MESSAGES.calendarUrl)
    .optional()
    .transform((url) => url ?? null),
};
/** The form's intent on /settings/calendar (shared by the page and its action; pure, so the browser has it). */
export const BOOKING_CALENDAR_INTENT = "booking-calendar";
export const bookingCalendarValueSchema = z.object({ calendarUrl: z.string().refine(isHttpUrl).nullable() });
export const bookingCalendarSchema = z.object({ ...bookingCalendarShape, version });
export type BookingCalendar = z.output<typeof bookingCalendarValueSchema>;
