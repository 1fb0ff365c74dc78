/**
 * End to end: events stored in a real Radicale, fetched with fetchCalendarIcs
 * over a fixed week, turned into busy time by extractBusy. Radicale 3.1
 * returns recurring masters unexpanded for calendar-query, so this exercises
 * our own expansion exactly as production does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { startXandikos, type XandikosServer } from "../support/xandikos";
import { extractBusy, type BusyInterval } from "~/modules/calendar/ical-busy";
import { fetchCalendarIcs, verifyCalDavAccount, type CalDavCredentials } from "~/modules/calendar/caldav-client.server";
import { REAL_WORLD, VTZ_BERLIN, VTZ_CUSTOM } from "../support/ical-fixtures";

const ALICE_PW = "alice-pass-1";
const ZONE = "Europe/Berlin";
// Monday 2026-12-07 00:00 to Monday 2026-12-14 00:00 in Berlin (UTC+1 all week).
const RANGE = { start: new Date("2026-12-06T23:00:00Z"), end: new Date("2026-12-13T23:00:00Z") };

function calendar(...parts: string[][]): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//busy//EN", ...parts.flat(), "END:VCALENDAR", ""].join("\r\n");
}
function vevent(uid: string, ...lines: string[]): string[] {
  return ["BEGIN:VEVENT", `UID:${uid}`, "DTSTAMP:20260101T000000Z", ...lines, "END:VEVENT"];
}
const iv = (start: string, end: string): BusyInterval => ({ start: Date.parse(start), end: Date.parse(end) });

// uid -> object. Berlin local times in the comments.
const EVENTS: Record<string, string> = {
  // Weekdays 10:00-11:00 since January 2020: Tue 8 excluded, Wed 9 moved to 15:00, Thu 10 cancelled.
  series: calendar(
    VTZ_BERLIN,
    vevent(
      "series",
      "SUMMARY:Daily stand-up",
      "DTSTART;TZID=Europe/Berlin:20200106T100000",
      "DTEND;TZID=Europe/Berlin:20200106T110000",
      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      "EXDATE;TZID=Europe/Berlin:20261208T100000",
    ),
    vevent(
      "series",
      "SUMMARY:Daily stand-up (moved)",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261209T100000",
      "DTSTART;TZID=Europe/Berlin:20261209T150000",
      "DTEND;TZID=Europe/Berlin:20261209T160000",
    ),
    vevent(
      "series",
      "SUMMARY:Daily stand-up (cancelled)",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261210T100000",
      "DTSTART;TZID=Europe/Berlin:20261210T100000",
      "DTEND;TZID=Europe/Berlin:20261210T110000",
      "STATUS:CANCELLED",
    ),
  ),
  // A series that ended long ago must not show up.
  ended: calendar(vevent("ended", "DTSTART:20200107T130000Z", "DTEND:20200107T140000Z", "RRULE:FREQ=DAILY;UNTIL=20211231T235959Z")),
  // Mon 7 14:00 transparent ("free") -> nothing.
  transparent: calendar(vevent("transparent", "DTSTART:20261207T130000Z", "DTEND:20261207T140000Z", "TRANSP:TRANSPARENT")),
  // Tue 8 14:00 cancelled -> nothing.
  cancelled: calendar(vevent("cancelled", "DTSTART:20261208T130000Z", "DTEND:20261208T140000Z", "STATUS:CANCELLED")),
  // Wed 9 08:00 invitation alice declined -> nothing.
  declined: calendar(
    vevent(
      "declined",
      "DTSTART;TZID=Europe/Berlin:20261209T080000",
      "DTEND;TZID=Europe/Berlin:20261209T090000",
      "ORGANIZER:mailto:boss@example.com",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:Alice@Example.com",
    ),
    VTZ_BERLIN,
  ),
  // Wed 9 17:00-18:00 invitation alice accepted -> busy.
  accepted: calendar(
    VTZ_BERLIN,
    vevent(
      "accepted",
      "DTSTART;TZID=Europe/Berlin:20261209T170000",
      "DTEND;TZID=Europe/Berlin:20261209T180000",
      "ORGANIZER:mailto:boss@example.com",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com",
    ),
  ),
  // Sat 12 - Sun 13 all day (DTEND exclusive).
  allday: calendar(vevent("allday", "DTSTART;VALUE=DATE:20261212", "DTEND;VALUE=DATE:20261214", "TRANSP:OPAQUE")),
  // Mon 7 16:00-17:00 floating -> read in Berlin.
  floating: calendar(vevent("floating", "DTSTART:20261207T160000", "DTEND:20261207T170000")),
  // Mon 7 22:00 to Tue 8 01:30 across midnight.
  midnight: calendar(VTZ_BERLIN, vevent("midnight", "DTSTART;TZID=Europe/Berlin:20261207T220000", "DURATION:PT3H30M")),
  // Tue 8 12:00-13:00 at +03:00 from a VTIMEZONE no library knows by name = 09:00-10:00Z.
  custom: calendar(
    VTZ_CUSTOM,
    vevent("custom", "DTSTART;TZID=Customized Time Zone:20261208T120000", "DTEND;TZID=Customized Time Zone:20261208T130000"),
  ),
  // Thu 10 12:00-13:00 Dubai time via a Windows TZID without VTIMEZONE = 08:00-09:00Z.
  windows: calendar(
    vevent("windows", "DTSTART;TZID=Arabian Standard Time:20261210T120000", "DTEND;TZID=Arabian Standard Time:20261210T130000"),
  ),
  // Fri 11 13:00-14:00 in an unknown zone -> warned about and read in Berlin.
  unknown: calendar(vevent("unknown", "DTSTART;TZID=Mars/Olympus_Mons:20261211T130000", "DTEND;TZID=Mars/Olympus_Mons:20261211T140000")),
  // The week after: outside the range.
  later: calendar(vevent("later", "DTSTART:20261215T090000Z", "DTEND:20261215T100000Z")),
};

const EXPECTED: BusyInterval[] = [
  iv("2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z"), // Mon series
  iv("2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z"), // Mon floating 16:00
  iv("2026-12-07T21:00:00Z", "2026-12-08T00:30:00Z"), // Mon 22:00 -> Tue 01:30
  iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z"), // Tue custom zone (the series instance is excluded)
  iv("2026-12-09T14:00:00Z", "2026-12-09T15:00:00Z"), // Wed series, moved to 15:00
  iv("2026-12-09T16:00:00Z", "2026-12-09T17:00:00Z"), // Wed accepted invitation
  iv("2026-12-10T08:00:00Z", "2026-12-10T09:00:00Z"), // Thu Windows zone (the series instance is cancelled)
  iv("2026-12-11T09:00:00Z", "2026-12-11T10:00:00Z"), // Fri series
  iv("2026-12-11T12:00:00Z", "2026-12-11T13:00:00Z"), // Fri unknown zone read in Berlin
  iv("2026-12-11T23:00:00Z", "2026-12-13T23:00:00Z"), // Sat + Sun all day
];

// Thu 10 13:00-14:00Z, declined by an alias address the server lists in calendar-user-address-set.
const ALIAS_DECLINED = REAL_WORLD.declinedAlias
  .replace(/Trainer\.Alias@icloud\.com/, "ALICE.alias@icloud.example")
  .replace("DTSTART:20261210T090000Z", "DTSTART:20261210T130000Z")
  .replace("DTEND:20261210T100000Z", "DTEND:20261210T140000Z");
const ALIAS_SLOT = iv("2026-12-10T13:00:00Z", "2026-12-10T14:00:00Z");

type Server = { name: string; creds: CalDavCredentials; calUrl: string; addresses: string[]; stop: () => Promise<void> };
const servers: Record<string, Server> = {};

beforeAll(async () => {
  const radicale: RadicaleServer = await startRadicale();
  const rCal = await radicale.createCalendar("alice", ALICE_PW, "busy", { displayName: "Busy test" });
  for (const [uid, text] of Object.entries(EVENTS)) await radicale.putEvent("alice", ALICE_PW, rCal, uid, text);
  await radicale.putEvent("alice", ALICE_PW, rCal, "alias-declined", ALIAS_DECLINED);
  servers.radicale = {
    name: "radicale",
    creds: { serverUrl: radicale.url, username: "alice", password: ALICE_PW },
    calUrl: rCal,
    addresses: [],
    stop: () => radicale.stop(),
  };
  const xandikos: XandikosServer = await startXandikos({ email: "alice.alias@icloud.example" });
  const xCal = await xandikos.createCalendar("busy", { displayName: "Busy test" });
  for (const [uid, text] of Object.entries(EVENTS)) await xandikos.putEvent(xCal, uid, text);
  await xandikos.putEvent(xCal, "alias-declined", ALIAS_DECLINED);
  servers.xandikos = {
    name: "xandikos",
    creds: { serverUrl: xandikos.url, username: "alice", password: ALICE_PW },
    calUrl: xCal,
    addresses: ["alice.alias@icloud.example"],
    stop: () => xandikos.stop(),
  };
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe.each(["radicale", "xandikos"])("busy time from %s", (name) => {
  const range = () => ({ rangeStart: RANGE.start.getTime(), rangeEnd: RANGE.end.getTime(), zone: ZONE });

  it("fetches the week and extracts the exact busy intervals", async () => {
    const { creds, calUrl } = servers[name];
    const texts = await fetchCalendarIcs(creds, calUrl, RANGE);
    // The server's own time-range filter drops "later" and "ended"; everything else may come back.
    const uids = texts.map((t) => /^UID:(.+)$/m.exec(t)?.[1]?.trim());
    expect(uids).not.toContain("later");
    expect(uids).toContain("series");

    const warnings: string[] = [];
    const busy = extractBusy(texts, {
      ...range(),
      ownerEmails: ["alice@example.com", "alice.alias@icloud.example"],
      onWarning: (m) => warnings.push(m),
    });
    expect(busy).toEqual(EXPECTED);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Mars/Olympus_Mons");
  });

  it("the recurring master comes back unexpanded (we expand it ourselves)", async () => {
    const { creds, calUrl } = servers[name];
    const texts = await fetchCalendarIcs(creds, calUrl, RANGE);
    const series = texts.find((t) => /^UID:series/m.test(t));
    expect(series).toBeDefined();
    expect(series).toContain("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    expect(series).toContain("RECURRENCE-ID;TZID=Europe/Berlin:20261209T100000");
  });

  it("without the owner's address, the declined invitation stays busy", async () => {
    const { creds, calUrl } = servers[name];
    const texts = await fetchCalendarIcs(creds, calUrl, RANGE);
    const busy = extractBusy(texts, range());
    expect(busy).toContainEqual(iv("2026-12-09T07:00:00Z", "2026-12-09T08:00:00Z"));
    expect(busy).toContainEqual(ALIAS_SLOT);
  });

  it("the principal's calendar-user-address-set is read at connect, and a decline by one of those addresses frees the event", async () => {
    const { creds, calUrl, addresses } = servers[name];
    const verified = await verifyCalDavAccount(creds);
    if (!verified.ok) throw new Error(verified.message);
    // Radicale lists the principal's path there (not an address): nothing to add.
    expect(verified.addresses).toEqual(addresses);
    const texts = await fetchCalendarIcs(creds, calUrl, RANGE);
    const busy = extractBusy(texts, { ...range(), ownerEmails: verified.addresses });
    if (addresses.length > 0) expect(busy).not.toContainEqual(ALIAS_SLOT);
    else expect(busy).toContainEqual(ALIAS_SLOT);
  });
});
