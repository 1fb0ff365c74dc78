import { extractBusy, type BusyInterval } from "./ical-busy";
import { CalDavError, fetchCalendarIcs } from "./caldav-client.server";
import { decryptCredentials } from "./accounts.server";
import type { Database } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { assertPublicUrl } from "./network-guard.server";
import { calendarIntegrationsFor, markIntegrationRejected } from "./public-reads.server";

/** Whose calendars to read, and how to read floating times and all-day events. */
export type BusyOwner = { ownerUserId: string; slug: string; timezone: string; selectedCalendarIds: string[] };

/**
 * Busy intervals from every selected calendar, fetched in parallel. Fail closed: if any selected
 * calendar cannot be read, this throws; a calendar we could not read must never look free.
 */
export async function fetchProviderBusy(
  db: Database,
  provider: BusyOwner,
  window: { start: number; end: number },
): Promise<BusyInterval[]> {
  const results = await fetchCalendarsBusy(db, provider, provider.selectedCalendarIds, window);
  const failed = results.find((r) => !r.busy);
  if (failed) throw failed.error;
  return results.flatMap((r) => r.busy ?? []);
}

/**
 * Busy intervals per calendar, fetched in parallel: one result per calendar, with its busy
 * intervals or its error, so the busy cache can keep each calendar's last good copy on its own.
 * Throws only when nothing can be tried (no account, database unreachable).
 */
export async function fetchCalendarsBusy(
  db: Database,
  provider: BusyOwner,
  calendarUrls: string[],
  window: { start: number; end: number },
): Promise<{ calendarUrl: string; busy?: BusyInterval[]; error?: unknown }[]> {
  if (calendarUrls.length === 0) return [];
  const integrations = await calendarIntegrationsFor(db, provider.ownerUserId);
  if (integrations.length === 0) throw new Error("Calendars are selected but no calendar account is connected");
  const accounts = integrations.map((i) => ({ ...i, creds: decryptCredentials(i.secret, i.id) }));
  const timeoutMs = getEnv().CALDAV_TIMEOUT_MS;
  const ownerEmails = [
    ...new Set(integrations.flatMap((i) => [i.external_email, i.external_username]).filter((e): e is string => !!e && e.includes("@"))),
  ];

  const readOne = async (calendarUrl: string): Promise<BusyInterval[]> => {
    const ordered = accountsFor(calendarUrl, accounts);
    if (ordered.length === 0) throw new Error("No connected calendar account serves this calendar");
    let lastError: unknown;
    // Listed URLs come from the user's server; check where they point before sending a password.
    await assertPublicUrl(calendarUrl, getEnv().caldavAllowPrivate);
    for (const account of ordered) {
      try {
        const ics = await fetchCalendarIcs(
          account.creds,
          calendarUrl,
          { start: new Date(window.start), end: new Date(window.end) },
          { timeoutMs },
        );
        return extractBusy(ics, {
          rangeStart: window.start,
          rangeEnd: window.end,
          zone: provider.timezone,
          ownerEmails,
          onWarning: (msg) => console.warn(`[busy] ${provider.slug}: ${msg}`),
        });
      } catch (err) {
        lastError = err;
        if (err instanceof CalDavError && err.reason === "auth" && ordered.length === 1) await markIntegrationRejected(db, account.id);
      }
    }
    throw lastError;
  };
  return Promise.all(
    calendarUrls.map((calendarUrl) =>
      readOne(calendarUrl).then(
        (busy) => ({ calendarUrl, busy }),
        (error: unknown) => ({ calendarUrl, error }),
      ),
    ),
  );
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

function isICloudHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "");
  return name === "icloud.com" || name.endsWith(".icloud.com");
}

/**
 * The accounts whose password may be sent to this calendar's host: an iCloud calendar
 * (pNN-caldav.icloud.com) only to accounts on icloud.com; any other calendar only to the account
 * on that very host. Never a password to a host its own server did not name, whatever URL a
 * (possibly hostile or since replaced) CalDAV server put in a listing.
 */
function accountsFor<A extends { integration_type: string; creds: { serverUrl: string } }>(calendarUrl: string, accounts: A[]): A[] {
  const host = hostOf(calendarUrl);
  if (!host) return [];
  if (isICloudHost(host)) return accounts.filter((a) => isICloudHost(hostOf(a.creds.serverUrl) ?? ""));
  return accounts.filter((a) => hostOf(a.creds.serverUrl) === host);
}
