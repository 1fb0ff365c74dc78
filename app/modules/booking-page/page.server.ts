import crypto from "node:crypto";
import { DateTime } from "luxon";
import { availabilityWindow, computeAvailability } from "./availability";
import { fillTemplate, formatSlotForMessage, waLink } from "./whatsapp";
import { findPublishedProvider, type PublishedProvider } from "./published-provider.server";
import { fetchCalendarsBusy } from "~/modules/calendar/busy-times.server";
import { BusyUnavailableError, getBusyCached, markAllBusyForRefresh, markBusyForRefresh } from "~/modules/calendar/busy-cache.server";
import { getDb, isDatabaseUnavailable } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { LruCache } from "~/server/lru";
import { databaseDownServeMs, type PageCacheState } from "./cache-control.server";
import { onProviderChanged, onProvidersFlushed } from "~/server/provider-events.server";
import { pageEpoch } from "./rendered-cache.server";

/** Exactly what the public page renders: public fields only, strings ready to print. */
export type PublicPage = {
  name: string;
  zone: string;
  zoneLabel: string;
  /** ok: busy times shown as read; stale: the calendar (or database) could not be read just now, last good copy shown. */
  state: "ok" | "stale" | "unavailable";
  bookable: boolean;
  chatHref: string | null;
  horizonDays: number;
  days: { date: string; label: string; slots: { time: string; href: string | null; label: string }[] }[];
  etag: string;
};

/** A page plus what the caches need to know about it (never rendered). */
export type BuiltPage = {
  page: PublicPage;
  owner: string;
  /** Cache lifetimes: "refreshing" is an ok page whose busy copy is being refreshed behind it. */
  cacheState: PageCacheState;
  /** Until when the busy times it shows count as fresh. */
  freshUntil: number;
  /** pageEpoch() when the build started: a page built across a provider change is not cached. */
  epoch: number;
};

/** The database cannot be reached and nothing of this page is held: the route answers 503. */
export class PageDatabaseDownError extends Error {
  constructor(readonly cause: unknown) {
    super("The database is unavailable");
  }
}

/**
 * The last published-provider record per slug, so the page can still be shown (with the "stale"
 * note) while the database is down. Bounded; dropped when the provider changes or unpublishes.
 */
const LAST_GOOD_SHARE = 0.05;
declare global {
  var __lastGoodProviders: LruCache<string, { provider: PublishedProvider; at: number }> | undefined;
}
function lastGood() {
  if (!globalThis.__lastGoodProviders) {
    const limit = Math.floor(getEnv().PUBLIC_CACHE_MAX_MB * 2 ** 20 * LAST_GOOD_SHARE);
    globalThis.__lastGoodProviders = new LruCache(limit, (e) => 256 + JSON.stringify(e.provider).length * 2);
  }
  return globalThis.__lastGoodProviders;
}

/** Builds running now, per slug: a burst of visitors after a change costs one build. */
const building = new Map<string, { epoch: number; promise: Promise<BuiltPage | null> }>();

/** After any change by this provider: keep busy copies but refresh them; forget its fallback record. */
function onChanged(ownerUserId: string) {
  markBusyForRefresh(ownerUserId);
  lastGood().deleteWhere((e) => e.provider.ownerUserId === ownerUserId);
}
onProviderChanged(onChanged);
onProvidersFlushed(() => {
  markAllBusyForRefresh();
  lastGood().clear();
});

export function getPublicPage(slug: string): Promise<BuiltPage | null> {
  const epoch = pageEpoch();
  const running = building.get(slug);
  if (running && running.epoch === epoch) return running.promise;
  const promise = buildPublicPage(slug, Date.now(), epoch).finally(() => {
    if (building.get(slug)?.promise === promise) building.delete(slug);
  });
  building.set(slug, { epoch, promise });
  return promise;
}

export async function buildPublicPage(slug: string, now = Date.now(), epoch = pageEpoch()): Promise<BuiltPage | null> {
  let provider: PublishedProvider | null;
  let databaseDown = false;
  try {
    provider = await findPublishedProvider(await getDb(), slug);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    const kept = lastGood().get(slug);
    if (!kept || now - kept.at > databaseDownServeMs()) throw new PageDatabaseDownError(err);
    console.warn(`[public] ${slug}: database unavailable, showing the last good page data`);
    provider = kept.provider;
    databaseDown = true;
  }
  // Published but incomplete (settings damaged by hand since): treat as not published.
  if (!provider || !provider.workingHours) {
    lastGood().delete(slug);
    return null;
  }
  if (!databaseDown) lastGood().set(slug, { provider, at: now });
  const found = provider;
  const { workingHours, booking: rules, whatsapp } = provider;
  const zone = workingHours.timezone;
  const bookable = !!whatsapp?.enabled;
  const chatHref = whatsapp?.enabled ? waLink(whatsapp.phoneE164) : null;

  let state: PublicPage["state"] = "ok";
  let refreshing = false;
  let freshUntil = Infinity;
  let days: PublicPage["days"] = [];
  try {
    const window = availabilityWindow({ workingHours, rules, now });
    const busy = await getBusyCached(
      provider.ownerUserId,
      { zone, calendars: provider.selectedCalendarIds },
      window,
      async (calendars, w) => fetchCalendarsBusy(await getDb(), found, calendars, w),
      now,
    );
    if (busy.stale) state = "stale";
    refreshing = busy.refreshing;
    freshUntil = busy.freshUntil;
    days = computeAvailability({ workingHours, rules, busy: busy.busy, now }).map((day) => ({
      date: day.date,
      label: DateTime.fromISO(day.date, { zone }).setLocale("en-GB").toFormat("cccc d LLLL"),
      slots: day.slots.map((slot) => {
        const text = formatSlotForMessage(slot.startMs, zone);
        return {
          time: slot.time,
          label: `${text.date} at ${text.time}`,
          href: bookable && whatsapp ? waLink(whatsapp.phoneE164, fillTemplate(whatsapp.messageTemplate, text)) : null,
        };
      }),
    }));
  } catch (err) {
    if (!(err instanceof BusyUnavailableError)) throw err;
    console.warn(`[public] ${slug}: availability unavailable: ${(err.cause as Error)?.message ?? err.cause}`);
    state = "unavailable";
  }
  // The settings shown may be out of date while the database is down: say so.
  if (databaseDown && state === "ok") state = "stale";

  const page: Omit<PublicPage, "etag"> = {
    name: provider.displayName ?? provider.slug,
    zone,
    zoneLabel: `${zone.replace(/_/g, " ")} time (${DateTime.fromMillis(now, { zone }).toFormat("ZZZZ")})`,
    state,
    bookable,
    chatHref,
    horizonDays: rules.horizonDays,
    days,
  };
  // A strong validator of exactly what is rendered: same data, same bytes.
  const etag = `"${crypto.createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 27)}"`;
  const cacheState: PageCacheState = state === "ok" && refreshing ? "refreshing" : state;
  return { page: { ...page, etag }, owner: provider.ownerUserId, cacheState, freshUntil, epoch };
}
