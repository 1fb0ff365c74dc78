/**
 * The tap end to end over HTTP, on both backends (the built app on embedded PGlite, and on a
 * private PostgreSQL 15 where 20 taps really race on separate connections), with a real Radicale:
 * holds, the "just taken" page, bots, 404s, limits, confirm into CalDAV, expiry, release, .ics.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DateTime } from "luxon";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { startPostgres } from "../support/postgres-server";
import { expectRedirect, formClient, hiddenVersion, signIn, startAppServer, type AppServer, type FormClient } from "../support/app-server";
import { fetchCalendarIcs } from "~/modules/calendar/caldav-client.server";
import { formatStartParam } from "~/modules/booking-page/book-links";

const ZONE = "Asia/Dubai";
const SLUG = "demo-trainer";
const ALICE = { name: "alice", password: "alice-pass-1" };
const PERSON =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
// Long enough for a confirm on a loaded machine, short enough to wait for.
const HOLD_SECONDS = 24;

let radicale: RadicaleServer;
let calendarUrl: string;
beforeAll(async () => {
  radicale = await startRadicale({ users: [ALICE] });
  calendarUrl = await radicale.createCalendar(ALICE.name, ALICE.password, "work", { displayName: "Work" });
}, 60_000);
afterAll(() => radicale?.stop());

/** The n-th weekday (Mon-Fri, the demo's working days) from two days ahead, at hh:00 in Dubai. */
function slot(n: number, hour: number): number {
  let d = DateTime.now().setZone(ZONE).startOf("day").plus({ days: 2 });
  for (let seen = -1; ; d = d.plus({ days: 1 })) {
    if (d.weekday <= 5) seen++;
    if (seen === n) return d.set({ hour }).toMillis();
  }
}
const path = (start: number) => `/c/${SLUG}/book/${formatStartParam(start)}`;
const label = (start: number) => DateTime.fromMillis(start, { zone: ZONE }).setLocale("en-GB").toFormat("cccc d LLLL, HH:mm");

type Req = { id: string; reference: string; when: string; state: "held" | "confirmed" };
function requests(html: string): Req[] {
  const [, held = "", confirmed = ""] = html.split(/<h2>(?:Held|Confirmed, upcoming)<\/h2>/);
  const parse = (part: string, state: Req["state"]) =>
    [...part.matchAll(/data-reference="(\w+)"[\s\S]*?<strong>([^<]+)<\/strong>[\s\S]*?name="id" value="([^"]+)"/g)].map((m) => ({
      reference: m[1],
      when: m[2],
      id: m[3],
      state,
    }));
  return [...parse(held, "held"), ...parse(confirmed, "confirmed")];
}

describe.each(["embedded", "postgres"] as const)("the tap over HTTP (%s)", (backend) => {
  let app: AppServer;
  let stopPg: (() => Promise<void>) | undefined;
  let provider: FormClient;
  const tap = (start: number | string, opts: { ip?: string; ua?: string; method?: string; headers?: Record<string, string> } = {}) =>
    fetch(app.url + (typeof start === "number" ? path(start) : start), {
      method: opts.method ?? "GET",
      redirect: "manual",
      headers: { "User-Agent": opts.ua ?? PERSON, "X-Forwarded-For": opts.ip ?? "198.51.100.1", ...opts.headers },
    });
  const page = async () => (await fetch(`${app.url}/c/${SLUG}`)).text();
  const listed = async (start: number) => (await page()).includes(`href="${path(start)}"`);
  const myRequests = async () => requests(await (await provider.get("/settings/requests")).text());

  beforeAll(async () => {
    let databaseUrl: string | undefined;
    if (backend === "postgres") {
      const pg = await startPostgres();
      databaseUrl = pg.url;
      stopPg = pg.stop;
    }
    app = await startAppServer({
      env: { DATABASE_URL: databaseUrl, TRUST_PROXY: "true", HOLD_MINUTES: String(HOLD_SECONDS / 60), CALDAV_TIMEOUT_MS: "10000" },
      startTimeoutMs: 240_000,
    });
    provider = await signIn(app.url, "demo@example.com", "demo-password-123");
    await expectRedirect(
      await provider.post("/settings/calendar", {
        intent: "connect",
        type: "caldav",
        serverUrl: radicale.url,
        username: ALICE.name,
        password: ALICE.password,
      }),
      "connect",
    );
    let html = await (await provider.get("/settings/calendar")).text();
    await expectRedirect(
      await provider.post("/settings/calendar", { intent: "select", version: hiddenVersion(html), selectedCalendarIds: [calendarUrl] }),
      "select",
    );
    html = await (await provider.get("/settings/calendar")).text();
    const version = /name="intent" value="booking-calendar"\/><input type="hidden" name="version" value="([^"]*)"/.exec(html)?.[1];
    expect(version).toBeDefined();
    await expectRedirect(
      await provider.post("/settings/calendar", { intent: "booking-calendar", version: version!.replace(/&quot;/g, '"'), calendarUrl }),
      "booking calendar",
    );
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
    await stopPg?.();
  });

  it("a tap holds the slot: 303 to WhatsApp, never cached, no cookie; the page drops the slot at once", async () => {
    const start = slot(0, 10);
    expect(await listed(start)).toBe(true);
    const res = await tap(start);
    expect(res.status).toBe(303);
    // The demo's stored template predates {ref}: it is still used as written.
    const text = DateTime.fromMillis(start, { zone: ZONE }).setLocale("en-GB").toFormat("ccc d LLL");
    expect(res.headers.get("location")).toBe(
      `https://wa.me/971500000000?text=${encodeURIComponent(`Hi! Can I book ${text} at 10:00 Dubai time?`)}`,
    );
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await listed(start)).toBe(false);
    expect(await listed(slot(0, 11))).toBe(true); // control
    const mine = (await myRequests()).filter((r) => r.when.startsWith(label(start)));
    expect(mine).toHaveLength(1);
    expect(mine[0].state).toBe("held");
  });

  it("20 concurrent taps on one slot: exactly one hold and 19 'just taken' pages", async () => {
    const start = slot(1, 10);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => tap(start, { ip: `203.0.113.${i + 1}` })));
    const bodies = await Promise.all(answers.map((r) => r.text()));
    const statuses = answers.map((r) => r.status);
    console.log(
      `[booking-flow ${backend}] 20 concurrent taps: ${statuses.filter((s) => s === 303).length} × 303, ${statuses.filter((s) => s === 409).length} × 409`,
    );
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const [i, body] of bodies.entries()) {
      if (statuses[i] !== 409) continue;
      expect(body).toContain("This time was just taken");
      expect([...body.matchAll(/href="\/c\/demo-trainer\/book\/[^"]+"/g)]).toHaveLength(3);
      expect(body).toContain(`href="/c/${SLUG}"`);
      expect(answers[i].headers.get("cache-control")).toBe("private, no-store");
      expect(answers[i].headers.get("set-cookie")).toBeNull();
    }
    expect((await myRequests()).filter((r) => r.when.startsWith(label(start)))).toHaveLength(1);
  });

  it("link previewers, bots, HEAD and prefetch never hold; a person's tap does", async () => {
    const start = slot(2, 10);
    for (const ua of [
      "WhatsApp/2.23.20.0 A",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Slackbot-LinkExpanding 1.0",
      "",
    ]) {
      const res = await tap(start, { ua });
      expect(res.status, ua).toBe(200);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain("Open this link on your phone");
    }
    expect((await tap(start, { method: "HEAD" })).status).toBe(200);
    expect((await tap(start, { headers: { "Sec-Purpose": "prefetch" } })).status).toBe(200);
    expect(await listed(start)).toBe(true);
    expect((await tap(start)).status).toBe(303);
    expect(await listed(start)).toBe(false);
  });

  it("404 for a time that never existed, never a hold", async () => {
    const base = slot(2, 12);
    const past = DateTime.now().setZone(ZONE).minus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toMillis();
    const beyond = DateTime.now().setZone(ZONE).plus({ days: 20 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toMillis();
    for (const p of [
      path(base + 15 * 60_000),
      path(past),
      path(beyond),
      `/c/${SLUG}/book/tomorrow`,
      `/c/no-such-page/book/${formatStartParam(base)}`,
    ]) {
      const res = await tap(p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      expect(await res.text()).toContain("Time not found");
    }
    expect(await listed(base)).toBe(true);
  });

  it("one address holds at most 3 times per provider; beyond, the tap opens WhatsApp and holds nothing", async () => {
    const ip = "192.0.2.77";
    for (const hour of [9, 10, 11]) expect((await tap(slot(3, hour), { ip })).status).toBe(303);
    const over = await tap(slot(3, 12), { ip });
    expect(over.status).toBe(303);
    expect(over.headers.get("location")).toMatch(/^https:\/\/wa\.me\/971500000000\?text=/);
    expect(await listed(slot(3, 12))).toBe(true);
    expect((await tap(slot(3, 12), { ip: "192.0.2.78" })).status).toBe(303); // control: another address holds it
    expect(await listed(slot(3, 12))).toBe(false);
  });

  it("confirm writes the event into Radicale; after the hold time it stays busy while an unconfirmed hold returns; release frees it", async () => {
    const confirmed = slot(4, 10);
    const lapsing = slot(4, 11);
    const tappedAt = Date.now();
    expect((await tap(confirmed, { ip: "198.51.100.40" })).status).toBe(303);
    expect((await tap(lapsing, { ip: "198.51.100.41" })).status).toBe(303);
    const req = (await myRequests()).find((r) => r.when.startsWith(label(confirmed)))!;
    expect(req.state).toBe("held");
    const done = await expectRedirect(await provider.post("/settings/requests", { intent: "confirm", id: req.id }), "confirm");
    expect(done).toBe(`/settings/requests?done=confirmed-calendar&ref=${req.reference}`);
    const range = { start: new Date(confirmed - 3_600_000), end: new Date(confirmed + 7_200_000) };
    const stored = (
      await fetchCalendarIcs({ serverUrl: radicale.url, username: ALICE.name, password: ALICE.password }, calendarUrl, range)
    ).join("\n");
    expect(stored).toContain(`SUMMARY:Session · ${req.reference}`);
    expect(stored).toContain(`UID:${req.id}@slotline`);
    expect(stored).toContain(`DTSTART;TZID=${ZONE}:${DateTime.fromMillis(confirmed, { zone: ZONE }).toFormat("yyyyLLdd'T'HHmmss")}`);
    expect(stored).toContain("BEGIN:VTIMEZONE");
    expect((await myRequests()).find((r) => r.id === req.id)?.state).toBe("confirmed");

    await new Promise((r) => setTimeout(r, Math.max(0, tappedAt + HOLD_SECONDS * 1000 + 1500 - Date.now())));
    expect(await listed(lapsing)).toBe(true);
    expect(await listed(confirmed)).toBe(false);
    expect((await tap(confirmed, { ip: "198.51.100.42" })).status).toBe(409);

    const released = await expectRedirect(await provider.post("/settings/requests", { intent: "release", id: req.id }), "release");
    expect(released).toBe(`/settings/requests?done=released-deleted&ref=${req.reference}`);
    const after = (
      await fetchCalendarIcs({ serverUrl: radicale.url, username: ALICE.name, password: ALICE.password }, calendarUrl, range)
    ).join("\n");
    expect(after).not.toContain(req.reference);
    // The release announces a change: the page drops its copy at once, and the busy times (which
    // still held the deleted event) are refreshed behind the next visit, never making it wait.
    await vi.waitFor(async () => expect(await listed(confirmed)).toBe(true), { timeout: 5_000, interval: 100 });
  }, 120_000);

  it("confirm when the calendar cannot be written keeps the hold and says why; without a calendar for bookings it confirms here with an .ics", async () => {
    const start = slot(5, 10);
    expect((await tap(start, { ip: "198.51.100.50" })).status).toBe(303);
    const req = (await myRequests()).find((r) => r.when.startsWith(label(start)))!;
    await radicale.setPassword(ALICE.name, "changed-elsewhere");
    try {
      const res = await provider.post("/settings/requests", { intent: "confirm", id: req.id });
      expect(res.status).toBe(502);
      const body = await res.text();
      expect(body).toContain(`Request ${req.reference} is still held: the event could not be added to your calendar.`);
      expect(body).toContain("refused this username and password");
    } finally {
      await radicale.setPassword(ALICE.name, ALICE.password);
    }
    expect((await myRequests()).find((r) => r.id === req.id)?.state).toBe("held");

    // No calendar for bookings (e.g. an ICS feed only): confirmed here, busy here, .ics to download.
    const html = await (await provider.get("/settings/calendar")).text();
    const version = /name="intent" value="booking-calendar"\/><input type="hidden" name="version" value="([^"]*)"/.exec(html)![1];
    await expectRedirect(
      await provider.post("/settings/calendar", { intent: "booking-calendar", version: version.replace(/&quot;/g, '"'), calendarUrl: "" }),
      "no calendar",
    );
    expect(await expectRedirect(await provider.post("/settings/requests", { intent: "confirm", id: req.id }), "confirm here")).toBe(
      `/settings/requests?done=confirmed-here&ref=${req.reference}`,
    );
    const ics = await provider.get(`/settings/requests/${req.id}/ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(await ics.text()).toContain(`SUMMARY:Session · ${req.reference}`);
    expect(await listed(start)).toBe(false);
    // Only the owner gets it.
    expect((await formClient(app.url).get(`/settings/requests/${req.id}/ics`)).status).not.toBe(200);
  }, 120_000);
});
