import { effectiveTimezone, readSettings } from "~/modules/settings/stored";
import {
  type AllDayEvents,
  type Booking,
  type DateOverride,
  type LocaleSettings,
  type ProfileDetails,
  type WhatsApp,
  type WorkingHours,
} from "~/modules/settings/schemas";
import { withService, type Database } from "~/server/db.server";

/**
 * The privileged read of a published provider, on the service path (RLS bypassed), each
 * selecting named columns only. Nothing here is sent to the browser as is: the route picks
 * the public fields.
 */
export type PublishedProvider = {
  ownerUserId: string; // server-side only: keys the busy-time cache, never rendered
  providerId: string; // server-side only: keys holds and bookings, never rendered
  slug: string;
  displayName: string | null;
  /** Public profile texts and the photo fingerprint (issue 13); all optional. */
  profile: ProfileDetails;
  timezone: string;
  workingHours: WorkingHours | null;
  whatsapp: WhatsApp | null;
  booking: Booking;
  locale: LocaleSettings;
  selectedCalendarIds: string[];
  allDayEvents: AllDayEvents;
  /** Server-side only: the notes in here are the provider's and never rendered. */
  dateOverrides: DateOverride[];
};

export async function findPublishedProvider(db: Database, slug: string): Promise<PublishedProvider | null> {
  const [row] = await withService(db, (tx) =>
    tx.query<{ id: string; owner_user_id: string; public_slug: string; timezone: string; settings: unknown }>(
      "select id, owner_user_id, public_slug, timezone, settings from public.providers where public_slug = $1 and is_public",
      [slug],
    ),
  );
  if (!row) return null;
  const s = readSettings(row.settings);
  return {
    ownerUserId: row.owner_user_id,
    providerId: row.id,
    slug: row.public_slug,
    displayName: s.displayName ?? null,
    profile: s.profile ?? {},
    timezone: effectiveTimezone(s, row.timezone),
    workingHours: s.workingHours,
    whatsapp: s.whatsapp,
    booking: s.booking,
    locale: s.locale,
    selectedCalendarIds: s.calendar.selectedCalendarIds,
    allDayEvents: s.calendar.allDayEvents,
    dateOverrides: s.dateOverrides,
  };
}
