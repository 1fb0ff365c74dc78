/**
 * PostgreSQL 15 stopped during the test (tests/support/postgres-server.ts halt/resume, data kept):
 * the public page keeps being served from the last good copy with the "stale" note and short
 * lifetimes; a page never seen gets a 503 with Retry-After and a proper title; settings answer
 * 503 with a clear message; nothing answers 500; everything recovers when the database is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, slotTimes, startAppServer, type AppServer, type FormClient } from "../support/app-server";
import { startPostgres, type PostgresServer } from "../support/postgres-server";

const DEMO = { email: "demo@example.com", password: "demo-password-123", slug: "demo-trainer" };
const PAGE = `/c/${DEMO.slug}`;
const STALE = "The calendar could not be checked just now";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

type Got = { status: number; body: string; headers: Headers };
async function get(app: AppServer, path: string, client?: FormClient): Promise<Got> {
  const res = client
    ? await client.get(path)
    : await fetch(app.url + path, { headers: { "Accept-Encoding": "gzip" }, redirect: "manual", signal: AbortSignal.timeout(20_000) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe("database stopped while the app runs", () => {
  let pg: PostgresServer;
  let app: AppServer;
  let user: FormClient;

  beforeAll(async () => {
    pg = await startPostgres();
    app = await startAppServer({ env: { DATABASE_URL: pg.url }, echo: !!process.env.ECHO_APP });
    user = await signIn(app.url, DEMO.email, DEMO.password);
  });
  afterAll(async () => {
    await app?.stop();
    await pg?.stop();
  });

  it("serves the last good page with the stale note, 503s what it cannot show, never a 500; recovers", async () => {
    // Positive control with the database up.
    const before = await get(app, PAGE);
    expect(before.status).toBe(200);
    expect(before.body).not.toContain(STALE);
    const slots = slotTimes(before.body);
    expect(slots.length).toBeGreaterThan(0);
    expect((await get(app, "/settings", user)).status).toBe(200);
    // A client holds the first time: the page stops offering it.
    const held = /href="(\/c\/demo-trainer\/book\/[^"?]+)/.exec(before.body)![1];
    const tap = await fetch(app.url + held, { redirect: "manual", headers: { "User-Agent": PHONE } });
    expect(tap.status).toBe(303);
    expect((await get(app, PAGE)).body).not.toContain(`href="${held}"`);

    await pg.halt();

    // Within a few seconds (the in-process copy is re-rendered at least every 5 s) the page
    // carries the note; every answer meanwhile is the page, never an error.
    const seen: Got[] = [];
    const deadline = Date.now() + 10_000;
    for (;;) {
      const g = await get(app, PAGE);
      seen.push(g);
      expect(g.status).toBe(200);
      if (g.body.includes(STALE)) break;
      if (Date.now() > deadline) throw new Error("no stale note within 10 s of the database going down");
      await sleep(250);
    }
    const stale = seen.at(-1)!;
    expect(title(stale.body)).toBe("Book Demo Personal Trainer");
    // Every time offered is one offered before (times repeat across days: compare the tap links).
    const bookLinks = (html: string) => [...html.matchAll(/href="(\/c\/demo-trainer\/book\/[^"]+)"/g)].map((m) => m[1]);
    const offeredBefore = new Set(bookLinks(before.body));
    expect(bookLinks(stale.body).filter((l) => !offeredBefore.has(l))).toEqual([]);
    expect(slotTimes(stale.body).length).toBeGreaterThan(0);
    // The hold is still busy on the page built from the last good data (the database cannot say otherwise).
    expect(stale.body).not.toContain(`href="${held}"`);
    expect(stale.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=10");
    expect(stale.headers.get("set-cookie")).toBeNull();

    // A page this process never built: 503, Retry-After, a title that says what happened.
    const unknown = await get(app, "/c/never-seen-here");
    expect(unknown.status).toBe(503);
    expect(unknown.headers.get("retry-after")).toBe("30");
    expect(title(unknown.body)).toBe("Booking page temporarily unavailable");
    expect(unknown.body).toContain("try again in a minute");
    expect(unknown.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=10");

    // Settings: 503 with a clear message.
    for (const path of ["/settings", "/settings/hours", "/settings/calendar"]) {
      const s = await get(app, path, user);
      expect(s.status, path).toBe(503);
      expect(s.headers.get("retry-after"), path).toBe("30");
      expect(s.body, path).toContain("the database cannot be reached");
    }
    const save = await user.post("/settings/hours", { version: "x", timezone: "Asia/Dubai", days: ["1"], start: "09:00", end: "17:00" });
    expect(save.status).toBe(503);
    // Sign-in and health: 503 too, never 500.
    const login = await fetch(app.url + "/login", {
      method: "POST",
      body: new URLSearchParams({ email: DEMO.email, password: DEMO.password }),
      headers: { Origin: app.url, "Content-Type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    await login.text();
    expect(login.status).toBe(503);
    expect((await get(app, "/healthz")).status).toBe(503);

    await pg.resume();

    // Back: the note goes, settings work again.
    const recovered = Date.now() + 15_000;
    for (;;) {
      const g = await get(app, PAGE);
      expect(g.status).toBe(200);
      if (!g.body.includes(STALE)) break;
      if (Date.now() > recovered) throw new Error("still stale 15 s after the database came back");
      await sleep(250);
    }
    expect((await get(app, "/settings", user)).status).toBe(200);
    expect((await get(app, "/c/never-seen-here")).status).toBe(404);
  });
});
