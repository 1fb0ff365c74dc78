/**
 * A calendar server that hangs (tests/support/slow-caldav.ts holds every request in front of a
 * real Radicale): a visitor never waits for it while a good copy exists; with no copy at all,
 * the wait is bounded by CALDAV_PUBLIC_WAIT_MS and the fetch still fills the cache; a settings
 * save during the outage keeps the last good copy ("stale", never "unavailable").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hiddenVersion, slotTimes, startAppServer, expectRedirect, type AppServer, type FormClient } from "../support/app-server";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { startSlowCalDav, type SlowCalDav } from "../support/slow-caldav";
import { BENCH_PROVIDER, createProviderThroughForms, seedCalendars } from "../bench/provider";

const PAGE = `/c/${BENCH_PROVIDER.slug}`;
const STALE = "The calendar could not be checked just now";
const UNAVAILABLE = "Availability cannot be shown right now";
const WAIT_MS = 500;
const REFRESH_TIMEOUT_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Got = { status: number; ms: number; body: string; headers: Headers };
async function visit(app: AppServer): Promise<Got> {
  const t = performance.now();
  const res = await fetch(app.url + PAGE, { headers: { "Accept-Encoding": "gzip" }, signal: AbortSignal.timeout(20_000) });
  const body = await res.text();
  return { status: res.status, ms: performance.now() - t, body, headers: res.headers };
}
async function until(app: AppServer, ok: (g: Got) => boolean, timeoutMs: number): Promise<Got[]> {
  const seen: Got[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await visit(app);
    seen.push(g);
    if (ok(g)) return seen;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last body: ${g.body.slice(0, 300)}`);
    await sleep(100);
  }
}

describe("public page with a calendar server that hangs", () => {
  let radicale: RadicaleServer;
  let slow: SlowCalDav;
  let app: AppServer;
  let provider: FormClient;

  beforeAll(async () => {
    radicale = await startRadicale();
    const seeded = await seedCalendars(radicale);
    slow = await startSlowCalDav(radicale.url);
    app = await startAppServer({
      echo: !!process.env.ECHO_APP,
      env: {
        BUSY_CACHE_TTL_SECONDS: "1",
        CALDAV_TIMEOUT_MS: String(REFRESH_TIMEOUT_MS),
        CALDAV_PUBLIC_WAIT_MS: String(WAIT_MS),
      },
    });
    // The provider connects through the stub, so every calendar read can be held.
    provider = await createProviderThroughForms(
      app.url,
      { ...radicale, url: slow.url },
      seeded.calendars.map((u) => u.replace(radicale.url, slow.url)),
    );
  });
  afterAll(async () => {
    await app?.stop();
    await slow?.stop();
    await radicale?.stop();
  });

  it("with no copy at all: waits at most CALDAV_PUBLIC_WAIT_MS, says so, and the fetch still fills the cache", async () => {
    slow.setMode({ kind: "hold" });
    const first = await visit(app);
    expect(first.status).toBe(200);
    expect(first.body).toContain(UNAVAILABLE);
    expect(slotTimes(first.body)).toEqual([]);
    expect(first.ms).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(first.ms).toBeLessThan(WAIT_MS + 1500);
    expect(first.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=10");
    expect(slow.holding()).toBeGreaterThan(0);

    // The server answers at last: the held fetch (not a new one) fills the cache.
    const received = slow.received();
    slow.setMode({ kind: "pass" });
    const seen = await until(app, (g) => slotTimes(g.body).length > 0 && !g.body.includes(STALE), 5000);
    expect(seen.every((g) => g.status === 200)).toBe(true);
    // Positive control that busy times are applied: the daily 12:30 lunch is busy.
    expect(slotTimes(seen.at(-1)!.body)).not.toContain("12:30");
    expect(slow.received() - received).toBeLessThanOrEqual(2);
  });

  it("with a good copy: nobody waits for the hanging server; after the refresh times out the page says 'stale'", async () => {
    const good = await until(app, (g) => slotTimes(g.body).length > 0 && !g.body.includes(STALE), 5000);
    const goodSlots = slotTimes(good.at(-1)!.body);
    slow.setMode({ kind: "hold" });
    await sleep(1200); // the busy TTL (1 s) is over: every visit now wants a refresh

    const during: Got[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < REFRESH_TIMEOUT_MS + 2500) {
      during.push(await visit(app));
      await sleep(50);
    }
    // Every visitor got the page with slots at once; none waited for the calendar.
    for (const g of during) {
      expect(g.status).toBe(200);
      expect(g.body).not.toContain(UNAVAILABLE);
      expect(slotTimes(g.body)).toEqual(goodSlots);
      expect(g.ms).toBeLessThan(WAIT_MS);
    }
    const times = during.map((g) => g.ms).sort((a, b) => a - b);
    console.log(
      `[slow-calendar] ${during.length} visits while the server hangs: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    );
    // One refresh at a time: a handful of held requests (2 calendars per refresh), not one per visit.
    expect(slow.holding()).toBeLessThanOrEqual(4);
    // The refresh's own timeout turned the copy "stale" (banner, short lifetimes).
    const last = during.at(-1)!;
    expect(last.body).toContain(STALE);
    expect(last.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=10");
  });

  it("a save during the outage keeps the last good copy (stale), never 'unavailable'; recovery shows at once", async () => {
    const form = await provider.get("/settings/booking");
    const html = await form.text();
    await expectRedirect(
      await provider.post("/settings/booking", {
        version: hiddenVersion(html),
        slotMinutes: "30",
        bufferMinutes: "10",
        minNoticeHours: "2",
        horizonDays: "30",
      }),
      "save booking rules",
    );
    const after: Got[] = [];
    for (let i = 0; i < 10; i++) {
      after.push(await visit(app));
      await sleep(100);
    }
    for (const g of after) {
      expect(g.status).toBe(200);
      expect(g.body).not.toContain(UNAVAILABLE);
      expect(slotTimes(g.body).length).toBeGreaterThan(0);
      expect(g.ms).toBeLessThan(WAIT_MS);
    }
    slow.setMode({ kind: "pass" });
    // Fresh again: no note, and the long lifetimes of a page in state ok.
    const recovered = await until(
      app,
      (g) => !g.body.includes(STALE) && /^public, max-age=30\b/.test(g.headers.get("cache-control") ?? ""),
      5000,
    );
    expect(slotTimes(recovered.at(-1)!.body).length).toBeGreaterThan(0);
  });
});
