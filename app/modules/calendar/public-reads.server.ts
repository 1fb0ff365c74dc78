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
  await withService(db, (tx) =>
    tx.query("update public.integrations set status = 'error' where id = $1 and status <> 'error'", [integrationId]),
  );
}
