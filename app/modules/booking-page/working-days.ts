/**
 * The provider's working days inside the booking window, whether or not a slot is free: the page
 * shows "Fully booked" for a working day the engine returned no slots for, instead of letting it
 * vanish. Beside the engine rather than in it, so the engine's contract (free slots only) stays
 * as it is. Pure.
 *
 * When the weekly hours learn per-weekday ranges and date overrides, `workingWindow` is the one
 * place that must read them (a day off by override is not "fully booked").
 */
import { DateTime } from "luxon";
import { HHMM_PATTERN, type Booking, type WorkingHours } from "~/modules/settings/schemas";

export type WorkingDay = { date: string; startMs: number; endMs: number };

function at(date: DateTime, hhmm: string, zone: string): number {
  const [, h, m] = HHMM_PATTERN.exec(hhmm) ?? [];
  return DateTime.fromObject(
    { year: date.year, month: date.month, day: date.day, hour: Number(h), minute: Number(m) },
    { zone },
  ).toMillis();
}

/** The working window of one calendar date (UTC-midnight DateTime carrying the date), or null. */
export function workingWindow(workingHours: WorkingHours, date: DateTime): { startMs: number; endMs: number } | null {
  if (!workingHours.days.includes(date.weekday)) return null;
  const zone = workingHours.timezone;
  return { startMs: at(date, workingHours.start, zone), endMs: at(date, workingHours.end, zone) };
}

/**
 * Working days from today to the horizon (provider's zone) whose hours are not over yet (counting
 * the minimum notice) and start before the horizon: exactly the days that could have had a slot.
 */
export function workingDays(input: { workingHours: WorkingHours; rules: Booking; now: number }): WorkingDay[] {
  const { workingHours, rules, now } = input;
  const zone = workingHours.timezone;
  const local = DateTime.fromMillis(now, { zone });
  if (!local.isValid) return [];
  const earliest = now + rules.minNoticeHours * 3_600_000;
  const horizonEnd = local.plus({ days: rules.horizonDays }).toMillis();
  const out: WorkingDay[] = [];
  let cursor = DateTime.utc(local.year, local.month, local.day);
  for (let i = 0; i <= rules.horizonDays; i++, cursor = cursor.plus({ days: 1 })) {
    const window = workingWindow(workingHours, cursor);
    if (!window) continue;
    if (window.startMs >= horizonEnd) break;
    if (window.endMs - rules.slotMinutes * 60_000 < earliest) continue;
    out.push({ date: cursor.toISODate() ?? "", ...window });
  }
  return out;
}
