/**
 * Pure availability engine: working hours + booking rules + busy intervals -> free slots.
 * No I/O, no clock access (`now` is an input) so results are reproducible in tests.
 *
 * Decisions (each one is pinned by tests in tests/unit/availability.test.ts):
 * - Horizon: `horizonEnd = now + horizonDays` *calendar* days in the provider's zone
 *   (luxon `plus({ days })`, same wall-clock time N days later, so a DST change inside the
 *   horizon does not shift it by an hour). A slot is offered only if `start < horizonEnd`
 *   (strict). Days examined: local date of `now` through local date of `horizonEnd`.
 * - Slot grid: slots start at the day's start instant and step by `slotMinutes` of real
 *   elapsed time; a slot must end at or before the day's end instant. On ordinary days this
 *   is exactly 09:00, 10:00, ...; on a DST day that spans the working hours the slots stay
 *   `slotMinutes` long in reality and their labels show the local wall-clock time (so a
 *   fall-back night can show "02:00" twice, and a spring-forward night skips "02:00").
 * - Non-existent wall times (spring-forward gap, e.g. 02:30 in Berlin on 2026-03-29) follow
 *   luxon: they are pushed forward by the gap (02:30 -> 03:30 CEST). Ambiguous wall times
 *   (fall-back, 02:30 on 2026-10-25) follow luxon too: the later, standard-time occurrence.
 * - Busy intervals are half-open; a busy [s, e) blocks every slot overlapping
 *   [s - buffer, e + buffer). Touching is not overlapping. Zero-length events block nothing
 *   unless a buffer widens them.
 */
import { DateTime, IANAZone } from "luxon";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import { HHMM_PATTERN, type Booking as BookingRules, type WorkingHours } from "~/modules/settings/schemas";

export type Slot = { startMs: number; endMs: number; date: string; time: string };
export type DaySlots = { date: string; slots: Slot[] };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
// Guard against runaway loops from a bad caller; far beyond any sensible booking horizon.
const MAX_HORIZON_DAYS = 3660;

function fail(message: string): never {
  throw new Error(`availability: ${message}`);
}

function parseHHMM(value: unknown, field: string): number {
  const match = typeof value === "string" ? HHMM_PATTERN.exec(value) : null;
  if (!match) fail(`workingHours.${field} must be "HH:MM" (00:00-23:59), got ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

type ValidHours = { zone: string; days: Set<number>; startMin: number; endMin: number };

function validateHours(workingHours: WorkingHours): ValidHours {
  if (!workingHours || typeof workingHours !== "object") fail("workingHours must be an object");
  const zone = workingHours.timezone;
  // IANAZone.isValidZone asks Intl, so "Europe/Berln" is rejected instead of silently becoming an invalid DateTime.
  if (typeof zone !== "string" || !IANAZone.isValidZone(zone)) {
    fail(`unknown IANA time zone ${JSON.stringify(zone)}`);
  }
  if (!Array.isArray(workingHours.days)) fail("workingHours.days must be an array of ISO weekdays 1-7");
  for (const day of workingHours.days) {
    if (!Number.isInteger(day) || day < 1 || day > 7) {
      fail(`workingHours.days must contain ISO weekdays 1 (Mon) to 7 (Sun), got ${JSON.stringify(day)}`);
    }
  }
  const startMin = parseHHMM(workingHours.start, "start");
  const endMin = parseHHMM(workingHours.end, "end");
  if (startMin >= endMin) fail(`workingHours.start (${workingHours.start}) must be before end (${workingHours.end})`);
  return { zone, days: new Set(workingHours.days), startMin, endMin };
}

function validateRules(rules: BookingRules): void {
  if (!rules || typeof rules !== "object") fail("rules must be an object");
  const { slotMinutes, bufferMinutes, minNoticeHours, horizonDays } = rules;
  if (!Number.isInteger(slotMinutes) || slotMinutes <= 0 || slotMinutes > 1440) {
    fail(`rules.slotMinutes must be an integer in 1..1440, got ${String(slotMinutes)}`);
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
}

function validateNow(now: unknown): number {
  if (!isFiniteNumber(now)) fail(`now must be finite epoch milliseconds, got ${String(now)}`);
  return now;
}

/** Earliest slot start and exclusive upper bound for slot starts. */
function bounds(zone: string, rules: BookingRules, now: number): { earliest: number; horizonEnd: number } {
  const horizonEnd = DateTime.fromMillis(now, { zone }).plus({ days: rules.horizonDays }).toMillis();
  return { earliest: now + rules.minNoticeHours * HOUR_MS, horizonEnd };
}

export function availabilityWindow(input: { workingHours: WorkingHours; rules: BookingRules; now: number }): {
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
    // An empty half-open interval cannot overlap anything; dropping it keeps the sweep simple.
    if (end > start) widened.push({ start, end });
  }
  widened.sort((a, b) => a.start - b.start);
  const merged: BusyInterval[] = [];
  for (const interval of widened) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function computeAvailability(input: {
  workingHours: WorkingHours;
  rules: BookingRules;
  busy: BusyInterval[];
  now: number;
}): DaySlots[] {
  const hours = validateHours(input.workingHours);
  validateRules(input.rules);
  const now = validateNow(input.now);
  const { zone, days, startMin, endMin } = hours;
  const rules = input.rules;
  const slotMs = rules.slotMinutes * MINUTE_MS;
  const merged = mergeBusy(input.busy, rules.bufferMinutes * MINUTE_MS);
  const { earliest, horizonEnd } = bounds(zone, rules, now);
  if (horizonEnd <= earliest) return [];

  const ianaZone = IANAZone.create(zone);
  const firstLocal = DateTime.fromMillis(now, { zone });
  const lastLocal = DateTime.fromMillis(horizonEnd, { zone });
  // Calendar-date iteration happens in UTC so that stepping a date never meets a DST gap.
  let cursor = DateTime.utc(firstLocal.year, firstLocal.month, firstLocal.day);
  const lastDate = DateTime.utc(lastLocal.year, lastLocal.month, lastLocal.day).toMillis();

  const result: DaySlots[] = [];
  let p = 0; // sweep pointer into `merged`; slots are produced in ascending start order across all days
  for (; cursor.toMillis() <= lastDate; cursor = cursor.plus({ days: 1 })) {
    if (!days.has(cursor.weekday)) continue;
    const { year, month, day } = cursor;
    const date = `${year}-${pad2(month)}-${pad2(day)}`;
    const dayStart = DateTime.fromObject({ year, month, day, hour: Math.floor(startMin / 60), minute: startMin % 60 }, { zone });
    const dayStartMs = dayStart.toMillis();
    if (dayStartMs >= horizonEnd) break;
    // Fast path: if the offset at the naive end equals the start offset, the wall clock runs
    // uniformly through the working day and the end instant is simply start + duration
    // (assumes no zone shifts its offset and back again within one working day; none does).
    const startWallMin = dayStart.hour * 60 + dayStart.minute; // may differ from startMin inside a DST gap
    let dayEndMs = dayStartMs + (endMin - startWallMin) * MINUTE_MS;
    const uniform = ianaZone.offset(dayEndMs) === dayStart.offset;
    if (!uniform) {
      dayEndMs = DateTime.fromObject({ year, month, day, hour: Math.floor(endMin / 60), minute: endMin % 60 }, { zone }).toMillis();
    }
    if (dayEndMs <= earliest) continue;

    let slots: Slot[] | null = null;
    for (let k = 0, s = dayStartMs; s + slotMs <= dayEndMs; k++, s += slotMs) {
      if (s < earliest) continue;
      if (s >= horizonEnd) break;
      const e = s + slotMs;
      while (p < merged.length && merged[p].end <= s) p++;
      if (p < merged.length && merged[p].start < e) continue;
      let time: string;
      if (uniform) {
        const wall = startWallMin + k * rules.slotMinutes;
        time = `${pad2(Math.floor(wall / 60))}:${pad2(wall % 60)}`;
      } else {
        // Rare DST-transition day: let luxon label each instant.
        const local = DateTime.fromMillis(s, { zone });
        time = `${pad2(local.hour)}:${pad2(local.minute)}`;
      }
      (slots ??= []).push({ startMs: s, endMs: e, date, time });
    }
    if (slots) result.push({ date, slots });
  }
  return result;
}
