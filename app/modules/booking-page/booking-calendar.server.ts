import { parseWithZod } from "@conform-to/zod/v4";
import { loadBookingCalendarChoice, saveBookingCalendarChoice } from "./requests.server";
import { bookingCalendarSchema } from "~/modules/settings/schemas";
import { getOrCreateProvider } from "~/modules/settings/providers.server";
import { staleReply } from "~/modules/settings/section-save.server";
import { sectionVersion } from "~/modules/settings/version";
import type { Queryable } from "~/server/db.server";

/**
 * The "add bookings to" block of /settings/calendar, kept apart from the calendar selection: its
 * own settings key (settings.bookingCalendar), version token and form. The choice must be one of
 * the selected (busy) calendars, so a written booking is busy time there too.
 */
type Ctx = { user: { id: string }; run: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> };

export const NOT_SELECTED_MESSAGE = "Choose one of the calendars ticked above as busy (save the selection first), or none.";

export async function bookingCalendarFormData(ctx: Ctx) {
  const { calendarUrl, raw } = await loadBookingCalendarChoice(ctx);
  return { calendarUrl, version: sectionVersion(raw) };
}

/** Handles the block's POST: a reply for the form (status 400/409), or null when saved. */
export async function saveBookingCalendarForm(ctx: Ctx, formData: FormData) {
  const submission = parseWithZod(formData, { schema: bookingCalendarSchema });
  if (submission.status !== "success") return { status: 400, result: submission.reply() };
  const { calendarUrl, version } = submission.value;
  if (calendarUrl) {
    const selected = await ctx.run(async (tx) => (await getOrCreateProvider(tx, ctx.user.id)).settings.calendar.selectedCalendarIds);
    if (!selected.includes(calendarUrl))
      return { status: 400, result: submission.reply({ fieldErrors: { calendarUrl: [NOT_SELECTED_MESSAGE] } }) };
  }
  const saved = await saveBookingCalendarChoice(ctx, calendarUrl, version);
  if (!saved.ok) return { status: 409, result: staleReply() };
  return null;
}
