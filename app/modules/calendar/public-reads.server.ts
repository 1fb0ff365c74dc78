import { withService, type Database } from "~/server/db.server";

/**
 * The calendar reads the public page needs, on the service path (RLS bypassed): the owner's
 * connected accounts with their encrypted secrets, and marking an account whose password the
 * server refused. Server-side only; nothing here reaches the browser.
 */
export type StoredIntegration = {
  id: string;
  integration_type: string;
  status: string;
  external_username: string | null;
  external_email: string | null;
  /** calendar-user-address-set of the account (RFC 6638), lower-case. */
  addresses: string[];
  secret: unknown;
};

export async function calendarIntegrationsFor(db: Database, ownerUserId: string): Promise<StoredIntegration[]> {
  return withService(db, (tx) =>
    tx.query<StoredIntegration>(
      `select i.id, i.integration_type, i.status, i.external_username, i.external_email,
              coalesce(a.addresses, '{}') as addresses, s.secret
       from public.integrations i join public.integration_secrets s on s.integration_id = i.id
       left join public.integration_addresses a on a.integration_id = i.id
       where i.user_id = $1 and i.integration_type in ('icloud', 'caldav', 'ics') order by i.created_at`,
      [ownerUserId],
    ),
  );
}

/** The server refused the stored password: the provider sees "reconnect" on the calendar page. */
export async function markIntegrationRejected(db: Database, integrationId: string) {
  await withService(db, (tx) =>
    tx.query("update public.integrations set status = 'error' where id = $1 and status <> 'error'", [integrationId]),
  );
}

/** One selected calendar's outcome of a busy-time read. */
export type CalendarHealthEntry =
  | { calendarId: string; ok: true; warningsCount: number; warnings: string[] }
  | { calendarId: string; ok: false; reason: string; event: string | null };

/**
 * Records each calendar's health where every replica and restart sees it (calendar_health; the
 * provider reads their own rows under RLS on /settings/calendar). A failure keeps the last good
 * read's time and warnings, so the page can say since when the calendar is broken.
 */
export async function recordCalendarHealth(db: Database, ownerUserId: string, entries: CalendarHealthEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await withService(db, async (tx) => {
    for (const e of entries) {
      if (e.ok) {
        await tx.query(
          `insert into public.calendar_health (user_id, calendar_id, last_attempt_at, last_success_at, failure_reason, failure_event, warnings_count, warnings)
           values ($1, $2, now(), now(), null, null, $3, $4::jsonb)
           on conflict (user_id, calendar_id) do update set last_attempt_at = now(), last_success_at = now(),
             failure_reason = null, failure_event = null, warnings_count = excluded.warnings_count, warnings = excluded.warnings`,
          [ownerUserId, e.calendarId, e.warningsCount, JSON.stringify(e.warnings)],
        );
      } else {
        await tx.query(
          `insert into public.calendar_health (user_id, calendar_id, last_attempt_at, failure_reason, failure_event)
           values ($1, $2, now(), $3, $4)
           on conflict (user_id, calendar_id) do update set last_attempt_at = now(),
             failure_reason = excluded.failure_reason, failure_event = excluded.failure_event`,
          [ownerUserId, e.calendarId, e.reason.slice(0, 1000), e.event?.slice(0, 300) ?? null],
        );
      }
    }
  });
}
