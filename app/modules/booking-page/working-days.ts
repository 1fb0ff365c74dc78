/**
 * The provider's working days inside the booking window, whether or not a slot is free: the page
 * shows "Fully booked" for a working day the engine returned no slots for, instead of letting it
 * vanish. A working day is a day the engine would offer at least one slot on if nothing were busy,
 * so weekly ranges, overnight ranges, date overrides (a day off is not "fully booked"), step,
 * notice and horizon are counted exactly as for the real slots. Pure.
 */
import type { Booking, DateOverride, WorkingHours } from "~/modules/settings/schemas";
import { computeAvailability } from "./availability";

export type WorkingDay = { date: string; startMs: number; endMs: number };

type Override = Pick<DateOverride, "from" | "to" | "ranges">;

export function workingDays(input: { workingHours: WorkingHours; rules: Booking; now: number; dateOverrides?: Override[] }): WorkingDay[] {
  return computeAvailability({ ...input, busy: [], dateOverrides: input.dateOverrides ?? [] })
    .filter((day) => day.slots.length > 0)
    .map((day) => ({ date: day.date, startMs: day.slots[0].startMs, endMs: day.slots[day.slots.length - 1].endMs }));
}
