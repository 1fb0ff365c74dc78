import type { Queryable } from "~/server/db.server";
import type { EncryptedSecret } from "~/server/crypto.server";

/** Calendar integrations of the signed-in user (RLS-scoped transaction). */
export type IntegrationType = "icloud" | "caldav";
export type IntegrationStatus = "active" | "disabled" | "error";

export type Integration = {
  id: string;
  integration_type: IntegrationType;
  label: string | null;
  status: IntegrationStatus;
  external_username: string | null;
  external_email: string | null;
  updated_at: Date;
};

const COLUMNS = "id, integration_type, label, status, external_username, external_email, updated_at";

export async function listIntegrations(tx: Queryable, userId: string): Promise<Integration[]> {
  return tx.query<Integration>(
    `select ${COLUMNS} from public.integrations where user_id = $1 and integration_type in ('icloud', 'caldav') order by created_at`,
    [userId],
  );
}

/**
 * Creates or updates the user's integration of this type and stores its secret, in the caller's
 * transaction. The secret is encrypted by `encrypt(integrationId)` because the id is the
 * associated data: a ciphertext moved to another row will not decrypt.
 */
export async function upsertIntegration(
  tx: Queryable,
  userId: string,
  input: { type: IntegrationType; label: string; username: string; email: string | null },
  encrypt: (integrationId: string) => EncryptedSecret,
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `insert into public.integrations (user_id, integration_type, label, status, external_username, external_email)
     values ($1, $2, $3, 'active', $4, $5)
     on conflict (user_id, integration_type) do update
       set label = excluded.label, status = 'active',
           external_username = excluded.external_username, external_email = excluded.external_email
     returning id`,
    [userId, input.type, input.label, input.username, input.email],
  );
  await tx.query(
    `insert into public.integration_secrets (integration_id, secret) values ($1, $2::jsonb)
     on conflict (integration_id) do update set secret = excluded.secret`,
    [row.id, JSON.stringify(encrypt(row.id))],
  );
  return row.id;
}

/** The owner's calendar-user addresses as the server listed them (RFC 6638); never on the public page. */
export async function saveAddresses(tx: Queryable, integrationId: string, addresses: string[]) {
  await tx.query(
    `insert into public.integration_addresses (integration_id, addresses) values ($1, $2::text[])
     on conflict (integration_id) do update set addresses = excluded.addresses
       where public.integration_addresses.addresses is distinct from excluded.addresses`,
    [integrationId, addresses],
  );
}

export async function readAddresses(tx: Queryable, integrationId: string): Promise<string[]> {
  const [row] = await tx.query<{ addresses: string[] }>("select addresses from public.integration_addresses where integration_id = $1", [
    integrationId,
  ]);
  return row?.addresses ?? [];
}

export async function readSecret(tx: Queryable, integrationId: string): Promise<unknown> {
  const [row] = await tx.query<{ secret: unknown }>("select secret from public.integration_secrets where integration_id = $1", [
    integrationId,
  ]);
  return row?.secret ?? null;
}

export async function setIntegrationStatus(tx: Queryable, integrationId: string, status: IntegrationStatus) {
  await tx.query("update public.integrations set status = $2 where id = $1 and status is distinct from $2", [integrationId, status]);
}

/** Deletes the integration (its secret goes by cascade) and forgets the calendars chosen from it. */
export async function deleteIntegration(tx: Queryable, userId: string, integrationId: string, calendarUrls: string[]) {
  const deleted = await tx.query("delete from public.integrations where id = $1 and user_id = $2 returning 1", [integrationId, userId]);
  if (deleted.length === 0) return false;
  await tx.query(
    `update public.providers
     set settings = jsonb_set(settings, '{calendar,selectedCalendarIds}',
       coalesce((select jsonb_agg(id) from jsonb_array_elements_text(settings #> '{calendar,selectedCalendarIds}') as t(id)
                 where not (id = any($2::text[]))), '[]'::jsonb), true)
     where owner_user_id = $1 and jsonb_typeof(settings #> '{calendar,selectedCalendarIds}') = 'array'`,
    [userId, calendarUrls],
  );
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the id names one of the signed-in user's integrations (anything else, even malformed: no). */
export async function integrationExists(tx: Queryable, integrationId: string): Promise<boolean> {
  if (!UUID.test(integrationId)) return false;
  const rows = await tx.query("select 1 from public.integrations where id = $1", [integrationId]);
  return rows.length > 0;
}
