import { CalendarDataError, extractBusy, type BusyInterval } from "./ical-busy";
import { CalDavError, fetchCalendarIcs } from "./caldav-client.server";
import { decryptCredentials } from "./accounts.server";
import { isFeedCalendarId, FEED_ID_PREFIX } from "./feed-ids";
import { decryptFeeds, FeedError, fetchFeedText, type StoredFeed } from "./ics-feeds.server";
import { getDb, type Database } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { assertPublicUrl, PrivateAddressError } from "./network-guard.server";
import { calendarIntegrationsFor, markIntegrationRejected, recordCalendarHealth, type CalendarHealthEntry } from "./public-reads.server";

/** Whose calendars to read, and how to read floating times and all-day events. */
export type BusyOwner = {
  ownerUserId: string;
  slug: string;
  timezone: string;
  selectedCalendarIds: string[];
  /** The provider's `calendar.allDayEvents`; absent means "busy". */
  allDayEvents?: "busy" | "as-marked";
};

/** Warnings kept per calendar for the settings page (the count is always exact). */
const KEPT_WARNINGS = 5;

class CalendarReadError extends Error {
  constructor(
    message: string,
    readonly event: string | null = null,
  ) {
    super(message);
  }
}

/** The provider-facing reason (never a raw server answer) and the event to blame, if any. */
function describeFailure(err: unknown): { reason: string; event: string | null } {
  if (err instanceof CalendarDataError) return { reason: err.message, event: err.eventSummary ?? err.eventUid ?? null };
  if (err instanceof CalDavError || err instanceof FeedError || err instanceof PrivateAddressError)
    return { reason: err.message, event: null };
  if (err instanceof CalendarReadError) return { reason: err.message, event: err.event };
  return { reason: "The calendar could not be read.", event: null };
}

/**
 * What the busy cache needs to know of a provider: the calendars to read (each cached on its own)
 * and what extraction depends on besides them (the zone for floating times and all-day events, and
 * the all-day rule): a new key starts a new copy.
 */
export function busySelection(owner: Pick<BusyOwner, "timezone" | "allDayEvents" | "selectedCalendarIds">): {
  key: string;
  calendars: string[];
} {
  return { key: `${owner.timezone}|${owner.allDayEvents ?? "busy"}`, calendars: owner.selectedCalendarIds };
}

export type CalendarBusy = { calendarUrl: string; busy?: BusyInterval[]; error?: unknown };

/**
 * Busy intervals from every selected calendar. Fail closed: if any selected calendar cannot be
 * read, this throws; a calendar we could not read must never look free.
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
 * Busy intervals per calendar (CalDAV calendars and ICS feeds), fetched in parallel: one result per
 * calendar, with its intervals or its error, so the busy cache keeps each calendar's last good copy
 * on its own. Each calendar's outcome (last good read, or the reason and the event to blame, plus
 * warnings) is recorded for the provider's settings page. Throws only when nothing can be tried
 * (the database cannot be reached).
 */
export async function fetchCalendarsBusy(
  db: Database,
  provider: BusyOwner,
  selected: string[],
  window: { start: number; end: number },
): Promise<CalendarBusy[]> {
  if (selected.length === 0) return [];
  const integrations = await calendarIntegrationsFor(db, provider.ownerUserId);
  const env = getEnv();
  const timeoutMs = env.CALDAV_TIMEOUT_MS;

  const caldav = integrations.filter((i) => i.integration_type === "icloud" || i.integration_type === "caldav");
  const accounts = caldav.flatMap((i) => {
    try {
      return [{ ...i, creds: decryptCredentials(i.secret, i.id) }];
    } catch {
      return [];
    }
  });
  const feeds = new Map<string, StoredFeed>();
  for (const i of integrations.filter((x) => x.integration_type === "ics")) {
    try {
      for (const f of decryptFeeds(i.secret, i.id)) feeds.set(`${FEED_ID_PREFIX}${f.id}`, f);
    } catch {
      // an unreadable list: every selected feed fails below, closed
    }
  }
  // Declines by any of the owner's addresses free an event: the login when it is an address, and
  // every address the server lists for the account (iCloud aliases, RFC 6638).
  const ownerEmails = [
    ...new Set(
      caldav
        .flatMap((i) => [i.external_email, i.external_username, ...i.addresses])
        .filter((e): e is string => !!e && e.includes("@"))
        .map((e) => e.toLowerCase()),
    ),
  ];

  const readOne = async (calendarId: string): Promise<{ busy: BusyInterval[]; warnings: string[]; warningsCount: number }> => {
    const warnings: string[] = [];
    let warningsCount = 0;
    const extract = (texts: string[]) =>
      extractBusy(texts, {
        rangeStart: window.start,
        rangeEnd: window.end,
        zone: provider.timezone,
        ownerEmails,
        allDayEvents: provider.allDayEvents,
        onWarning: (msg) => {
          warningsCount++;
          if (warnings.length < KEPT_WARNINGS) warnings.push(msg);
          if (warningsCount === 1) console.warn(`[busy] ${provider.slug}: ${msg}`);
        },
      });

    if (isFeedCalendarId(calendarId)) {
      const feed = feeds.get(calendarId);
      if (!feed) throw new CalendarReadError("This calendar feed is no longer connected.");
      const { text } = await fetchFeedText(feed.url, { timeoutMs, allowPrivate: env.caldavAllowPrivate, cacheKey: calendarId });
      return { busy: extract([text]), warnings, warningsCount };
    }

    const ordered = accountsFor(calendarId, accounts);
    if (ordered.length === 0) throw new CalendarReadError("No connected calendar account serves this calendar.");
    // Listed URLs come from the user's server; check where they point before sending a password.
    await assertPublicUrl(calendarId, env.caldavAllowPrivate);
    let lastError: unknown;
    for (const account of ordered) {
      try {
        const ics = await fetchCalendarIcs(
          account.creds,
          calendarId,
          { start: new Date(window.start), end: new Date(window.end) },
          { timeoutMs },
        );
        return { busy: extract(ics), warnings, warningsCount };
      } catch (err) {
        lastError = err;
        if (err instanceof CalDavError && err.reason === "auth" && ordered.length === 1) await markIntegrationRejected(db, account.id);
      }
    }
    throw lastError;
  };

  const results = await Promise.allSettled(selected.map(readOne));
  const health: CalendarHealthEntry[] = results.map((r, i) =>
    r.status === "fulfilled"
      ? { calendarId: selected[i], ok: true, warningsCount: r.value.warningsCount, warnings: r.value.warnings }
      : { calendarId: selected[i], ok: false, ...describeFailure(r.reason) },
  );
  // The health record is for the provider's eyes; failing to write it must not fail the page.
  await recordCalendarHealth(db, provider.ownerUserId, health).catch((err: unknown) =>
    console.error(`[busy] ${provider.slug}: could not record calendar health`, err instanceof Error ? err.message : err),
  );
  return results.map((r, i) =>
    r.status === "fulfilled" ? { calendarUrl: selected[i], busy: r.value.busy } : { calendarUrl: selected[i], error: r.reason as unknown },
  );
}

/** "Check now" on the settings page: one read of every selected calendar, recording its health. */
export async function checkCalendarsNow(owner: BusyOwner): Promise<void> {
  const now = Date.now();
  await fetchProviderBusy(await getDb(), owner, { start: now, end: now + 14 * 86_400_000 }).catch(() => {});
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
export function accountsFor<A extends { integration_type: string; creds: { serverUrl: string } }>(calendarUrl: string, accounts: A[]): A[] {
  const host = hostOf(calendarUrl);
  if (!host) return [];
  if (isICloudHost(host)) return accounts.filter((a) => isICloudHost(hostOf(a.creds.serverUrl) ?? ""));
  return accounts.filter((a) => hostOf(a.creds.serverUrl) === host);
}
