import { getEnv } from "~/server/env.server";

/**
 * Every lifetime of the public page in one place: browsers (max-age), CDNs (s-maxage and
 * stale-while-revalidate), and this process's own rendered-page cache.
 *
 * States: ok (fresh busy times); refreshing (busy copy older than its TTL, shown while one
 * background refresh runs); stale (a refresh failed, or the database is down: last good copy with
 * a note); unavailable (no usable busy copy); not-found; db-down (nothing to show: 503).
 */
export type PageCacheState = "ok" | "refreshing" | "stale" | "unavailable" | "not-found" | "db-down";

/** stale-while-revalidate is this many times s-maxage. */
export const STALE_WHILE_REVALIDATE_FACTOR = 5;
/**
 * Edges keep a stale, unavailable or missing page this briefly, so recovery (or a page published
 * a moment later) shows quickly and a stale copy is not spread further.
 */
export const SHORT_EDGE_SECONDS = 10;
/** A rendered page in state ok is re-rendered at least this often (slots move with the clock). */
export const PAGE_CACHE_CEILING_MS = 5_000;
/** A rendered page in any other state is re-rendered at least this often, so recovery shows at once. */
export const PAGE_CACHE_SHORT_MS = 1_000;
/** With the database down and nothing to show, clients are asked to come back after this long. */
export const RETRY_AFTER_SECONDS = 30;

export function cacheControl(state: PageCacheState): string {
  if (state !== "ok") return `public, max-age=0, s-maxage=${SHORT_EDGE_SECONDS}`;
  const env = getEnv();
  return `public, max-age=${env.PUBLIC_PAGE_MAX_AGE}, s-maxage=${env.PUBLIC_PAGE_S_MAXAGE}, stale-while-revalidate=${env.PUBLIC_PAGE_S_MAXAGE * STALE_WHILE_REVALIDATE_FACTOR}`;
}

/**
 * The in-process rendered page: served as is while fresh; after that, like the CDN's
 * stale-while-revalidate, still served at once for `serveMs` while one re-render runs behind it
 * (never longer than busy copies may be shown at all).
 */
export function renderedPageLifetimes(state: PageCacheState): { freshMs: number; serveMs: number } {
  const env = getEnv();
  // Never longer than busy times stay fresh: BUSY_CACHE_TTL_SECONDS=0 turns the page cache off too.
  const freshMs = Math.min(state === "ok" ? PAGE_CACHE_CEILING_MS : PAGE_CACHE_SHORT_MS, env.BUSY_CACHE_TTL_SECONDS * 1000);
  if (freshMs === 0) return { freshMs: 0, serveMs: 0 };
  const serveMs = Math.min(env.PUBLIC_PAGE_S_MAXAGE * STALE_WHILE_REVALIDATE_FACTOR, env.BUSY_STALE_SECONDS) * 1000;
  return { freshMs, serveMs: Math.max(serveMs, freshMs) };
}

/** How long the last good page data of a provider may be shown while the database is down. */
export function databaseDownServeMs(): number {
  return getEnv().BUSY_STALE_SECONDS * 1000;
}
