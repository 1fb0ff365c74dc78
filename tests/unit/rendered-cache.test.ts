import crypto from "node:crypto";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  cacheKey,
  clearRenderedPages,
  pageEpoch,
  pickEncoding,
  renderedPageStats,
  serveRenderedPage,
  setPageRevalidator,
  storeRenderedPage,
  type PageCacheNote,
} from "~/modules/booking-page/rendered-cache.server";
import { announceAllProvidersChanged, announceProviderChanged } from "~/server/provider-events.server";
import { resetEnvCache } from "~/server/env.server";
import { LruCache } from "~/server/lru";

const HTML = Buffer.from(`<!DOCTYPE html><html><body>${"<li><a href='https://wa.me/1'>09:00</a></li>".repeat(200)}</body></html>`);
const ETAG = '"abc.123"';

function note(owner = "owner-1", over: Partial<PageCacheNote> = {}): PageCacheNote {
  return { owner, state: "ok", freshUntil: Infinity, usableUntil: Infinity, epoch: pageEpoch(), ...over };
}
async function put(key: string, n = note(), html = HTML) {
  const headers = new Headers({ "Cache-Control": "public, max-age=30", "Content-Type": "text/html; charset=utf-8" });
  return storeRenderedPage({ key, note: n, status: 200, headers, html, etag: ETAG });
}
const req = (path: string, headers: { ae?: string; inm?: string; method?: string } = {}) =>
  serveRenderedPage({
    method: headers.method ?? "GET",
    key: path,
    acceptEncoding: headers.ae ?? null,
    ifNoneMatch: headers.inm ?? null,
  });
const header = (answer: { headers: [string, string][] } | null, name: string) =>
  answer?.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

beforeEach(() => {
  delete process.env.PUBLIC_CACHE_MAX_MB;
  resetEnvCache();
  globalThis.__renderedPages = undefined;
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T10:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
  clearRenderedPages();
});

describe("cache keys", () => {
  const key = (url: string) => cacheKey(new URL(url));
  it("one key per page as the page reads its query; sub-routes are never kept", () => {
    expect(key("http://a.test/c/demo")).toBe("http://a.test/c/demo");
    // Junk and unknown values share the plain page's entry; order and case do not matter.
    expect(key("http://a.test/c/Demo/?utm=1&lang=fr&tz=Mars/Olympus")).toBe("http://a.test/c/demo");
    expect(key("http://a.test/c/demo?tz=Europe/London&lang=ar")).toBe("http://a.test/c/demo?lang=ar&tz=Europe%2FLondon");
    expect(key("http://a.test/c/demo?lang=ar&tz=Europe%2FLondon")).toBe("http://a.test/c/demo?lang=ar&tz=Europe%2FLondon");
    // Another Host never shares (or poisons) a page whose preview tags name its origin.
    expect(key("http://b.test/c/demo")).not.toBe(key("http://a.test/c/demo"));
    // However the slug is spelt, one entry; a slug that cannot exist gets none.
    expect(key("http://a.test/c/%64emo")).toBe("http://a.test/c/demo");
    for (const bad of ["/c/%zz", "/c/a", "/c/no%20spaces", "/c/-x-"]) expect(key(`http://a.test${bad}`), bad).toBeNull();
    for (const sub of ["/c/demo/book/2026-12-01T10:00Z", "/c/demo/card.jpg", "/c/", "/settings"])
      expect(key(`http://a.test${sub}`), sub).toBeNull();
  });
});

describe("content negotiation", () => {
  it("prefers brotli, then gzip, honours q=0, else identity", () => {
    expect(pickEncoding("gzip, deflate, br")).toBe("br");
    expect(pickEncoding("gzip")).toBe("gzip");
    expect(pickEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(pickEncoding("*")).toBe("br");
    expect(pickEncoding("identity")).toBe("identity");
    expect(pickEncoding(null)).toBe("identity");
    expect(pickEncoding("gzip;q=0")).toBe("identity");
  });
});

describe("rendered-page cache", () => {
  it("serves each encoding from bytes compressed once, with its own strong tag and Vary", async () => {
    await put("/c/demo");
    const br = req("/c/demo", { ae: "gzip, br" })!;
    const gz = req("/c/demo", { ae: "gzip" })!;
    const id = req("/c/demo")!;
    expect(zlib.brotliDecompressSync(br.body!).equals(HTML)).toBe(true);
    expect(zlib.gunzipSync(gz.body!).equals(HTML)).toBe(true);
    expect(id.body!.equals(HTML)).toBe(true);
    expect(header(br, "content-encoding")).toBe("br");
    expect(header(gz, "content-encoding")).toBe("gzip");
    expect(header(id, "content-encoding")).toBeUndefined();
    expect([header(br, "etag"), header(gz, "etag"), header(id, "etag")]).toEqual(['"abc.123-br"', '"abc.123-gzip"', ETAG]);
    expect(header(br, "vary")).toBe("Accept-Encoding");
    expect(header(br, "content-length")).toBe(String(br.body!.length));
    expect(header(br, "cache-control")).toBe("public, max-age=30");
    expect(header(br, "x-page-cache")).toBe("HIT");
    // The very same bytes every time (a strong tag names one representation).
    expect(req("/c/demo", { ae: "gzip" })!.body).toBe(gz.body);
    expect(req("/c/demo", { method: "HEAD", ae: "br" })!.body).toBeNull();
  });

  it("answers 304 to the tag of any representation it holds, 200 to others", async () => {
    await put("/c/demo");
    const notModified = req("/c/demo", { ae: "gzip", inm: '"abc.123-gzip"' })!;
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
    expect(header(notModified, "etag")).toBe('"abc.123-gzip"');
    expect(req("/c/demo", { ae: "br", inm: 'W/"abc.123"' })!.status).toBe(304);
    expect(req("/c/demo", { ae: "br", inm: '"other"' })!.status).toBe(200);
  });

  it("misses for other paths, methods and query strings", async () => {
    await put("/c/demo");
    expect(req("/c/demo?x=1")).toBeNull();
    expect(req("/c/other")).toBeNull();
    expect(req("/c/demo", { method: "POST" })).toBeNull();
  });

  it("'provider changed' drops that provider's pages (every query) and only those; a flush drops all", async () => {
    await put("/c/demo", note("owner-1"));
    await put("/c/demo?week=2", note("owner-1"));
    await put("/c/other", note("owner-2"));
    announceProviderChanged("owner-1");
    expect(req("/c/demo")).toBeNull();
    expect(req("/c/demo?week=2")).toBeNull();
    expect(req("/c/other")).not.toBeNull();
    announceAllProvidersChanged();
    expect(req("/c/other")).toBeNull();
  });

  it("a page built while a provider changed is answered but not kept", async () => {
    const n = note("owner-1");
    announceProviderChanged("owner-1");
    const page = await put("/c/demo", n);
    expect(page.variants.identity.body.equals(HTML)).toBe(true);
    expect(req("/c/demo")).toBeNull();
    // Positive control: a build that started after the change is kept.
    await put("/c/demo", note("owner-1"));
    expect(req("/c/demo")).not.toBeNull();
  });

  it("another provider's change does not stop a page from being kept; a flush does", async () => {
    const n = note("owner-1");
    announceProviderChanged("owner-2");
    await put("/c/demo", n);
    expect(req("/c/demo")).not.toBeNull();
    const m = note("owner-1");
    announceAllProvidersChanged();
    await put("/c/demo", m);
    expect(req("/c/demo")).toBeNull();
  });

  it("never served past the data's own limit (usableUntil), whatever the stale-while-revalidate window", async () => {
    await put("/c/demo", note("owner-1", { usableUntil: Date.now() + 10_000 }));
    vi.setSystemTime(Date.now() + 9_000);
    expect(req("/c/demo")).not.toBeNull();
    vi.setSystemTime(Date.now() + 2_000);
    expect(req("/c/demo")).toBeNull();
  });

  it("says how old a copy is (Age), so downstream caches do not restart its lifetimes", async () => {
    await put("/c/demo");
    vi.setSystemTime(Date.now() + 3_500);
    expect(header(req("/c/demo"), "age")).toBe("3");
  });

  it("fresh: HIT; then served STALE while ONE background re-render runs; past the window: miss", async () => {
    const calls: string[] = [];
    let finish!: () => void;
    setPageRevalidator((url) => {
      calls.push(url);
      return new Promise<void>((r) => (finish = r));
    });
    await put("/c/demo");
    vi.setSystemTime(Date.now() + 4_000);
    expect(header(req("/c/demo"), "x-page-cache")).toBe("HIT");
    expect(calls).toEqual([]);
    vi.setSystemTime(Date.now() + 2_000);
    for (let i = 0; i < 20; i++) expect(header(req("/c/demo"), "x-page-cache")).toBe("STALE");
    // Started after the answer is written (next turn of the event loop), once.
    expect(calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(["/c/demo"]);
    finish();
    await vi.waitFor(() => {
      req("/c/demo");
      expect(calls.length).toBe(2);
    });
    vi.setSystemTime(Date.now() + 300_000);
    expect(req("/c/demo")).toBeNull();
  });

  it("the page's own freshness (busy times) and its state shorten the lifetime", async () => {
    await put("/c/a", note("o", { freshUntil: Date.now() + 1_000 }));
    await put("/c/b", note("o", { state: "stale" }));
    vi.setSystemTime(Date.now() + 1_500);
    setPageRevalidator(async () => {});
    expect(header(req("/c/a"), "x-page-cache")).toBe("STALE");
    expect(header(req("/c/b"), "x-page-cache")).toBe("STALE");
  });

  it("is bounded by bytes (PUBLIC_CACHE_MAX_MB), least recently used first", async () => {
    process.env.PUBLIC_CACHE_MAX_MB = "1";
    resetEnvCache();
    globalThis.__renderedPages = undefined;
    // Pages of ~40 kB each (plus their small encodings): about 18 fit in the pages' 0.75 MiB.
    for (let i = 0; i < 40; i++) {
      await put(`/c/p${i}`, note(`o${i}`), Buffer.from(crypto.randomBytes(16).toString("hex") + "<li>09:00</li>".repeat(2900)));
      if (i === 5) req("/c/p0"); // recently used: survives longer than p1
    }
    const stats = renderedPageStats();
    expect(stats.bytes).toBeLessThanOrEqual(stats.limit);
    expect(stats.limit).toBe(0.75 * 2 ** 20);
    expect(stats.pages).toBeGreaterThan(5);
    expect(stats.pages).toBeLessThan(40);
    expect(req("/c/p39")).not.toBeNull();
    expect(req("/c/p1")).toBeNull();
  }, 30_000);
});

describe("LruCache", () => {
  it("evicts the least recently used entries beyond its budget; get() refreshes, peek() does not", () => {
    const lru = new LruCache<string, number>(3);
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("c", 3);
    lru.get("a");
    lru.peek("b");
    lru.set("d", 4);
    expect([...lru.entries()].map(([k]) => k)).toEqual(["c", "a", "d"]);
    const bytes = new LruCache<string, string>(10, (s) => s.length);
    bytes.set("x", "123456");
    bytes.set("y", "123456");
    expect(bytes.peek("x")).toBeUndefined();
    bytes.set("z", "12345678901");
    expect(bytes.peek("z")).toBeUndefined();
    expect(bytes.weight).toBe(6);
  });
});
