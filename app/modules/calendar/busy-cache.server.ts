import type { BusyInterval } from "./ical-busy";
import { getEnv } from "~/server/env.server";

type Entry = { busy: BusyInterval[]; fetchedAt: number; window: { start: number; end: number }; key: string };

/**
 * Busy times per provider, per process: fresh for BUSY_CACHE_TTL_SECONDS, then refetched; if the
 * refetch fails, the last good copy is served until BUSY_STALE_SECONDS, after which the page says
 * availability cannot be shown. One fetch in flight per provider however many visitors arrive.
 */
const entries = new Map<string, Entry>();
const inflight = new Map<string, { promise: Promise<Entry>; key: string; window: { start: number; end: number } }>();
let generation = new Map<string, number>();

export class BusyUnavailableError extends Error {
  constructor(readonly cause: unknown) {
    super("Busy times are unavailable");
  }
}

export type BusyResult = { busy: BusyInterval[]; fetchedAt: number; stale: boolean };

/**
 * maxAgeMs: a copy older than this is refreshed even within the TTL (the booking route wants busy
 * times no older than 30 s). waitMs: wait at most this long for that refresh, then answer with the
 * last good copy (stale) or fail; the refresh goes on and fills the cache.
 */
export type BusyFreshness = { maxAgeMs?: number; waitMs?: number };

export async function getBusyCached(
  ownerUserId: string,
  key: string,
  window: { start: number; end: number },
  fetch: (window: { start: number; end: number }) => Promise<BusyInterval[]>,
  now = Date.now(),
  freshness: BusyFreshness = {},
): Promise<BusyResult> {
  const env = getEnv();
  const entry = entries.get(ownerUserId);
  const covers = (e: Entry) => e.key === key && e.window.start <= window.start && e.window.end >= window.end;
  const maxAge = Math.min(env.BUSY_CACHE_TTL_SECONDS * 1000, freshness.maxAgeMs ?? Infinity);
  if (entry && covers(entry) && now - entry.fetchedAt < maxAge) {
    return { busy: entry.busy, fetchedAt: entry.fetchedAt, stale: false };
  }
  try {
    const fresh = await withinWait(fetchOnce(ownerUserId, key, window, fetch), freshness.waitMs);
    return { busy: fresh.busy, fetchedAt: fresh.fetchedAt, stale: false };
  } catch (err) {
    if (entry && covers(entry) && now - entry.fetchedAt < env.BUSY_STALE_SECONDS * 1000) {
      return { busy: entry.busy, fetchedAt: entry.fetchedAt, stale: true };
    }
    throw new BusyUnavailableError(err);
  }
}

function withinWait<T>(promise: Promise<T>, waitMs: number | undefined): Promise<T> {
  if (waitMs === undefined) return promise;
  // The fetch keeps running for the cache; only this caller stops waiting.
  promise.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the calendar within ${waitMs} ms (still trying)`)), waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

function fetchOnce(
  ownerUserId: string,
  key: string,
  window: { start: number; end: number },
  fetch: (w: { start: number; end: number }) => Promise<BusyInterval[]>,
) {
  const running = inflight.get(ownerUserId);
  // Share a running fetch only if it is for the same selection and covers this window.
  if (running && running.key === key && running.window.start <= window.start && running.window.end >= window.end) return running.promise;
  // Fetch a day more than asked, so the moving window stays covered for the whole TTL.
  const wide = { start: window.start, end: window.end + 86_400_000 };
  const gen = generation.get(ownerUserId) ?? 0;
  const p = fetch(wide)
    .then((busy) => {
      const e: Entry = { busy, fetchedAt: Date.now(), window: wide, key };
      // A selection change during the fetch makes this result outdated: do not keep it.
      if ((generation.get(ownerUserId) ?? 0) === gen) entries.set(ownerUserId, e);
      return e;
    })
    .finally(() => {
      if (inflight.get(ownerUserId)?.promise === p) inflight.delete(ownerUserId);
    });
  inflight.set(ownerUserId, { promise: p, key, window: wide });
  return p;
}

/** Called when a provider changes calendars or rules: the next visitor gets a fresh fetch. */
export function invalidateBusyCache(ownerUserId: string) {
  entries.delete(ownerUserId);
  inflight.delete(ownerUserId);
  generation.set(ownerUserId, (generation.get(ownerUserId) ?? 0) + 1);
}

/** Tests only. */
export function clearBusyCache() {
  entries.clear();
  inflight.clear();
  generation = new Map();
}
