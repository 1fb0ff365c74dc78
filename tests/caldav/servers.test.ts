/**
 * Connect and listing against both real CalDAV servers (Radicale and Xandikos): the client must
 * not be tuned to one implementation. Password checks stay in caldav.test.ts (Radicale only:
 * Xandikos leaves authentication to a reverse proxy).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRadicale } from "../support/radicale";
import { startXandikos } from "../support/xandikos";
import { CalDavError, fetchCalendarIcs, verifyCalDavAccount, type CalDavCredentials } from "~/modules/calendar/caldav-client.server";

const PW = "alice-pass-1";
const RANGE = { start: new Date("2026-12-06T23:00:00Z"), end: new Date("2026-12-13T23:00:00Z") };
const EVENT = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//tests//servers//EN",
  "BEGIN:VEVENT",
  "UID:one",
  "DTSTAMP:20260101T000000Z",
  "DTSTART:20261208T090000Z",
  "DTEND:20261208T100000Z",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

type Harness = {
  creds: CalDavCredentials;
  work: string;
  empty: string;
  doomed: string;
  deleteCalendar: (url: string) => Promise<void>;
  stop: () => Promise<void>;
};
const servers: Record<string, Harness> = {};

beforeAll(async () => {
  const r = await startRadicale();
  servers.radicale = {
    creds: { serverUrl: r.url, username: "alice", password: PW },
    work: await r.createCalendar("alice", PW, "work", { displayName: "Work & Clients" }),
    empty: await r.createCalendar("alice", PW, "empty", { displayName: "Empty" }),
    doomed: await r.createCalendar("alice", PW, "doomed", { displayName: "Doomed" }),
    deleteCalendar: (url) => r.deleteCalendar("alice", PW, url),
    stop: () => r.stop(),
  };
  await r.putEvent("alice", PW, servers.radicale.work, "one", EVENT);
  const x = await startXandikos();
  servers.xandikos = {
    creds: { serverUrl: x.url, username: "alice", password: PW },
    work: await x.createCalendar("work", { displayName: "Work & Clients" }),
    empty: await x.createCalendar("empty", { displayName: "Empty" }),
    doomed: await x.createCalendar("doomed", { displayName: "Doomed" }),
    deleteCalendar: (url) => x.deleteCalendar(url),
    stop: () => x.stop(),
  };
  await x.putEvent(servers.xandikos.work, "one", EVENT);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe.each(["radicale", "xandikos"])("CalDAV client against %s", (name) => {
  it("connects (discovery + login) and lists the event calendars with their names", async () => {
    const s = servers[name];
    const result = await verifyCalDavAccount(s.creds);
    if (!result.ok) throw new Error(result.message);
    const byUrl = new Map(result.calendars.map((c) => [c.url, c]));
    expect(byUrl.get(s.work)?.displayName).toBe("Work & Clients");
    expect(byUrl.get(s.empty)?.displayName).toBe("Empty");
    expect(result.calendars.every((c) => c.components.includes("VEVENT"))).toBe(true);
  });

  it("reads the objects of a week; an empty calendar is [] and not an error", async () => {
    const s = servers[name];
    const texts = await fetchCalendarIcs(s.creds, s.work, RANGE);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("UID:one");
    expect(await fetchCalendarIcs(s.creds, s.empty, RANGE)).toEqual([]);
  });

  it("a calendar deleted on the server throws (never looks empty)", async () => {
    const s = servers[name];
    await s.deleteCalendar(s.doomed);
    await expect(fetchCalendarIcs(s.creds, s.doomed, RANGE)).rejects.toBeInstanceOf(CalDavError);
  });
});
