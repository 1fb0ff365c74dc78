import { getEnv } from "~/server/env.server";

/**
 * Every lifetime of the public page in one place: browsers (max-age), CDNs (s-maxage and
 * stale-while-revalidate), and this process's own rendered-page cache.
 */
export type PageCacheState = "ok" | "stale" | "unavailable" | "not-found";

/** stale-while-revalidate is this many times s-maxage. */
export const STALE_WHILE_REVALIDATE_FACTOR = 5;
/**
 * Edges keep a stale, unavailable or missing page this briefly, so recovery (or a page published
 * a moment later) shows quickly and a stale copy is not spread further.
 */
export const SHORT_EDGE_SECONDS = 10;
/** The in-process rendered-page cache never keeps a page longer than this, nor longer than busy times stay fresh. */
export const PAGE_CACHE_CEILING_MS = 5_000;

export function cacheControl(state: PageCacheState): string {
  if (state !== "ok") return `public, max-age=0, s-maxage=${SHORT_EDGE_SECONDS}`;
  const env = getEnv();
  return `public, max-age=${env.PUBLIC_PAGE_MAX_AGE}, s-maxage=${env.PUBLIC_PAGE_S_MAXAGE}, stale-while-revalidate=${env.PUBLIC_PAGE_S_MAXAGE * STALE_WHILE_REVALIDATE_FACTOR}`;
}

export function pageCacheTtlMs(): number {
  return Math.min(PAGE_CACHE_CEILING_MS, getEnv().BUSY_CACHE_TTL_SECONDS * 1000);
}
