import type { ConnectCalendarInput } from "./schemas";
import {
  deleteIntegration,
  listIntegrations,
  readSecret,
  saveAddresses,
  setIntegrationStatus,
  upsertIntegration,
  type Integration,
  type IntegrationType,
} from "./integrations.server";
import {
  ICLOUD_CALDAV_URL,
  verifyCalDavAccount,
  type CalDavCredentials,
  type CalDavFailure,
  type RemoteCalendar,
} from "./caldav-client.server";
import { decryptSecret, encryptSecret } from "~/server/crypto.server";
import { getDb } from "~/server/db.server";
import { withUser, type Queryable } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { getKeyring } from "~/server/keyring.server";
import { announceProviderChanged } from "~/server/provider-events.server";
import { assertPublicUrl, PrivateAddressError } from "./network-guard.server";
import { isFeedCalendarId } from "./feed-ids";

/** What the encrypted secret holds. The server URL is in it too: it is nobody else's business. */
type StoredCredentials = CalDavCredentials;

export function encryptCredentials(creds: StoredCredentials) {
  return (integrationId: string) => encryptSecret(getKeyring(), JSON.stringify(creds), integrationId);
}

export function decryptCredentials(secret: unknown, integrationId: string): StoredCredentials {
  const parsed = JSON.parse(decryptSecret(getKeyring(), secret, integrationId)) as Partial<StoredCredentials>;
  if (typeof parsed.serverUrl !== "string" || typeof parsed.username !== "string" || typeof parsed.password !== "string") {
    throw new Error("Stored calendar credentials are incomplete");
  }
  return parsed as StoredCredentials;
}

/** Verifies first (login + listing, with a timeout), stores only on success. */
export async function connectAccount(
  userId: string,
  input: ConnectCalendarInput,
): Promise<{ ok: true; calendars: RemoteCalendar[]; addresses: string[] } | CalDavFailure> {
  const creds: StoredCredentials = {
    serverUrl: input.type === "icloud" ? ICLOUD_CALDAV_URL : input.serverUrl,
    username: input.username,
    password: input.password,
  };
  try {
    await assertPublicUrl(creds.serverUrl, getEnv().caldavAllowPrivate);
  } catch (err) {
    return {
      ok: false,
      reason: "unreachable",
      message: err instanceof PrivateAddressError ? err.message : `Could not reach the server at ${new URL(creds.serverUrl).host}.`,
    };
  }
  const verified = await verifyCalDavAccount(creds, { timeoutMs: getEnv().CALDAV_TIMEOUT_MS, isICloud: input.type === "icloud" });
  if (!verified.ok) return verified;
  const host = new URL(creds.serverUrl).host;
  await withUser(await getDb(), userId, async (tx) => {
    const id = await upsertIntegration(
      tx,
      userId,
      {
        type: input.type as IntegrationType,
        label: input.type === "icloud" ? "Apple iCloud" : `CalDAV (${host})`,
        username: input.username,
        email: input.username.includes("@") ? input.username : null,
      },
      encryptCredentials(creds),
    );
    await saveAddresses(tx, id, verified.addresses);
  });
  announceProviderChanged(userId, "calendar-access");
  return verified;
}

export type AccountView = {
  integration: Integration;
  calendars: RemoteCalendar[] | null;
  error: CalDavFailure | null;
};

/**
 * The user's accounts with their calendars, listed live (calendars come and go on the server).
 * A rejected password marks the integration `error`, so the page can ask for a reconnect.
 */
export async function listAccounts(userId: string): Promise<AccountView[]> {
  const db = await getDb();
  const rows = await withUser(db, userId, async (tx) => {
    const integrations = await listIntegrations(tx, userId);
    return Promise.all(integrations.map(async (i) => ({ integration: i, secret: await readSecret(tx, i.id) })));
  });
  return Promise.all(
    rows.map(async ({ integration, secret }): Promise<AccountView> => {
      let creds: StoredCredentials;
      try {
        creds = decryptCredentials(secret, integration.id);
      } catch {
        return {
          integration,
          calendars: null,
          error: { ok: false, reason: "auth", message: "The stored credentials cannot be read. Connect the account again." },
        };
      }
      try {
        await assertPublicUrl(creds.serverUrl, getEnv().caldavAllowPrivate);
      } catch (err) {
        const message = err instanceof PrivateAddressError ? err.message : "Could not reach the calendar server.";
        return { integration, calendars: null, error: { ok: false, reason: "unreachable", message } };
      }
      const result = await verifyCalDavAccount(creds, {
        timeoutMs: getEnv().CALDAV_TIMEOUT_MS,
        isICloud: integration.integration_type === "icloud",
      });
      const status = result.ok ? "active" : result.reason === "auth" ? "error" : integration.status;
      if (status !== integration.status || result.ok) {
        await withUser(db, userId, async (tx) => {
          if (status !== integration.status) await setIntegrationStatus(tx, integration.id, status);
          // Addresses change (a new alias on the Apple ID): refreshed on every listing.
          if (result.ok) await saveAddresses(tx, integration.id, result.addresses);
        });
        integration = { ...integration, status };
      }
      return result.ok ? { integration, calendars: result.calendars, error: null } : { integration, calendars: null, error: result };
    }),
  );
}

export async function disconnectAccount(userId: string, integrationId: string, selected: string[], accountCalendarUrls: string[] | null) {
  const db = await getDb();
  const result = await withUser(db, userId, async (tx: Queryable) => {
    const remaining = (await listIntegrations(tx, userId)).filter((i) => i.id !== integrationId);
    // With no account left, no selection can be read; otherwise drop this account's calendars.
    // ICS feeds are not CalDAV accounts: they stay selected.
    const remove = remaining.length === 0 ? selected.filter((id) => !isFeedCalendarId(id)) : (accountCalendarUrls ?? []);
    return deleteIntegration(tx, userId, integrationId, remove);
  });
  announceProviderChanged(userId, "calendar-access");
  return result;
}
