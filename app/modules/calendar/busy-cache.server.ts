import type { BusyInterval } from "./ical-busy";
import { getEnv } from "~/server/env.server";
import { LruCache } from "~/server/lru";

/**
 * Busy times per provider and per calendar (keyed by calendar URL), per process, served
 * stale-while-revalidate:
 * - a copy younger than BUSY_CACHE_TTL_SECONDS (and not marked by a save) is fresh;
 * - an older one, up to BUSY_STALE_SECONDS, is still served at once while ONE background refresh
 *   per provider runs (with its own timeout, CALDAV_TIMEOUT_MS); nobody waits for it;
 * - once a refresh of a calendar failed (error or timeout) its copy is "stale" (the page says so);
 * - only a calendar with no usable copy at all makes the visitor wait, at most
 *   CALDAV_PUBLIC_WAIT_MS; then availability cannot be shown, and the fetch goes on to fill the cache.
 * - a caller that needs recent data (the tap: `freshness.maxAgeMs`) waits for a refresh of an older
 *   copy, at most `freshness.waitMs`, and then gets the last good copy marked "stale".
 * Fail closed throughout: a calendar without a usable copy never makes its time look free.
 */
export type CalendarBusyResult = { calendarUrl: string; busy?: BusyInterval[]; error?: unknown };
/** Reads the given calendars; one result per calendar (a failed calendar carries its error). */
export type CalendarFetch = (calendarUrls: string[], window: Window) => Promise<CalendarBusyResult[]>;
export type Window = { start: number; end: number };

/** failed: a refresh of this calendar failed after this copy was fetched. */
type Part = { busy: BusyInterval[]; fetchedAt: number; window: Window; failed: boolean };
type Flight = { promise: Promise<void>; startedAt: number; calendars: string[]; window: Window };
type ProviderState = {
  /** What extraction depended on (zone, all-day rule): a new key, new data. */
  key: string;
  parts: Map<string, Part>;
  /** A save asked for new data: parts fetched before this are served but refreshed. */
  refreshRequestedAt: number;
  lastError: unknown;
  flight?: Flight;
};

export class BusyUnavailableError extends Error {
  constructor(readonly cause: unknown) {
    super("Busy times are unavailable");
  }
}

export type BusyResult = {
  busy: BusyInterval[];
  /** When the oldest part was fetched. */
  fetchedAt: number;
  /** A refresh failed since the copy was fetched: the page shows the "stale" note. */
  stale: boolean;
  /** Older than the TTL (or marked by a save): served while a background refresh runs. */
  refreshing: boolean;
  /** Until when this copy counts as fresh (for the rendered-page lifetime). */
  freshUntil: number;
};

/**
 * maxAgeMs: a copy older than this is refreshed even within the TTL, and the caller waits for it
 * (the tap wants busy times no older than 30 s); waitMs: how long at most (default
 * CALDAV_PUBLIC_WAIT_MS), then the last good copy is answered as stale, or the call fails.
 */
export type BusyFreshness = { maxAgeMs?: number; waitMs?: number };

/** The calendars to read and what else their extraction depends on (see busySelection). */
export type BusySelection = { key: string; calendars: string[] };

// Roughly what one interval and one provider's bookkeeping cost in memory, for the byte bound.
const BYTES_PER_INTERVAL = 64;
const BYTES_PER_PROVIDER = 512;
/** The busy cache's share of PUBLIC_CACHE_MAX_MB; the rest is for rendered pages. */
export const BUSY_CACHE_SHARE = 0.25;

function sizeOf(state: ProviderState): number {
  let n = BYTES_PER_PROVIDER;
  for (const part of state.parts.values()) n += BYTES_PER_PROVIDER + part.busy.length * BYTES_PER_INTERVAL;
  return n;
}

declare global {
  // One cache per process, even when `remix dev` reloads modules.
  var __busyCache: LruCache<string, ProviderState> | undefined;
}

function cache(): LruCache<string, ProviderState> {
  globalThis.__busyCache ??= new LruCache(Math.floor(getEnv().PUBLIC_CACHE_MAX_MB * 2 ** 20 * BUSY_CACHE_SHARE), sizeOf);
  return globalThis.__busyCache;
}

const covers = (outer: Window, inner: Window) => outer.start <= inner.start && outer.end >= inner.end;

export async function getBusyCached(
  ownerUserId: string,
  selection: BusySelection,
  window: Window,
  fetch: CalendarFetch,
  now = Date.now(),
  freshness: BusyFreshness = {},
): Promise<BusyResult> {
  if (selection.calendars.length === 0) return { busy: [], fetchedAt: now, stale: false, refreshing: false, freshUntil: Infinity };
  const env = getEnv();
  const ttl = env.BUSY_CACHE_TTL_SECONDS * 1000;
  const staleLimit = env.BUSY_STALE_SECONDS * 1000;
  const lru = cache();
  let state = lru.get(ownerUserId);
  // Floating times and all-day events are read in the provider's zone: a new zone, new data.
  if (!state || state.key !== selection.key) {
    state = { key: selection.key, parts: new Map(), refreshRequestedAt: 0, lastError: undefined };
    lru.set(ownerUserId, state);
  }
  // A calendar taken out of the selection takes its busy times with it.
  for (const url of state.parts.keys()) if (!selection.calendars.includes(url)) state.parts.delete(url);

  const usable = (p: Part | undefined): p is Part => !!p && covers(p.window, window) && now - p.fetchedAt < staleLimit;
  const refreshFloor = state.refreshRequestedAt;
  // A copy fetched in the very millisecond of a save may predate it: refresh it too.
  const isFresh = (p: Part) => now - p.fetchedAt < ttl && p.fetchedAt > refreshFloor;
  const answer = (s: ProviderState): BusyResult | null => {
    const parts = selection.calendars.map((url) => s.parts.get(url));
    if (!parts.every(usable)) return null;
    const good = parts as Part[];
    return {
      busy: good.flatMap((p) => p.busy),
      fetchedAt: Math.min(...good.map((p) => p.fetchedAt)),
      stale: good.some((p) => p.failed),
      refreshing: !good.every(isFresh),
      freshUntil: Math.min(...good.map((p) => p.fetchedAt + ttl)),
    };
  };

  const served = answer(state);
  const tooOld = (r: BusyResult) => freshness.maxAgeMs !== undefined && now - r.fetchedAt >= freshness.maxAgeMs;
  if (served && !tooOld(served)) {
    // Stale-while-revalidate: answer now, refresh behind the visitor's back.
    if (served.refreshing) refresh(ownerUserId, state, selection.calendars, window, fetch).catch(() => {});
    return served;
  }
  // No usable (or recent enough) copy of some calendar: wait for it, but only so long.
  const flight = refresh(ownerUserId, state, selection.calendars, window, fetch);
  const waitMs = freshness.waitMs ?? env.CALDAV_PUBLIC_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    flight.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs))),
  ]);
  clearTimeout(timer);
  const after = answer(state);
  // Still the old copy (the refresh failed or is slow): usable, but say it could not be checked.
  // A copy newer than the one we started with is the refresh we waited for: fresh.
  const notRefreshed = !!served && after !== null && after.fetchedAt <= served.fetchedAt;
  if (after) return notRefreshed && tooOld(after) ? { ...after, stale: true } : after;
  throw new BusyUnavailableError(gaveUp ? new Error(`no answer from the calendar within ${waitMs} ms (still trying)`) : state.lastError);
}

/** The provider's one refresh: joined when one running covers the need, else started. */
function refresh(owner: string, state: ProviderState, calendars: string[], window: Window, fetch: CalendarFetch): Promise<void> {
  const running = state.flight;
  if (
    running &&
    running.startedAt > state.refreshRequestedAt &&
    covers(running.window, window) &&
    calendars.every((c) => running.calendars.includes(c))
  )
    return running.promise;
  const startedAt = Date.now();
  // Fetch a day more than asked, so the moving window stays covered while the copy is served.
  const wide = { start: window.start, end: window.end + 86_400_000 };
  const timeoutMs = getEnv().CALDAV_TIMEOUT_MS;
  const markFailed = (urls: string[], error: unknown) => {
    state.lastError = error;
    for (const url of urls) {
      const part = state.parts.get(url);
      if (part && part.fetchedAt <= startedAt) part.failed = true;
    }
  };
  const work = fetch(calendars, wide).then(
    (results) => {
      const failed: string[] = [];
      for (const r of results) {
        if (r.busy && calendars.includes(r.calendarUrl)) {
          const current = state.parts.get(r.calendarUrl);
          // A late answer never replaces a newer one.
          if (!current || current.fetchedAt <= startedAt)
            state.parts.set(r.calendarUrl, { busy: r.busy, fetchedAt: startedAt, window: wide, failed: false });
        } else {
          failed.push(r.calendarUrl);
          state.lastError = r.error;
        }
      }
      if (failed.length) markFailed(failed, results.find((r) => !r.busy)?.error);
      // Re-weigh (and keep bounded) now that the parts changed, if the state is still cached.
      if (cache().peek(owner) === state) cache().set(owner, state);
    },
    (err: unknown) => markFailed(calendars, err),
  );
  let timer: NodeJS.Timeout | undefined;
  const limited = Promise.race([
    work,
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`calendar refresh took longer than ${timeoutMs} ms`)), timeoutMs);
      timer.unref?.();
    }),
  ])
    .catch((err: unknown) => {
      // Timed out: the copy becomes "stale"; the fetch may still finish and fill the cache.
      markFailed(calendars, err);
    })
    .finally(() => {
      clearTimeout(timer);
      if (state.flight?.promise === limited) state.flight = undefined;
    });
  state.flight = { promise: limited, startedAt, calendars: [...calendars], window: wide };
  return limited;
}

/**
 * After a provider's change: keep every copy (a calendar outage must not turn "stale" into
 * "unavailable"), but refresh it on the next visit. Calendars no longer selected are dropped when
 * the next visit names the selection.
 */
export function markBusyForRefresh(ownerUserId: string, at = Date.now()) {
  const state = cache().peek(ownerUserId);
  if (state) state.refreshRequestedAt = at;
}

/**
 * After a change of calendar access (an account or feed connected, reconnected or removed): copies
 * read through the old access are dropped; the next visit reads (and fails closed) afresh.
 */
export function forgetBusy(ownerUserId: string) {
  cache().delete(ownerUserId);
}

/**
 * After a lost replica connection a change may have been missed, a change of calendar access
 * included: every copy is dropped, and each page reads (and fails closed) afresh.
 */
export function forgetAllBusy() {
  cache().clear();
}

/** For the memory benchmark and tests: entries and approximate bytes held. */
export function busyCacheStats() {
  const lru = cache();
  return { providers: lru.size, bytes: lru.weight, limit: lru.limit };
}

/** Tests only. */
export function clearBusyCache() {
  globalThis.__busyCache = undefined;
}
