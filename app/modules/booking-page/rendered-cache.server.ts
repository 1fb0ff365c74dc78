import { promisify } from "node:util";
import zlib from "node:zlib";
import { getEnv } from "~/server/env.server";
import { LruCache } from "~/server/lru";
import { onProviderChanged, onProvidersFlushed } from "~/server/provider-events.server";
import { BUSY_CACHE_SHARE } from "~/modules/calendar/busy-cache.server";
import { renderedPageLifetimes, type PageCacheState } from "./cache-control.server";
import { readPageQuery } from "./slot-message";
import { isPossibleSlug } from "~/modules/settings/slug";

/**
 * The rendered-page cache: the finished HTML of /c/<slug>[?query], with its gzip and brotli
 * encodings computed once when the page is rendered, so a hit costs a map lookup and a write:
 * no loader, no React, no compression. server.mjs asks `serveRenderedPage` before Remix; a miss
 * goes through Remix, whose entry.server stores the result here.
 *
 * - fresh until `freshUntil`: served as is;
 * - then, until `serveUntil` (the CDN's stale-while-revalidate window), still served at once
 *   while ONE background re-render per page runs through Remix;
 * - "provider changed" drops every page of that provider at once (on every replica, see
 *   provider-events-pg.server.ts); a render that started before the change is not stored;
 * - bounded: least recently used pages go first once PUBLIC_CACHE_MAX_MB (its share) is full.
 */
export type Encoding = "br" | "gzip" | "identity";
type Variant = { body: Buffer; etag: string };
export type RenderedPage = {
  key: string;
  owner: string;
  state: PageCacheState;
  status: number;
  headers: [string, string][];
  variants: Record<Encoding, Variant>;
  renderedAt: number;
  freshUntil: number;
  serveUntil: number;
};

/** What the loader tells entry.server about the page it produced (through the load context). */
export type PageCacheNote = {
  owner: string;
  state: PageCacheState;
  freshUntil: number;
  /** Past this the data shown may not be served at all (the busy copy's stale limit). */
  usableUntil: number;
  epoch: number;
};

const PAGE_OVERHEAD_BYTES = 1024;
const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

declare global {
  var __renderedPages:
    | {
        lru: LruCache<string, RenderedPage>;
        /** Counts changes of any provider (and flushes). */
        epoch: number;
        /** The epoch of each provider's last change, and of the last flush. */
        changedAt: Map<string, number>;
        flushedAt: number;
        revalidating: Set<string>;
      }
    | undefined;
}

function store() {
  if (!globalThis.__renderedPages) {
    const limit = Math.floor(getEnv().PUBLIC_CACHE_MAX_MB * 2 ** 20 * (1 - BUSY_CACHE_SHARE));
    const lru = new LruCache<string, RenderedPage>(
      limit,
      (p) => PAGE_OVERHEAD_BYTES + p.key.length + p.variants.identity.body.length + p.variants.gzip.body.length + p.variants.br.body.length,
    );
    globalThis.__renderedPages = { lru, epoch: 0, changedAt: new Map(), flushedAt: 0, revalidating: new Set() };
    onProviderChanged((owner) => {
      const s = store();
      s.epoch++;
      s.changedAt.set(owner, s.epoch);
      s.lru.deleteWhere((p) => p.owner === owner);
    });
    onProvidersFlushed(() => {
      const s = store();
      s.epoch++;
      s.flushedAt = s.epoch;
      s.changedAt.clear();
      s.lru.clear();
    });
  }
  return globalThis.__renderedPages;
}

/**
 * Counts provider changes (any provider). Taken before a page is built: a page whose provider
 * changed while it was built is served but not stored, so no copy from before a save outlives
 * the save (other providers' changes do not matter).
 */
export function pageEpoch(): number {
  return store().epoch;
}

/** Whether this provider changed (or everything was flushed) after `epoch` was taken. */
export function changedSince(owner: string, epoch: number): boolean {
  const s = store();
  return s.flushedAt > epoch || (s.changedAt.get(owner) ?? 0) > epoch;
}

/* The load context carries the loader's note to entry.server (same object for both). */
const notes = new WeakMap<object, PageCacheNote>();
export function notePageForCache(context: object, note: PageCacheNote) {
  notes.set(context, note);
}
export function takePageNote(context: object): PageCacheNote | undefined {
  const note = notes.get(context);
  notes.delete(context);
  return note;
}

/** Only the page itself (/c/<slug>) is kept; its sub-routes (the tap, the card) never are. */
const PAGE_PATH = /^\/c\/([^/]+)\/?$/;

/**
 * One key per page as rendered: the origin (absolute links in the preview tags use it when
 * APP_URL is unset, so one Host header must not decide another's page), the slug, and the query as
 * the page reads it (`?lang=`, `?tz=` validated; anything else shares the plain page's entry, so
 * junk queries cannot fill the cache). A full URL, so a background re-render can request it.
 * Null for anything that is not a page.
 */
export function cacheKey(url: URL): string | null {
  const segment = PAGE_PATH.exec(url.pathname)?.[1];
  if (!segment) return null;
  // One entry per slug however it is spelt (%61lice, ALICE); never one for a slug that cannot exist.
  let slug: string;
  try {
    slug = decodeURIComponent(segment).toLowerCase();
  } catch {
    return null;
  }
  if (!isPossibleSlug(slug)) return null;
  // With APP_URL set the page names that origin whatever Host the request carried: one entry.
  const appUrl = getEnv().APP_URL;
  const origin = appUrl ? new URL(appUrl).origin : url.origin;
  const { lang, tz } = readPageQuery(url.searchParams);
  const params = new URLSearchParams();
  if (lang) params.set("lang", lang);
  if (tz) params.set("tz", tz);
  const q = params.toString();
  return `${origin}/c/${slug}${q ? `?${q}` : ""}`;
}

const etagWith = (etag: string, encoding: Encoding) => (encoding === "identity" ? etag : `${etag.slice(0, -1)}-${encoding}"`);

/** Compresses once and keeps the page (unless its provider changed while it was built). */
export async function storeRenderedPage(input: {
  key: string;
  note: PageCacheNote;
  status: number;
  headers: Headers;
  html: Buffer;
  etag: string;
}): Promise<RenderedPage> {
  const { note } = input;
  const [gz, br] = await Promise.all([
    // Moderate levels: a busy replica re-renders hundreds of pages a minute; brotli 11 would cost
    // ~10x the CPU of quality 5 for ~10 % fewer bytes.
    gzip(input.html, { level: 6 }),
    brotli(input.html, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.html.length },
    }),
  ]);
  const now = Date.now();
  const { freshMs, serveMs } = renderedPageLifetimes(note.state);
  const headers: [string, string][] = [];
  input.headers.forEach((value, name) => {
    if (!["etag", "content-length", "content-encoding", "vary", "set-cookie"].includes(name)) headers.push([name, value]);
  });
  const page: RenderedPage = {
    key: input.key,
    owner: note.owner,
    state: note.state,
    status: input.status,
    headers,
    variants: {
      identity: { body: input.html, etag: input.etag },
      gzip: { body: gz, etag: etagWith(input.etag, "gzip") },
      br: { body: br, etag: etagWith(input.etag, "br") },
    },
    renderedAt: now,
    freshUntil: Math.min(note.freshUntil, now + freshMs),
    serveUntil: Math.min(note.usableUntil, now + serveMs),
  };
  if (!changedSince(note.owner, note.epoch)) store().lru.set(page.key, page);
  return page;
}

/** Best encoding the client accepts (q=0 refuses); brotli first, it is the smallest. */
export function pickEncoding(acceptEncoding: string | null | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return "identity";
}

export type CachedAnswer = { status: number; headers: [string, string][]; body: Buffer | null };

/** The answer for one request from a stored page: 200 with the chosen encoding, or 304. */
export function answerFromPage(
  page: RenderedPage,
  method: string,
  acceptEncoding: string | null,
  ifNoneMatch: string | null,
  /** For operators and tests: HIT (fresh copy), STALE (copy served while re-rendered), MISS (rendered now). */
  via: "HIT" | "STALE" | "MISS" = "MISS",
): CachedAnswer {
  const encoding = pickEncoding(acceptEncoding);
  const variant = page.variants[encoding];
  // Age: a copy served later than it was rendered must not get its lifetimes afresh downstream.
  const age = Math.max(0, Math.floor((Date.now() - page.renderedAt) / 1000));
  const headers: [string, string][] = [...page.headers, ["Vary", "Accept-Encoding"], ["X-Page-Cache", via], ["Age", String(age)]];
  if (page.status === 200 && ifNoneMatch && etagMatches(ifNoneMatch, page)) {
    // The tag of the representation the client holds, whichever encoding that was.
    return { status: 304, headers: [...headers, ["ETag", matchedTag(ifNoneMatch, page) ?? variant.etag]], body: null };
  }
  headers.push(["ETag", variant.etag], ["Content-Length", String(variant.body.length)]);
  if (encoding !== "identity") headers.push(["Content-Encoding", encoding]);
  return { status: page.status, headers, body: method === "HEAD" ? null : variant.body };
}

function tags(header: string): string[] {
  return header.split(",").map((t) => t.trim().replace(/^W\//, ""));
}
function etagMatches(header: string, page: RenderedPage): boolean {
  return tags(header).some((t) => t === "*" || Object.values(page.variants).some((v) => v.etag === t));
}
function matchedTag(header: string, page: RenderedPage): string | undefined {
  return tags(header).find((t) => Object.values(page.variants).some((v) => v.etag === t));
}

/* ------------------------------------------------------------------------------------------ */

type Revalidate = (url: string) => Promise<void>;
let revalidator: Revalidate | undefined;

/** server.mjs hands in how to render a page through Remix without a client (background refresh). */
export function setPageRevalidator(fn: Revalidate) {
  revalidator = fn;
}

/**
 * The fast path, called by server.mjs before Remix and compression: a stored page (fresh, or
 * within its stale-while-revalidate window while one background re-render runs), else null.
 */
export function serveRenderedPage(req: {
  method: string;
  /** cacheKey() of the request's URL. */
  key: string;
  acceptEncoding: string | null;
  ifNoneMatch: string | null;
}): CachedAnswer | null {
  if (req.method !== "GET" && req.method !== "HEAD") return null;
  const s = store();
  const page = s.lru.get(req.key);
  if (!page) return null;
  const now = Date.now();
  if (now >= page.serveUntil) {
    s.lru.delete(req.key);
    return null;
  }
  const fresh = now < page.freshUntil;
  if (!fresh) revalidateInBackground(page.key);
  return answerFromPage(page, req.method, req.acceptEncoding, req.ifNoneMatch, fresh ? "HIT" : "STALE");
}

function revalidateInBackground(key: string) {
  const s = store();
  if (!revalidator || s.revalidating.has(key)) return;
  s.revalidating.add(key);
  const run = revalidator;
  // After this tick: the visitor's answer is written before the re-render starts.
  setImmediate(() =>
    run(key)
      .catch((err: unknown) => console.warn(`[page-cache] re-render of ${key} failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => s.revalidating.delete(key)),
  );
}

/*
 * Misses in flight per key: the first goes through Remix, the others wait for its result (like
 * nginx's proxy_cache_lock), so a burst on a page nobody has rendered yet costs one render.
 */
const rendering = new Map<string, Promise<void>>();

/** A render of this key already running (server.mjs waits for it), else null. */
export function pendingRender(key: string): Promise<void> | null {
  return rendering.get(key) ?? null;
}

/** Marks a miss of this key as being rendered; call the result when its response is done. */
export function beginRender(key: string): () => void {
  let done!: () => void;
  const promise = new Promise<void>((resolve) => (done = resolve));
  rendering.set(key, promise);
  return () => {
    if (rendering.get(key) === promise) rendering.delete(key);
    done();
  };
}

/** Figures for the memory benchmark and tests. */
export function renderedPageStats() {
  const { lru } = store();
  return { pages: lru.size, bytes: lru.weight, limit: lru.limit };
}

/** Tests only. */
export function clearRenderedPages() {
  globalThis.__renderedPages?.lru.clear();
}
