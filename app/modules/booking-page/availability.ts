/**
 * Pure availability engine: weekly hours + date overrides + booking rules + busy intervals -> free
 * slots. No I/O, no clock access (`now` is an input) so results are reproducible in tests.
 *
 * The definition (tests/support/availability-reference.ts implements it literally and slowly; the
 * property tests in tests/unit/availability-properties.test.ts compare the two):
 * - Hours of a date D (local to the provider's zone): the ranges of the first date override that
 *   contains D, else `weekly[ISO weekday of D]` (without `weekly`: `days` x `start`-`end`).
 *   A range belongs to the date it starts on; one whose end is not after its start runs past
 *   midnight (wall-clock length (end - start) mod 24 h, 0 meaning 24 h).
 * - Slots start on the wall clock at range start + k x step (`stepMinutes`, default `slotMinutes`),
 *   for wall times inside the range. A wall time that does not exist (spring-forward gap) has no
 *   slot, so such a range is shortened; one that exists twice (fall-back) has one slot, at its
 *   first occurrence, so a repeated hour is not doubled. A slot lasts `slotMinutes` of real time
 *   and must end by the range's end: the last instant whose wall time is before the range end.
 * - A slot is listed under the local date it starts on (a 00:30 slot of a Friday-night range is
 *   Saturday's), its label is its wall time.
 * - Horizon: `horizonEnd = now + horizonDays` calendar days in the zone (same wall-clock time,
 *   so a DST change does not shift it). Offered: `now + notice <= start < horizonEnd`.
 * - Busy intervals are half-open; a busy [s, e) blocks every slot overlapping
 *   [s - buffer, e + buffer). Touching is not overlapping. Zero-length events block nothing
 *   unless a buffer widens them.
 * - Two ranges may overlap (e.g. an override's night running into a normal day): their slots are
 *   merged, one per start instant.
 */
import { DateTime, IANAZone } from "luxon";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import {
  HHMM_PATTERN,
  WEEKDAY_KEYS,
  type Booking as BookingRules,
  type DateOverride,
  type TimeRange,
  type WorkingHours,
} from "~/modules/settings/schemas";

export type Slot = { startMs: number; endMs: number; date: string; time: string };
export type DaySlots = { date: string; slots: Slot[] };

/** What the engine needs of stored working hours (the seed's keys, optionally `weekly`). */
export type HoursInput = Pick<WorkingHours, "timezone" | "days" | "start" | "end"> & { weekly?: Partial<Record<string, TimeRange[]>> };
export type RulesInput = Pick<BookingRules, "slotMinutes" | "bufferMinutes" | "minNoticeHours" | "horizonDays"> & { stepMinutes?: number };
export type OverrideInput = Pick<DateOverride, "from" | "to" | "ranges">;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// Guard against runaway loops from a bad caller; far beyond any sensible booking horizon.
const MAX_HORIZON_DAYS = 3660;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function fail(message: string): never {
  throw new Error(`availability: ${message}`);
}

function parseHHMM(value: unknown, field: string): number {
  const match = typeof value === "string" ? HHMM_PATTERN.exec(value) : null;
  if (!match) fail(`${field} must be "HH:MM" (00:00-23:59), got ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A range in wall-clock minutes from its date's midnight: start 0..1439, length 1..1440. */
type Range = { s: number; len: number };

function toRange(r: unknown, field: string): Range {
  if (!r || typeof r !== "object") fail(`${field} must be { start, end }`);
  const { start, end } = r as { start?: unknown; end?: unknown };
  const s = parseHHMM(start, `${field}.start`);
  const e = parseHHMM(end, `${field}.end`);
  const d = e - s;
  return { s, len: d > 0 ? d : d + 1440 };
}

function toRanges(list: unknown, field: string): Range[] {
  if (!Array.isArray(list)) fail(`${field} must be an array of { start, end }`);
  return list.map((r, i) => toRange(r, `${field}[${i}]`)).sort((a, b) => a.s - b.s);
}

/** weekly[isoWeekday] for 1..7 (index 0 unused). */
type ValidHours = { zone: string; weekly: Range[][] };

function validateHours(workingHours: HoursInput): ValidHours {
  if (!workingHours || typeof workingHours !== "object") fail("workingHours must be an object");
  const zone = workingHours.timezone;
  // IANAZone.isValidZone asks Intl, so "Europe/Berln" is rejected instead of silently becoming an invalid DateTime.
  if (typeof zone !== "string" || !IANAZone.isValidZone(zone)) {
    fail(`unknown IANA time zone ${JSON.stringify(zone)}`);
  }
  const weekly: Range[][] = [[], [], [], [], [], [], [], []];
  if (workingHours.weekly !== undefined && workingHours.weekly !== null) {
    if (typeof workingHours.weekly !== "object") fail("workingHours.weekly must be an object");
    for (const key of WEEKDAY_KEYS) {
      const list = workingHours.weekly[key];
      if (list !== undefined) weekly[Number(key)] = toRanges(list, `workingHours.weekly.${key}`);
    }
    return { zone, weekly };
  }
  if (!Array.isArray(workingHours.days)) fail("workingHours.days must be an array of ISO weekdays 1-7");
  for (const day of workingHours.days) {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      fail(`workingHours.days must contain ISO weekdays 1 (Mon) to 7 (Sun), got ${JSON.stringify(day)}`);
    }
  }
  const s = parseHHMM(workingHours.start, "workingHours.start");
  const e = parseHHMM(workingHours.end, "workingHours.end");
  // The seed's shape never had overnight hours; a reversed pair there is damage, not a night shift.
  if (s >= e) fail(`workingHours.start (${workingHours.start}) must be before end (${workingHours.end})`);
  for (const day of workingHours.days) weekly[day] = [{ s, len: e - s }];
  return { zone, weekly };
}

function validateRules(rules: RulesInput): number {
  if (!rules || typeof rules !== "object") fail("rules must be an object");
  const { slotMinutes, bufferMinutes, minNoticeHours, horizonDays, stepMinutes } = rules;
  if (!Number.isInteger(slotMinutes) || slotMinutes <= 0 || slotMinutes > 1440) {
    fail(`rules.slotMinutes must be an integer in 1..1440, got ${String(slotMinutes)}`);
  }
  if (stepMinutes !== undefined && (!Number.isInteger(stepMinutes) || stepMinutes <= 0 || stepMinutes > 1440)) {
    fail(`rules.stepMinutes must be an integer in 1..1440, got ${String(stepMinutes)}`);
  }
  if (!isFiniteNumber(bufferMinutes) || bufferMinutes < 0) {
    fail(`rules.bufferMinutes must be a finite number >= 0, got ${String(bufferMinutes)}`);
  }
  if (!isFiniteNumber(minNoticeHours) || minNoticeHours < 0) {
    fail(`rules.minNoticeHours must be a finite number >= 0, got ${String(minNoticeHours)}`);
  }
  if (!Number.isInteger(horizonDays) || horizonDays < 0 || horizonDays > MAX_HORIZON_DAYS) {
    fail(`rules.horizonDays must be an integer in 0..${MAX_HORIZON_DAYS}, got ${String(horizonDays)}`);
  }
  return stepMinutes ?? slotMinutes;
}

function validateNow(now: unknown): number {
  if (!isFiniteNumber(now)) fail(`now must be finite epoch milliseconds, got ${String(now)}`);
  return now;
}

/** Days since 1970-01-01 of a "YYYY-MM-DD". */
function dayNumber(text: unknown, field: string): number {
  const m = typeof text === "string" ? ISO_DATE.exec(text) : null;
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || new Date(ms).toISOString().slice(0, 10) !== text) fail(`${field} must be a date "YYYY-MM-DD", got ${JSON.stringify(text)}`);
  return ms / DAY_MS;
}

/** Ranges per day number for the days in [first, last]; the first override containing a day wins. */
function overridesByDay(overrides: readonly OverrideInput[] | undefined, first: number, last: number): Map<number, Range[]> {
  const byDay = new Map<number, Range[]>();
  if (overrides === undefined || overrides === null) return byDay;
  if (!Array.isArray(overrides)) fail("dateOverrides must be an array");
  overrides.forEach((o, i) => {
    if (!o || typeof o !== "object") fail(`dateOverrides[${i}] must be an object`);
    const from = dayNumber(o.from, `dateOverrides[${i}].from`);
    const to = dayNumber(o.to, `dateOverrides[${i}].to`);
    const ranges = toRanges(o.ranges, `dateOverrides[${i}].ranges`);
    for (let d = Math.max(from, first); d <= Math.min(to, last); d++) if (!byDay.has(d)) byDay.set(d, ranges);
  });
  return byDay;
}

/** Earliest slot start and exclusive upper bound for slot starts. */
function bounds(zone: string, rules: RulesInput, now: number): { earliest: number; horizonEnd: number } {
  const horizonEnd = DateTime.fromMillis(now, { zone }).plus({ days: rules.horizonDays }).toMillis();
  return { earliest: now + rules.minNoticeHours * HOUR_MS, horizonEnd };
}

export function availabilityWindow(input: { workingHours: HoursInput; rules: RulesInput; now: number }): {
  start: number;
  end: number;
} {
  const { zone } = validateHours(input.workingHours);
  validateRules(input.rules);
  const now = validateNow(input.now);
  const { earliest, horizonEnd } = bounds(zone, input.rules, now);
  const bufferMs = input.rules.bufferMinutes * MINUTE_MS;
  // Every slot starts in [earliest, horizonEnd) and lasts slotMinutes, so its buffered
  // footprint lies inside [earliest - buffer, horizonEnd + slot + buffer). A loose but
  // zone-independent bound keeps this cheap and obviously safe for the CalDAV query.
  const end = horizonEnd + input.rules.slotMinutes * MINUTE_MS + bufferMs;
  const start = earliest - bufferMs;
  return { start, end: Math.max(start, end) };
}

/** Widen by the buffer, sort once, merge overlapping/touching runs into disjoint ascending intervals. */
function mergeBusy(busy: BusyInterval[], bufferMs: number): BusyInterval[] {
  if (!Array.isArray(busy)) fail("busy must be an array of { start, end } epoch-ms intervals");
  const widened: BusyInterval[] = [];
  for (let i = 0; i < busy.length; i++) {
    const interval = busy[i];
    if (!interval || !isFiniteNumber(interval.start) || !isFiniteNumber(interval.end)) {
      fail(`busy[${i}] must have finite numeric start and end`);
    }
    if (interval.end < interval.start) fail(`busy[${i}] ends before it starts`);
    const start = interval.start - bufferMs;
    const end = interval.end + bufferMs;
    // An empty half-open interval cannot overlap anything; dropping it keeps the search simple.
    if (end > start) widened.push({ start, end });
  }
  widened.sort((a, b) => a.start - b.start);
  const merged: BusyInterval[] = [];
  for (const interval of widened) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push({ start: interval.start, end: interval.end });
    }
  }
  return merged;
}

/** Does any merged busy interval overlap [s, e)? Binary search: slots of overlapping ranges are not in order. */
function isBusy(merged: BusyInterval[], s: number, e: number): boolean {
  let lo = 0;
  let hi = merged.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (merged[mid].end <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo < merged.length && merged[lo].start < e;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Wall clock -> instant around one date whose zone changes its offset from `before` to `after` at
 * instant `at` (found once per such date). A wall time is written as epoch ms "as if UTC".
 * Assumes at most one offset change within the four days sampled, which every IANA zone satisfies.
 */
class Transition {
  constructor(
    readonly before: number,
    readonly after: number,
    readonly at: number,
  ) {}

  /** The change inside [from, to], whose endpoints have different offsets: bisected to the minute. */
  static between(zone: IANAZone, from: number, to: number, beforeMin = zone.offset(from), afterMin = zone.offset(to)): Transition {
    let lo = from;
    let hi = to;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (zone.offset(mid) === beforeMin) lo = mid;
      else hi = mid;
    }
    return new Transition(beforeMin * MINUTE_MS, afterMin * MINUTE_MS, hi);
  }

  /** The first instant whose wall time is `wall`; null inside a spring-forward gap. */
  first(wall: number): number | null {
    const early = wall - this.before;
    if (early < this.at) return early;
    const late = wall - this.after;
    return late >= this.at ? late : null;
  }

  /** The end of "instants whose wall time is before `wall`": its last occurrence, or where a gap ends. */
  endOf(wall: number): number {
    const late = wall - this.after;
    if (late >= this.at) return late;
    const early = wall - this.before;
    return early < this.at ? early : this.at;
  }
}

/**
 * The zone's offset changes within [from, to]: sampled weekly (each offset lookup asks Intl and
 * costs microseconds), each change then bisected. Assumes no zone changes its offset and back
 * within one week, which holds for every IANA zone.
 */
function offsetChanges(zone: IANAZone, from: number, to: number): { initial: number; changes: Transition[] } {
  const WEEK_MS = 7 * DAY_MS;
  const initial = zone.offset(from);
  const changes: Transition[] = [];
  let prevT = from;
  let prevO = initial;
  while (prevT < to) {
    const t = Math.min(prevT + WEEK_MS, to);
    const o = zone.offset(t);
    if (o !== prevO) changes.push(Transition.between(zone, prevT, t, prevO, o));
    prevT = t;
    prevO = o;
  }
  return { initial, changes };
}

export function computeAvailability(input: {
  workingHours: HoursInput;
  rules: RulesInput;
  busy: BusyInterval[];
  now: number;
  dateOverrides?: readonly OverrideInput[];
}): DaySlots[] {
  const { zone, weekly } = validateHours(input.workingHours);
  const stepMinutes = validateRules(input.rules);
  const now = validateNow(input.now);
  const rules = input.rules;
  const slotMs = rules.slotMinutes * MINUTE_MS;
  const stepMs = stepMinutes * MINUTE_MS;
  const merged = mergeBusy(input.busy, rules.bufferMinutes * MINUTE_MS);
  const { earliest, horizonEnd } = bounds(zone, rules, now);
  const ianaZone = IANAZone.create(zone);
  const firstLocal = DateTime.fromMillis(now, { zone });
  const lastLocal = DateTime.fromMillis(horizonEnd, { zone });
  // From the day before today: last night's overnight range may still have slots after now.
  const firstDay = Date.UTC(firstLocal.year, firstLocal.month - 1, firstLocal.day) / DAY_MS - 1;
  const lastDay = Date.UTC(lastLocal.year, lastLocal.month - 1, lastLocal.day) / DAY_MS;
  const overrides = overridesByDay(input.dateOverrides, firstDay, lastDay);
  if (horizonEnd <= earliest) return [];

  // A date's ranges lie (as instants) within a day before its midnight and three days after: with
  // no offset change in that window the wall clock runs uniformly through all of them.
  const { initial, changes } = offsetChanges(ianaZone, (firstDay - 1) * DAY_MS, (lastDay + 3) * DAY_MS);
  let nextChange = 0;
  let offsetBefore = initial;
  const dateCache = new Map<number, string>();
  const dateOf = (day: number) => {
    let d = dateCache.get(day);
    if (d === undefined) dateCache.set(day, (d = new Date(day * DAY_MS).toISOString().slice(0, 10)));
    return d;
  };

  const slots: Slot[] = [];
  let ordered = true;
  for (let day = firstDay; day <= lastDay; day++) {
    // 1970-01-01 was a Thursday (ISO 4).
    const ranges = overrides.get(day) ?? weekly[((((day + 3) % 7) + 7) % 7) + 1];
    if (ranges.length === 0) continue;
    const dayWall = day * DAY_MS;
    const windowStart = (day - 1) * DAY_MS;
    const windowEnd = (day + 3) * DAY_MS;
    while (nextChange < changes.length && changes[nextChange].at <= windowStart) offsetBefore = changes[nextChange++].after / MINUTE_MS;
    const inWindow = changes.slice(nextChange, nextChange + 2).filter((c) => c.at <= windowEnd);
    const offsetMs = offsetBefore * MINUTE_MS;
    // Two changes within four days exist in no zone; should one appear, the first one is used.
    const clock = inWindow.length ? inWindow[0] : null;
    if (dayWall - offsetMs - DAY_MS >= horizonEnd) break;
    for (const range of ranges) {
      const wallStart = dayWall + range.s * MINUTE_MS;
      const wallEnd = wallStart + range.len * MINUTE_MS;
      const endMs = clock ? clock.endOf(wallEnd) : wallEnd - offsetMs;
      if (endMs <= earliest) continue;
      for (let w = wallStart; w < wallEnd; w += stepMs) {
        const s = clock ? clock.first(w) : w - offsetMs;
        if (s === null) continue; // inside a spring-forward gap
        const e = s + slotMs;
        if (e > endMs || s >= horizonEnd) break; // starts only grow with the wall clock
        if (s < earliest || isBusy(merged, s, e)) continue;
        const wallDay = Math.floor(w / DAY_MS);
        const minute = (w - wallDay * DAY_MS) / MINUTE_MS;
        const last = slots[slots.length - 1];
        if (last && last.startMs >= s) ordered = false;
        slots.push({ startMs: s, endMs: e, date: dateOf(wallDay), time: `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}` });
      }
    }
  }
  if (!ordered) slots.sort((a, b) => a.startMs - b.startMs);

  const result: DaySlots[] = [];
  let prev: Slot | undefined;
  for (const slot of slots) {
    if (prev && prev.startMs === slot.startMs) continue; // the same slot from two overlapping ranges
    prev = slot;
    const current = result[result.length - 1];
    if (current && current.date === slot.date) current.slots.push(slot);
    else result.push({ date: slot.date, slots: [slot] });
  }
  return result;
}
