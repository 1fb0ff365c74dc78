import { readSettings, type Booking, type WhatsApp, type WorkingHours } from "~/lib/settings-schemas";
import { withService, type Database } from "~/utils/db.server";

/**
 * The two privileged reads the public page needs, on the service path (RLS bypassed), each
 * selecting named columns only. Nothing here is sent to the browser as is: the route picks
 * the public fields.
 */
export type PublishedProvider = {
  ownerUserId: string; // server-side only: keys the busy-time cache, never rendered
  slug: string;
  displayName: string | null;
  timezone: string;
  workingHours: WorkingHours | null;
  whatsapp: WhatsApp | null;
  booking: Booking;
  selectedCalendarIds: string[];
};

export async function findPublishedProvider(db: Database, slug: string): Promise<PublishedProvider | null> {
  const [row] = await withService(db, (tx) =>
    tx.query<{ owner_user_id: string; public_slug: string; timezone: string; settings: unknown }>(
      "select owner_user_id, public_slug, timezone, settings from public.providers where public_slug = $1 and is_public",
      [slug],
    ),
  );
  if (!row) return null;
  const s = readSettings(row.settings);
  return {
    ownerUserId: row.owner_user_id,
    slug: row.public_slug,
    displayName: s.displayName ?? null,
    timezone: s.workingHours?.timezone ?? row.timezone,
    workingHours: s.workingHours,
    whatsapp: s.whatsapp,
    booking: s.booking,
    selectedCalendarIds: s.calendar.selectedCalendarIds,
  };
}

export type StoredIntegration = {
  id: string;
  integration_type: string;
  status: string;
  external_username: string | null;
  external_email: string | null;
  secret: unknown;
};

export async function calendarIntegrationsFor(db: Database, ownerUserId: string): Promise<StoredIntegration[]> {
  return withService(db, (tx) =>
    tx.query<StoredIntegration>(
      `select i.id, i.integration_type, i.status, i.external_username, i.external_email, s.secret
       from public.integrations i join public.integration_secrets s on s.integration_id = i.id
       where i.user_id = $1 and i.integration_type in ('icloud', 'caldav') order by i.created_at`,
      [ownerUserId],
    ),
  );
}

/** The server refused the stored password: the provider sees "reconnect" on the calendar page. */
export async function markIntegrationRejected(db: Database, integrationId: string) {
  await withService(db, (tx) => tx.query("update public.integrations set status = 'error' where id = $1 and status <> 'error'", [integrationId]));
}
