/**
 * The public booking page behind a real edge cache: nginx (Debian package) with proxy_cache in
 * front of the built app, exactly as docs describe. Shows that
 *  - the first visitor is a MISS and the following ones are HITs that never reach the app,
 *  - no response carries Set-Cookie, even for a visitor who is signed in (so the page is cacheable),
 *  - If-None-Match is answered 304 at the edge,
 *  - nginx keeps the page for s-maxage (not max-age), then serves it stale while refreshing,
 *  - a settings change reaches visitors through the cache within s-maxage plus a small margin.
 *
 * Between nginx and the app sits a counting pass-through, so "did not reach the app" is measured,
 * not inferred.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRedirect, hiddenVersion, signIn, slotTimes, startAppServer, weekFields, type AppServer } from "../support/app-server";
import { startCountingProxy, startNginx, type CountingProxy, type Nginx } from "../support/nginx";

const DEMO = { email: "demo@example.com", password: "demo-password-123", slug: "demo-trainer" };
const PAGE = `/c/${DEMO.slug}`;

type Stack = { app: AppServer; counter: CountingProxy; nginx: Nginx; stop(): Promise<void> };

async function startStack(env: Record<string, string>): Promise<Stack> {
  const parts: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    // Reverse order; every part is stopped even if another one fails.
    const errors: unknown[] = [];
    for (const p of parts.reverse()) await p.stop().catch((e) => errors.push(e));
    if (errors.length) throw errors[0];
  };
  try {
    // TRUST_PROXY: behind nginx, which sets X-Forwarded-Host to the Host the visitor used.
    const app = await startAppServer({ env: { TRUST_PROXY: "true", ...env } });
    parts.push(app);
    const counter = await startCountingProxy(app.port);
    parts.push(counter);
    const nginx = await startNginx({ upstreamPort: counter.port });
    parts.push(nginx);
    return { app, counter, nginx, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

/** `at`: when the request was sent; `done`: when the whole answer had arrived. */
type Got = { status: number; headers: Headers; body: string; at: number; done: number };

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Got> {
  const at = Date.now();
  const res = await fetch(base + path, {
    headers: { "Accept-Encoding": "gzip", ...headers },
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body, at, done: Date.now() };
}

const pageHits = (counter: CountingProxy, path = PAGE) => counter.count((r) => r.url === path);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("public page behind nginx proxy_cache (default Cache-Control)", () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({});
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("first request is a MISS; the next ones are HITs that never reach the app", async () => {
    const first = await get(s.nginx.url, PAGE);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache-status")).toBe("MISS");
    expect(first.headers.get("cache-control")).toBe("public, max-age=30, s-maxage=60, stale-while-revalidate=300");
    expect(first.headers.get("etag")).toMatch(/^"[^"]+"$/); // strong
    expect(first.headers.get("set-cookie")).toBeNull();
    expect(slotTimes(first.body).length).toBeGreaterThan(0);
    expect(pageHits(s.counter)).toBe(1);

    // 10 one after the other, then 20 at once.
    const sequential: Got[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await get(s.nginx.url, PAGE));
    const parallel = await Promise.all(Array.from({ length: 20 }, () => get(s.nginx.url, PAGE)));
    for (const r of [...sequential, ...parallel]) {
      expect(r.status).toBe(200);
      expect(r.headers.get("x-cache-status")).toBe("HIT");
      expect(r.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(r.headers.get("set-cookie")).toBeNull();
      expect(r.body).toBe(first.body);
    }
    // Measured between nginx and the app: still exactly one request for the page.
    expect(pageHits(s.counter)).toBe(1);
    // nginx's own view agrees: a HIT has no upstream address.
    const log = s.nginx.accessLog().filter((e) => e.uri === PAGE);
    expect(log.map((e) => e.cache)).toEqual(["MISS", ...Array(30).fill("HIT")]);
    expect(log.filter((e) => e.cache === "HIT").every((e) => e.upstream === "-")).toBe(true);
  });

  it("never sends Set-Cookie through the proxy, even to a signed-in visitor", async () => {
    // Sign in through nginx (uncached location), Origin matching the Host the visitor used.
    const user = await signIn(s.nginx.url, DEMO.email, DEMO.password, { origin: s.nginx.url });
    const cookie = user.cookie();
    expect(cookie).toContain("__session=");
    const settings = await user.get("/settings");
    await settings.text();
    expect(settings.status).toBe(200);
    expect(settings.headers.get("cache-control")).toBe("private, no-store");
    expect(settings.headers.get("x-cache-status")).toBeNull();

    // Cached copy, with the cookie.
    const cached = await get(s.nginx.url, PAGE, { Cookie: cookie });
    expect(cached.headers.get("x-cache-status")).toBe("HIT");
    expect(cached.headers.get("set-cookie")).toBeNull();

    // A cache key nobody asked for yet: the app itself sees the cookie and still sets none.
    const before = s.counter.count();
    const fresh = await get(s.nginx.url, `${PAGE}?from=signed-in`, { Cookie: cookie });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-cache-status")).toBe("MISS");
    expect(fresh.headers.get("set-cookie")).toBeNull();
    expect(s.counter.count()).toBe(before + 1);
    const again = await get(s.nginx.url, `${PAGE}?from=signed-in`, { Cookie: cookie });
    expect(again.headers.get("x-cache-status")).toBe("HIT");

    // Unknown slugs: a cacheable 404, also without cookies.
    const missing = await get(s.nginx.url, "/c/no-such-page", { Cookie: cookie });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("set-cookie")).toBeNull();
    expect(missing.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=10");
    const missingAgain = await get(s.nginx.url, "/c/no-such-page");
    expect(missingAgain.status).toBe(404);
    expect(missingAgain.headers.get("x-cache-status")).toBe("HIT");
  });

  it("answers If-None-Match with 304 at the edge", async () => {
    const page = await get(s.nginx.url, PAGE);
    const etag = page.headers.get("etag")!;
    const before = pageHits(s.counter);
    const notModified = await get(s.nginx.url, PAGE, { "If-None-Match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe("");
    expect(notModified.headers.get("etag")).toBe(etag);
    expect(notModified.headers.get("x-cache-status")).toBe("HIT");
    expect(notModified.headers.get("set-cookie")).toBeNull();
    expect(pageHits(s.counter)).toBe(before);
    // A different validator gets the full page.
    const changed = await get(s.nginx.url, PAGE, { "If-None-Match": '"something-else"' });
    expect(changed.status).toBe(200);
    expect(changed.body).toBe(page.body);
  });
});

describe("public page behind nginx with a short edge lifetime (PUBLIC_PAGE_MAX_AGE=1, PUBLIC_PAGE_S_MAXAGE=2)", () => {
  const S_MAXAGE = 2;
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ PUBLIC_PAGE_MAX_AGE: "1", PUBLIC_PAGE_S_MAXAGE: String(S_MAXAGE) });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("nginx keeps the page for s-maxage (not max-age), then serves it stale while refreshing", async () => {
    const path = `${PAGE}?probe=lifetime`;
    // nginx stores "now + s-maxage" in whole seconds; start just after a second boundary so that
    // max-age=1 would end the HITs before +2 s and s-maxage=2 keeps them until almost +3 s.
    await sleep(1000 - (Date.now() % 1000) + 20);
    const miss = await get(s.nginx.url, path);
    expect(miss.headers.get("cache-control")).toBe(`public, max-age=1, s-maxage=${S_MAXAGE}, stale-while-revalidate=${S_MAXAGE * 5}`);
    expect(miss.headers.get("x-cache-status")).toBe("MISS");
    let lastHit = miss.at;
    let after: Got | undefined;
    for (;;) {
      await sleep(100);
      const r = await get(s.nginx.url, path);
      expect(r.status).toBe(200);
      if (r.headers.get("x-cache-status") !== "HIT") {
        after = r;
        break;
      }
      lastHit = r.at;
      // Whole seconds: the copy is fresh until at most s-maxage + 1 s after nginx stored it.
      expect(r.at - miss.done).toBeLessThan((S_MAXAGE + 1) * 1000 + 200);
    }
    expect(lastHit - miss.at).toBeGreaterThanOrEqual(2200);
    // stale-while-revalidate + proxy_cache_background_update: the old copy, refreshed behind it.
    expect(after.headers.get("x-cache-status")).toBe("STALE");
    await sleep(500);
    // The MISS and one background refresh; the STALE answer itself did not wait for the app.
    expect(pageHits(s.counter, path)).toBe(2);
    const refreshed = await get(s.nginx.url, path);
    expect(refreshed.headers.get("x-cache-status")).toBe("HIT");
    expect(pageHits(s.counter, path)).toBe(2);
  });

  it("a working-hours change reaches visitors through the proxy within s-maxage + 3 s", async () => {
    const before = await get(s.nginx.url, PAGE);
    expect(before.status).toBe(200);
    expect(slotTimes(before.body).some((t) => t >= "12:00")).toBe(true);

    const user = await signIn(s.nginx.url, DEMO.email, DEMO.password, { origin: s.nginx.url });
    const form = await user.get("/settings/hours");
    const html = await form.text();
    expect(form.status).toBe(200);
    const saved = await user.post("/settings/hours", {
      version: hiddenVersion(html),
      timezone: "Asia/Dubai",
      ...weekFields([1, 2, 3, 4, 5], "09:00", "12:00"),
    });
    expect(await expectRedirect(saved, "save working hours")).toBe("/settings/hours?saved=1");
    const savedAt = Date.now();
    expect(saved.headers.get("x-cache-status")).toBeNull();

    // The app itself answers with the new hours at once.
    const origin = await get(s.app.url, PAGE);
    expect(slotTimes(origin.body).length).toBeGreaterThan(0);
    expect(slotTimes(origin.body).every((t) => t < "12:00")).toBe(true);

    // Visitors through the edge: poll until no afternoon slot is left.
    const seen: string[] = [];
    let visibleAt: number | undefined;
    while (Date.now() - savedAt < 15_000) {
      const r = await get(s.nginx.url, PAGE);
      seen.push(r.headers.get("x-cache-status") ?? "-");
      const times = slotTimes(r.body);
      if (times.length > 0 && times.every((t) => t < "12:00")) {
        visibleAt = Date.now();
        break;
      }
      await sleep(200);
    }
    expect(visibleAt, `still old after 15 s; cache statuses: ${seen.join(" ")}`).toBeDefined();
    const elapsed = visibleAt! - savedAt;
    console.log(`[edge] new working hours visible through nginx after ${elapsed} ms (s-maxage=${S_MAXAGE}); statuses: ${seen.join(" ")}`);
    expect(elapsed).toBeLessThanOrEqual((S_MAXAGE + 3) * 1000);
  });
});
