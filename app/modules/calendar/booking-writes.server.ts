import { decryptCredentials } from "./accounts.server";
import { accountsFor } from "./busy-times.server";
import { CalDavError, deleteCalendarObjectAt, putCalendarObject } from "./caldav-client.server";
import { listIntegrations, readSecret } from "./integrations.server";
import { assertPublicUrl, PrivateAddressError } from "./network-guard.server";
import { getEnv } from "~/server/env.server";
import type { Queryable } from "~/server/db.server";

/**
 * Writing confirmed bookings into the provider's own calendar, with the provider's credentials read
 * under their RLS. The same host rule as reading busy times: a password only ever goes to the host
 * of the account it belongs to (an iCloud calendar only to iCloud accounts).
 */
export type WriteResult = { ok: true; objectUrl: string } | { ok: false; message: string };

type Run = <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>;

async function credentialsFor(run: Run, userId: string, url: string) {
  const rows = await run(async (tx) => {
    const integrations = await listIntegrations(tx, userId);
    return Promise.all(integrations.map(async (i) => ({ ...i, secret: await readSecret(tx, i.id) })));
  });
  const accounts = rows.flatMap((i) => {
    try {
      return [{ ...i, creds: decryptCredentials(i.secret, i.id) }];
    } catch {
      return [];
    }
  });
  return accountsFor(url, accounts);
}

async function guard(url: string): Promise<string | null> {
  try {
    await assertPublicUrl(url, getEnv().caldavAllowPrivate);
    return null;
  } catch (err) {
    return err instanceof PrivateAddressError ? err.message : "Could not reach the calendar server.";
  }
}

export async function writeBookingEvent(
  run: Run,
  userId: string,
  calendarUrl: string,
  filename: string,
  ics: string,
): Promise<WriteResult> {
  const accounts = await credentialsFor(run, userId, calendarUrl);
  if (accounts.length === 0)
    return { ok: false, message: "No connected calendar account can write to this calendar; reconnect it on the Calendar page." };
  const refused = await guard(calendarUrl);
  if (refused) return { ok: false, message: refused };
  let last = "The calendar could not be written.";
  for (const account of accounts) {
    try {
      const { url } = await putCalendarObject(account.creds, calendarUrl, filename, ics, { timeoutMs: getEnv().CALDAV_TIMEOUT_MS });
      return { ok: true, objectUrl: url };
    } catch (err) {
      if (!(err instanceof CalDavError)) throw err;
      last = err.message;
    }
  }
  return { ok: false, message: last };
}

export async function deleteBookingEvent(run: Run, userId: string, objectUrl: string): Promise<WriteResult> {
  const accounts = await credentialsFor(run, userId, objectUrl);
  if (accounts.length === 0) return { ok: false, message: "No connected calendar account can change this calendar." };
  const refused = await guard(objectUrl);
  if (refused) return { ok: false, message: refused };
  let last = "The event could not be deleted.";
  for (const account of accounts) {
    try {
      await deleteCalendarObjectAt(account.creds, objectUrl, { timeoutMs: getEnv().CALDAV_TIMEOUT_MS });
      return { ok: true, objectUrl };
    } catch (err) {
      if (!(err instanceof CalDavError)) throw err;
      last = err.message;
    }
  }
  return { ok: false, message: last };
}
