import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { CalDavError, fetchCalendarIcs, verifyCalDavAccount, type CalDavCredentials } from "~/modules/calendar/caldav-client.server";

const ALICE_PW = "alice-pass-1";
const RANGE = { start: new Date("2026-12-06T23:00:00Z"), end: new Date("2026-12-13T23:00:00Z") };

function ics(uid: string, ...lines: string[]): string {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//tests//caldav//EN",
    "BEGIN:VEVENT",
    `UID:${uid}`,
    "DTSTAMP:20260101T000000Z",
    ...lines,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

/** Resolves with the CalDavError a promise rejects with (fails the test if it resolves). */
async function caldavError(p: Promise<unknown>): Promise<CalDavError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CalDavError);
    return err as CalDavError;
  }
  throw new Error("expected a CalDavError");
}

let radicale: RadicaleServer;
let alice: CalDavCredentials;
let workUrl: string;
let homeUrl: string;
let bobUrl: string;

beforeAll(async () => {
  radicale = await startRadicale();
  alice = { serverUrl: radicale.url, username: "alice", password: ALICE_PW };
  workUrl = await radicale.createCalendar("alice", ALICE_PW, "work", { displayName: "Work & Clients", color: "#1BADF8FF" });
  homeUrl = await radicale.createCalendar("alice", ALICE_PW, "home", { displayName: "2024", color: "#ff2968" });
  await radicale.createCalendar("alice", ALICE_PW, "tasks", { displayName: "Tasks", components: ["VTODO"] });
  await radicale.createCalendar("alice", ALICE_PW, "mixed", { displayName: "Mixed", components: ["VEVENT", "VTODO"] });
  bobUrl = await radicale.createCalendar("bob", "bob-pass-2", "private", { displayName: "Bob" });

  await radicale.putEvent("alice", ALICE_PW, workUrl, "inside", ics("inside", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z"));
  await radicale.putEvent("alice", ALICE_PW, workUrl, "outside", ics("outside", "DTSTART:20261220T090000Z", "DTEND:20261220T100000Z"));
  await radicale.putEvent(
    "alice",
    ALICE_PW,
    workUrl,
    "weekly-2020",
    ics("weekly-2020", "DTSTART:20200107T090000Z", "DTEND:20200107T100000Z", "RRULE:FREQ=WEEKLY"),
  );
  await radicale.putEvent(
    "alice",
    ALICE_PW,
    workUrl,
    "ended-2021",
    ics("ended-2021", "DTSTART:20200107T090000Z", "DTEND:20200107T100000Z", "RRULE:FREQ=WEEKLY;UNTIL=20210101T000000Z"),
  );
});

afterAll(async () => {
  await radicale?.stop();
});

describe("verifyCalDavAccount against Radicale", () => {
  it("logs in and lists only event calendars, with names and colours", async () => {
    const timings: number[] = [];
    let result: Awaited<ReturnType<typeof verifyCalDavAccount>> | undefined;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      result = await verifyCalDavAccount(alice);
      timings.push(performance.now() - t0);
    }
    timings.sort((a, b) => a - b);
    console.log(
      `verifyCalDavAccount against Radicale: ${timings[0].toFixed(0)}-${timings[4].toFixed(0)} ms, median ${timings[2].toFixed(0)} ms (5 runs)`,
    );

    expect(result?.ok).toBe(true);
    if (!result?.ok) return;
    const calendars = [...result.calendars].sort((a, b) => a.url.localeCompare(b.url));
    expect(calendars).toEqual([
      // tsdav hands "2024" over as a number; it must come back as the text the user typed.
      { url: homeUrl, displayName: "2024", color: "#FF2968", components: ["VEVENT"] },
      { url: `${radicale.url}/alice/mixed/`, displayName: "Mixed", color: null, components: ["VEVENT", "VTODO"] },
      // Apple-style #RRGGBBAA is reduced to #RRGGBB.
      { url: workUrl, displayName: "Work & Clients", color: "#1BADF8", components: ["VEVENT"] },
    ]);
  });

  it("accepts a server URL that points below the root", async () => {
    const withPath = await verifyCalDavAccount({ ...alice, serverUrl: `${radicale.url}/alice/` });
    expect(withPath.ok).toBe(true);
  });

  it("wrong password -> auth, with a message that never contains the password", async () => {
    const t0 = performance.now();
    const result = await verifyCalDavAccount({ ...alice, password: "wrong-secret-123" });
    const ms = performance.now() - t0;
    expect(result).toEqual({ ok: false, reason: "auth", message: "The server refused this username and password." });
    expect(JSON.stringify(result)).not.toContain("wrong-secret-123");
    // One failed login only (Radicale sleeps 0.5-1.5 s per failure; tsdav alone would retry every root URL).
    expect(ms).toBeLessThan(2500);

    const apple = await verifyCalDavAccount({ ...alice, password: "wrong-secret-123" }, { isICloud: true });
    expect(apple).toEqual({
      ok: false,
      reason: "auth",
      message: "Apple refused these credentials. Use an app-specific password from appleid.apple.com, not your Apple ID password.",
    });
  });

  it("a closed port -> unreachable", async () => {
    const probe = createNetServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const result = await verifyCalDavAccount({ serverUrl: `http://127.0.0.1:${port}`, username: "alice", password: "pw-123456" });
    expect(result).toEqual({ ok: false, reason: "unreachable", message: `Could not reach the server at 127.0.0.1:${port}.` });
  });

  it("a plain web server -> not-caldav", async () => {
    const web = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>Hello</title><p>Just a website</p>");
    });
    const port = await listen(web);
    try {
      const result = await verifyCalDavAccount({ serverUrl: `http://127.0.0.1:${port}/`, username: "alice", password: "pw-123456" });
      expect(result).toEqual({ ok: false, reason: "not-caldav", message: "This address does not look like a CalDAV server." });
    } finally {
      web.closeAllConnections();
      await new Promise<void>((r) => web.close(() => r()));
    }
  });

  it("a server that never answers -> timeout within the deadline", async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket); // accept and say nothing
      socket.on("error", () => {});
    });
    const port = await listen(silent);
    try {
      const t0 = performance.now();
      const result = await verifyCalDavAccount(
        { serverUrl: `http://127.0.0.1:${port}`, username: "alice", password: "pw-123456" },
        { timeoutMs: 400 },
      );
      const ms = performance.now() - t0;
      expect(result).toEqual({ ok: false, reason: "timeout", message: "The server did not answer within 0.4 seconds." });
      expect(ms).toBeGreaterThanOrEqual(350);
      expect(ms).toBeLessThan(2000);

      const err = await caldavError(fetchCalendarIcs(alice, `http://127.0.0.1:${port}/alice/work/`, RANGE, { timeoutMs: 300 }));
      expect(err.reason).toBe("timeout");
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("a password with non-Latin-1 characters works (sent as UTF-8)", async () => {
    const pw = "pässwört-密码";
    await radicale.setPassword("bob", pw);
    try {
      const result = await verifyCalDavAccount({ serverUrl: radicale.url, username: "bob", password: pw });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.calendars.map((c) => c.url)).toEqual([bobUrl]);
    } finally {
      await radicale.setPassword("bob", "bob-pass-2");
    }
  });
});

describe("fetchCalendarIcs against Radicale", () => {
  it("returns the objects in the time range, recurring masters unexpanded", async () => {
    const texts = await fetchCalendarIcs(alice, workUrl, RANGE);
    const uids = texts.map((t) => /UID:(.+)/.exec(t)?.[1]?.trim()).sort();
    expect(uids).toEqual(["inside", "weekly-2020"]);
    const weekly = texts.find((t) => t.includes("UID:weekly-2020"));
    expect(weekly).toContain("RRULE:FREQ=WEEKLY");
    expect(weekly).toContain("DTSTART:20200107T090000Z");
  });

  it("an empty range of a calendar is [] (not an error)", async () => {
    expect(await fetchCalendarIcs(alice, homeUrl, RANGE)).toEqual([]);
  });

  it("a calendar deleted on the server -> throws (never looks empty)", async () => {
    const gone = await radicale.createCalendar("alice", ALICE_PW, "soon-gone", { displayName: "Gone" });
    await radicale.putEvent("alice", ALICE_PW, gone, "x", ics("x", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z"));
    expect(await fetchCalendarIcs(alice, gone, RANGE)).toHaveLength(1);
    await radicale.deleteCalendar("alice", ALICE_PW, gone);
    const err = await caldavError(fetchCalendarIcs(alice, gone, RANGE));
    expect(err.reason).toBe("not-caldav");
    expect(err.message).toMatch(/no longer exists/);
  });

  it("password changed on the server -> auth for fetch and verify", async () => {
    await radicale.setPassword("alice", "changed-on-server-9");
    try {
      const err = await caldavError(fetchCalendarIcs(alice, workUrl, RANGE));
      expect(err.reason).toBe("auth");
      expect(err.message).toBe("The server refused this username and password.");
      expect(`${err.message} ${err.stack ?? ""}`).not.toContain(ALICE_PW);
      const verify = await verifyCalDavAccount(alice);
      expect(verify.ok === false && verify.reason).toBe("auth");
    } finally {
      await radicale.setPassword("alice", ALICE_PW);
    }
    expect(await fetchCalendarIcs(alice, workUrl, RANGE)).toHaveLength(2);
  });

  it("another user's calendar (HTTP 403) -> auth", async () => {
    const err = await caldavError(fetchCalendarIcs(alice, bobUrl, RANGE));
    expect(err.reason).toBe("auth");
    expect(err.message).toBe("The server refused access to this calendar for this account.");
  });

  it("unreachable and non-CalDAV hosts -> CalDavError with those reasons", async () => {
    const probe = createNetServer();
    const port = await listen(probe);
    await new Promise<void>((r) => probe.close(() => r()));
    const unreachable = await caldavError(fetchCalendarIcs(alice, `http://127.0.0.1:${port}/alice/work/`, RANGE));
    expect(unreachable.reason).toBe("unreachable");
    expect(unreachable.message).toBe(`Could not reach the server at 127.0.0.1:${port}.`);

    const web = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html></html>");
    });
    const webPort = await listen(web);
    try {
      const notDav = await caldavError(fetchCalendarIcs(alice, `http://127.0.0.1:${webPort}/cal/`, RANGE));
      expect(notDav.reason).toBe("not-caldav");
    } finally {
      web.closeAllConnections();
      await new Promise<void>((r) => web.close(() => r()));
    }
  });
});
