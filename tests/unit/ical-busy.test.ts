import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { CalendarDataError, extractBusy, type BusyInterval } from "~/modules/calendar/ical-busy";
import { listWindowsZones, windowsZoneToIana } from "~/modules/calendar/windows-zones";
import { REAL_WORLD, VTZ_BERLIN as VTZ_BERLIN_LINES, VTZ_CUSTOM as VTZ_CUSTOM_LINES } from "../support/ical-fixtures";

// The week of Monday 2026-12-07 in Berlin (CET, UTC+1, no DST change inside).
const BERLIN = "Europe/Berlin";
const WEEK_START = Date.parse("2026-12-06T23:00:00Z");
const WEEK_END = Date.parse("2026-12-13T23:00:00Z");

function ics(...body: string[]): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//ical-busy//EN", ...body, "END:VCALENDAR", ""].join("\r\n");
}
function vevent(...lines: string[]): string {
  return ["BEGIN:VEVENT", "DTSTAMP:20260101T000000Z", ...lines, "END:VEVENT"].join("\r\n");
}
const iv = (start: string, end: string): BusyInterval => ({ start: Date.parse(start), end: Date.parse(end) });

type Opts = Partial<Parameters<typeof extractBusy>[1]>;
function busy(texts: string[], opts: Opts = {}): BusyInterval[] {
  return extractBusy(texts, { rangeStart: WEEK_START, rangeEnd: WEEK_END, zone: BERLIN, ...opts });
}
function busyWithWarnings(texts: string[], opts: Opts = {}): { busy: BusyInterval[]; warnings: string[] } {
  const warnings: string[] = [];
  return { busy: busy(texts, { ...opts, onWarning: (m) => warnings.push(m) }), warnings };
}

const VTZ_BERLIN = VTZ_BERLIN_LINES.join("\r\n");

const VTZ_CUSTOM = VTZ_CUSTOM_LINES.join("\r\n");

describe("extractBusy: basics and the range", () => {
  it("returns UTC events inside the range with exact bounds", () => {
    const out = busy([ics(vevent("UID:a", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z"))]);
    expect(out).toEqual([iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")]);
  });

  it("returns only intervals overlapping [rangeStart, rangeEnd), unclipped, half-open at both ends", () => {
    const out = busy([
      ics(vevent("UID:before", "DTSTART:20261130T090000Z", "DTEND:20261130T100000Z")),
      ics(vevent("UID:ends-at-start", "DTSTART:20261206T220000Z", "DTEND:20261206T230000Z")),
      ics(vevent("UID:straddles-start", "DTSTART:20261206T220000Z", "DTEND:20261206T233000Z")),
      ics(vevent("UID:starts-at-end", "DTSTART:20261213T230000Z", "DTEND:20261214T000000Z")),
      ics(vevent("UID:after", "DTSTART:20261220T090000Z", "DTEND:20261220T100000Z")),
    ]);
    expect(out).toEqual([iv("2026-12-06T22:00:00Z", "2026-12-06T23:30:00Z")]);
  });

  it("sorts and merges overlapping or touching intervals", () => {
    const out = busy([
      ics(vevent("UID:b", "DTSTART:20261209T100000Z", "DTEND:20261209T120000Z")),
      ics(vevent("UID:a", "DTSTART:20261209T090000Z", "DTEND:20261209T103000Z")),
      ics(vevent("UID:c", "DTSTART:20261209T120000Z", "DTEND:20261209T130000Z")),
      ics(vevent("UID:d", "DTSTART:20261208T090000Z", "DTEND:20261208T091500Z")),
    ]);
    expect(out).toEqual([iv("2026-12-08T09:00:00Z", "2026-12-08T09:15:00Z"), iv("2026-12-09T09:00:00Z", "2026-12-09T13:00:00Z")]);
  });

  it("blocks an event spanning midnight across both days", () => {
    const out = busy([ics(vevent("UID:night", "DTSTART;TZID=Europe/Berlin:20261209T220000", "DTEND;TZID=Europe/Berlin:20261210T020000"))]);
    expect(out).toEqual([iv("2026-12-09T21:00:00Z", "2026-12-10T01:00:00Z")]);
  });

  it("reads events of a VCALENDAR nested in another (concatenated exports)", () => {
    const inner = ics(vevent("UID:nested", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z")).trim();
    expect(busy([ics(inner)])).toEqual([iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")]);
  });

  it("ignores VTODO-only objects and empty calendars without throwing", () => {
    const todo = ics("BEGIN:VTODO", "UID:t", "DTSTAMP:20260101T000000Z", "DUE:20261209T100000Z", "END:VTODO");
    expect(busy([todo, ics()])).toEqual([]);
  });
});

describe("extractBusy: what does not block", () => {
  const at = (uid: string, ...extra: string[]) => ics(vevent(`UID:${uid}`, "DTSTART:20261209T090000Z", "DTEND:20261209T100000Z", ...extra));

  it("TRANSP:TRANSPARENT is free, TRANSP:OPAQUE (and no TRANSP) is busy", () => {
    expect(busy([at("t", "TRANSP:TRANSPARENT")])).toEqual([]);
    expect(busy([at("o", "TRANSP:OPAQUE")])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(busy([at("n")])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
  });

  it("STATUS:CANCELLED is free, CONFIRMED and TENTATIVE are busy", () => {
    expect(busy([at("c", "STATUS:CANCELLED")])).toEqual([]);
    expect(busy([at("ok", "STATUS:CONFIRMED")])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(busy([at("tent", "STATUS:TENTATIVE")])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
  });

  it("an invitation the owner declined is free (mailto: and case-insensitive); accepted or other people's declines are busy", () => {
    const declined = at("d", "ORGANIZER:mailto:boss@example.com", "ATTENDEE;PARTSTAT=DECLINED;CN=Owner:MAILTO:Owner@Example.COM");
    const accepted = at("a", "ORGANIZER:mailto:boss@example.com", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:owner@example.com");
    const otherDeclined = at(
      "o",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:someone@example.com",
      "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:owner@example.com",
    );
    const owner = { ownerEmails: ["mailto:owner@example.com", "second@example.com"] };
    expect(busy([declined], owner)).toEqual([]);
    expect(busy([accepted], owner)).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(busy([otherDeclined], owner)).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    // Without knowing the owner's address a decline cannot be attributed: stays busy.
    expect(busy([declined])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
  });
});

describe("extractBusy: recurrence", () => {
  // Weekly on Tuesdays 10:00-11:00 Berlin since January 2020 (summer and winter offsets in between).
  const weekly = (...extra: string[]) => [
    "UID:weekly",
    "DTSTART;TZID=Europe/Berlin:20200107T100000",
    "DTEND;TZID=Europe/Berlin:20200107T110000",
    "RRULE:FREQ=WEEKLY;BYDAY=TU",
    ...extra,
  ];
  const TUESDAY = iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z");

  it("expands a series that began years before the window, keeping local wall time across DST", () => {
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()))])).toEqual([TUESDAY]);
    const july = busy([ics(VTZ_BERLIN, vevent(...weekly()))], {
      rangeStart: Date.parse("2026-07-06T00:00:00Z"),
      rangeEnd: Date.parse("2026-07-13T00:00:00Z"),
    });
    expect(july).toEqual([iv("2026-07-07T08:00:00Z", "2026-07-07T09:00:00Z")]);
  });

  it("EXDATE removes an instance, in the series' zone or given in UTC", () => {
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("EXDATE;TZID=Europe/Berlin:20261208T100000")))])).toEqual([]);
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("EXDATE:20261208T090000Z")))])).toEqual([]);
    // An EXDATE for another week leaves this one alone; lists of values are read in full.
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("EXDATE:20261201T090000Z,20261215T090000Z")))])).toEqual([TUESDAY]);
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("EXDATE:20261201T090000Z,20261208T090000Z")))])).toEqual([]);
  });

  it("a RECURRENCE-ID override moves one instance (original slot freed)", () => {
    const moved = vevent(
      "UID:weekly",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000",
      "DTSTART;TZID=Europe/Berlin:20261210T150000",
      "DTEND;TZID=Europe/Berlin:20261210T163000",
    );
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()), moved)])).toEqual([iv("2026-12-10T14:00:00Z", "2026-12-10T15:30:00Z")]);
  });

  it("an instance moved into the window from outside counts; one moved out of the window does not", () => {
    const movedIn = vevent(
      "UID:weekly",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261215T100000",
      "DTSTART;TZID=Europe/Berlin:20261211T080000",
      "DTEND;TZID=Europe/Berlin:20261211T090000",
    );
    const movedOut = vevent(
      "UID:weekly",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000",
      "DTSTART;TZID=Europe/Berlin:20261216T100000",
      "DTEND;TZID=Europe/Berlin:20261216T110000",
    );
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()), movedIn, movedOut)])).toEqual([iv("2026-12-11T07:00:00Z", "2026-12-11T08:00:00Z")]);
  });

  it("a cancelled occurrence (override with STATUS:CANCELLED) frees only that instance", () => {
    const cancelled = vevent(
      "UID:weekly",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000",
      "DTSTART;TZID=Europe/Berlin:20261208T100000",
      "DTEND;TZID=Europe/Berlin:20261208T110000",
      "STATUS:CANCELLED",
    );
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()), cancelled)])).toEqual([]);
    const twoWeeks = { rangeEnd: WEEK_END + 7 * 86_400_000 };
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()), cancelled)], twoWeeks)).toEqual([iv("2026-12-15T09:00:00Z", "2026-12-15T10:00:00Z")]);
  });

  it("a cancelled or transparent series is free, but a busy override of it still counts", () => {
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("STATUS:CANCELLED")))])).toEqual([]);
    const opaqueOverride = vevent(
      "UID:weekly",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000",
      "DTSTART;TZID=Europe/Berlin:20261208T120000",
      "DTEND;TZID=Europe/Berlin:20261208T130000",
    );
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly("TRANSP:TRANSPARENT")), opaqueOverride)])).toEqual([
      iv("2026-12-08T11:00:00Z", "2026-12-08T12:00:00Z"),
    ]);
  });

  it("an infinite daily rule from 2015 is bounded by rangeEnd, not by a count", () => {
    const out = busy([ics(vevent("UID:daily", "DTSTART:20150101T060000Z", "DTEND:20150101T063000Z", "RRULE:FREQ=DAILY"))]);
    expect(out).toHaveLength(7);
    expect(out[0]).toEqual(iv("2026-12-07T06:00:00Z", "2026-12-07T06:30:00Z"));
    expect(out[6]).toEqual(iv("2026-12-13T06:00:00Z", "2026-12-13T06:30:00Z"));
  });

  it("COUNT and UNTIL end a series (UNTIL inclusive, in UTC against an IANA TZID without VTIMEZONE)", () => {
    const counted = vevent("UID:c", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", "RRULE:FREQ=DAILY;COUNT=8");
    expect(busy([ics(counted)])).toEqual([
      iv("2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z"),
      iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z"),
    ]);
    const ended = vevent("UID:e", "DTSTART:20200101T090000Z", "DTEND:20200101T100000Z", "RRULE:FREQ=DAILY;UNTIL=20261130T090000Z");
    expect(busy([ics(ended)])).toEqual([]);
    // 10:00 New York = 15:00Z; UNTIL is exactly the last instance and must include it.
    const until = vevent(
      "UID:u",
      "DTSTART;TZID=America/New_York:20261201T100000",
      "DTEND;TZID=America/New_York:20261201T110000",
      "RRULE:FREQ=DAILY;UNTIL=20261208T150000Z",
    );
    expect(busy([ics(until)])).toEqual([
      iv("2026-12-07T15:00:00Z", "2026-12-07T16:00:00Z"),
      iv("2026-12-08T15:00:00Z", "2026-12-08T16:00:00Z"),
    ]);
  });

  it("RDATE adds instances (DATE-TIME with the master's length, or PERIOD)", () => {
    const ev = vevent(
      "UID:r",
      "DTSTART:20261101T090000Z",
      "DTEND:20261101T094500Z",
      "RDATE:20261209T120000Z",
      "RDATE;VALUE=PERIOD:20261210T120000Z/20261210T140000Z,20261211T120000Z/PT30M",
    );
    expect(busy([ics(ev)])).toEqual([
      iv("2026-12-09T12:00:00Z", "2026-12-09T12:45:00Z"),
      iv("2026-12-10T12:00:00Z", "2026-12-10T14:00:00Z"),
      iv("2026-12-11T12:00:00Z", "2026-12-11T12:30:00Z"),
    ]);
  });

  it("objects holding only overrides, or server-expanded instances, are read as plain events", () => {
    const onlyOverride = ics(vevent("UID:inv", "RECURRENCE-ID:20261209T080000Z", "DTSTART:20261209T083000Z", "DTEND:20261209T093000Z"));
    const expanded = ics(
      vevent("UID:x", "RECURRENCE-ID:20261207T070000Z", "DTSTART:20261207T070000Z", "DTEND:20261207T073000Z"),
      vevent("UID:x", "RECURRENCE-ID:20261208T070000Z", "DTSTART:20261208T070000Z", "DTEND:20261208T073000Z"),
      vevent("UID:x", "RECURRENCE-ID:20261209T070000Z", "DTSTART:20261209T070000Z", "DTEND:20261209T073000Z", "STATUS:CANCELLED"),
    );
    expect(busy([onlyOverride, expanded])).toEqual([
      iv("2026-12-07T07:00:00Z", "2026-12-07T07:30:00Z"),
      iv("2026-12-08T07:00:00Z", "2026-12-08T07:30:00Z"),
      iv("2026-12-09T08:30:00Z", "2026-12-09T09:30:00Z"),
    ]);
  });

  it("an override without DTEND inherits the master's length", () => {
    const override = vevent("UID:weekly", "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000", "DTSTART;TZID=Europe/Berlin:20261208T140000");
    expect(busy([ics(VTZ_BERLIN, vevent(...weekly()), override)])).toEqual([iv("2026-12-08T13:00:00Z", "2026-12-08T14:00:00Z")]);
  });

  it("a monthly series on the 31st skips months without that day (RFC 5545), a Feb 29 birthday skips non-leap years", () => {
    const monthly = ics(vevent("UID:m31", "DTSTART:20240131T090000Z", "DURATION:PT1H", "RRULE:FREQ=MONTHLY"));
    const firstHalf2026 = { rangeStart: Date.parse("2026-01-01T00:00:00Z"), rangeEnd: Date.parse("2026-07-01T00:00:00Z") };
    expect(busy([monthly], firstHalf2026).map((i) => new Date(i.start).toISOString().slice(0, 10))).toEqual([
      "2026-01-31",
      "2026-03-31",
      "2026-05-31",
    ]);
    const birthday = ics(vevent("UID:b29", "DTSTART;VALUE=DATE:19960229", "RRULE:FREQ=YEARLY"));
    const years = { rangeStart: Date.parse("2026-01-01T00:00:00Z"), rangeEnd: Date.parse("2033-01-01T00:00:00Z") };
    expect(busy([birthday], years).map((i) => new Date(i.end).toISOString().slice(0, 10))).toEqual(["2028-02-29", "2032-02-29"]);
  });

  it("all-day weekly series with an EXDATE (DATE values)", () => {
    const ev = vevent(
      "UID:ad",
      "DTSTART;VALUE=DATE:20201207",
      "DTEND;VALUE=DATE:20201208",
      "RRULE:FREQ=WEEKLY",
      "EXDATE;VALUE=DATE:20261214",
    );
    // Mondays: 2026-12-07 is in the window; 2026-12-14 is excluded (and outside anyway).
    expect(busy([ics(ev)], { rangeEnd: WEEK_END + 7 * 86_400_000 })).toEqual([iv("2026-12-06T23:00:00Z", "2026-12-07T23:00:00Z")]);
  });

  it("an all-day instance moved by a DATE RECURRENCE-ID override", () => {
    const master = vevent("UID:adm", "DTSTART;VALUE=DATE:20201207", "RRULE:FREQ=WEEKLY;BYDAY=MO");
    const moved = vevent("UID:adm", "RECURRENCE-ID;VALUE=DATE:20261207", "DTSTART;VALUE=DATE:20261209", "DTEND;VALUE=DATE:20261210");
    expect(busy([ics(master, moved)])).toEqual([iv("2026-12-08T23:00:00Z", "2026-12-09T23:00:00Z")]);
  });

  it("fast-forwarding long series gives the same result as iterating from DTSTART", () => {
    const rules = [
      ["DTSTART;TZID=Europe/Berlin:20190304T083000", "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR"],
      ["DTSTART;TZID=America/New_York:20180101T230000", "RRULE:FREQ=DAILY;INTERVAL=3"],
      ["DTSTART:20210505T091500Z", "RRULE:FREQ=HOURLY;INTERVAL=5;BYHOUR=9,14,19"],
      ["DTSTART;TZID=Europe/Berlin:20220301T070000", "RRULE:FREQ=DAILY;BYDAY=MO,TU;BYMONTH=3,12"],
      ["DTSTART:20261101T000000Z", "RRULE:FREQ=MINUTELY;INTERVAL=45;BYHOUR=9"], // reference path iterates every 45 min since DTSTART
      ["DTSTART;TZID=Europe/Berlin:20200107T100000", "RRULE:FREQ=WEEKLY;UNTIL=20261210T000000Z"],
      ["DTSTART;VALUE=DATE:20191231", "RRULE:FREQ=DAILY;INTERVAL=4"],
      ["DTSTART;TZID=Europe/Berlin:20160112T090000", "RRULE:FREQ=MONTHLY;BYDAY=2TU"],
      ["DTSTART;TZID=Europe/Berlin:20150331T180000", "RRULE:FREQ=MONTHLY"],
      ["DTSTART:20170127T120000Z", "RRULE:FREQ=MONTHLY;INTERVAL=5;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"],
      ["DTSTART;TZID=America/New_York:20180115T070000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15,-1"],
      ["DTSTART;VALUE=DATE:19800329", "RRULE:FREQ=YEARLY"],
      ["DTSTART;TZID=Europe/Berlin:20000326T020000", "RRULE:FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU"],
      ["DTSTART;VALUE=DATE:19960229", "RRULE:FREQ=YEARLY"],
      ["DTSTART:20101107T090000Z", "RRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=11,12;BYMONTHDAY=7,8,9,10"],
      // Shapes the day-arithmetic path takes (compared with ical.js iterating from DTSTART).
      ["DTSTART;TZID=Europe/Berlin:20240107T090000", "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,MO,SA"],
      ["DTSTART;TZID=Europe/Berlin:20241104T090000", "RRULE:FREQ=WEEKLY;BYDAY=WE,FR"], // DTSTART (a Monday) does not match
      ["DTSTART:20250106T080000Z", "RRULE:FREQ=WEEKLY;COUNT=205;BYDAY=TU,TH"],
      ["DTSTART:20230301T080000Z", "RRULE:FREQ=DAILY;COUNT=1380;BYDAY=MO,WE,FR"],
      ["DTSTART:20240131T100000Z", "RRULE:FREQ=MONTHLY;COUNT=40"],
      ["DTSTART;TZID=America/New_York:20200131T100000", "RRULE:FREQ=MONTHLY;BYDAY=-1FR,1MO"],
      ["DTSTART:20210101T100000Z", "RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU;BYMONTHDAY=1,2,3,-1"],
      ["DTSTART:20220115T060000Z", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3,31"],
      ["DTSTART;VALUE=DATE:20210405", "RRULE:FREQ=WEEKLY;INTERVAL=3;COUNT=100"],
    ];
    const texts = rules.map(([start, rule], i) => ics(VTZ_BERLIN, vevent(`UID:ff${i}`, start, "DURATION:PT50M", rule)));
    let compared = 0;
    for (const [a, b] of [
      ["2026-12-06T23:00:00Z", "2026-12-13T23:00:00Z"],
      ["2026-03-27T00:00:00Z", "2026-04-02T00:00:00Z"],
      ["2027-10-30T00:00:00Z", "2027-11-02T00:00:00Z"],
      ["2028-02-27T00:00:00Z", "2028-03-04T00:00:00Z"],
      ["2030-11-29T00:00:00Z", "2030-12-12T00:00:00Z"],
    ]) {
      const window = { rangeStart: Date.parse(a), rangeEnd: Date.parse(b) };
      for (const text of texts) {
        const fast = busy([text], window);
        compared += fast.length;
        expect(fast).toEqual(busy([text], { ...window, fastForward: false }));
      }
    }
    expect(compared).toBeGreaterThan(50); // the windows really contain instances
  }, 30_000); // the reference path iterates from DTSTART on purpose: slow on a loaded machine
});

describe("extractBusy: all-day and floating times", () => {
  it("all-day events block whole days in the provider's zone, DTEND exclusive", () => {
    const ev = ics(vevent("UID:ad", "DTSTART;VALUE=DATE:20261209", "DTEND;VALUE=DATE:20261211"));
    expect(busy([ev])).toEqual([iv("2026-12-08T23:00:00Z", "2026-12-10T23:00:00Z")]);
    expect(busy([ev], { zone: "America/New_York" })).toEqual([iv("2026-12-09T05:00:00Z", "2026-12-11T05:00:00Z")]);
  });

  it("all-day without DTEND is one day; DTEND equal to DTSTART is one day; DURATION:P3D is three", () => {
    expect(busy([ics(vevent("UID:a", "DTSTART;VALUE=DATE:20261209"))])).toEqual([iv("2026-12-08T23:00:00Z", "2026-12-09T23:00:00Z")]);
    expect(busy([ics(vevent("UID:b", "DTSTART;VALUE=DATE:20261209", "DTEND;VALUE=DATE:20261209"))])).toEqual([
      iv("2026-12-08T23:00:00Z", "2026-12-09T23:00:00Z"),
    ]);
    expect(busy([ics(vevent("UID:c", "DTSTART;VALUE=DATE:20261209", "DURATION:P3D"))])).toEqual([
      iv("2026-12-08T23:00:00Z", "2026-12-11T23:00:00Z"),
    ]);
  });

  it("a multi-day all-day event that began before the window is returned whole", () => {
    const ev = ics(vevent("UID:trip", "DTSTART;VALUE=DATE:20261203", "DTEND;VALUE=DATE:20261209"));
    expect(busy([ev])).toEqual([iv("2026-12-02T23:00:00Z", "2026-12-08T23:00:00Z")]);
  });

  it("all-day days follow the zone's DST (23-hour day on the spring change)", () => {
    const ev = ics(vevent("UID:dst", "DTSTART;VALUE=DATE:20260329", "DTEND;VALUE=DATE:20260330"));
    const out = busy([ev], { rangeStart: Date.parse("2026-03-28T00:00:00Z"), rangeEnd: Date.parse("2026-03-31T00:00:00Z") });
    expect(out).toEqual([iv("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")]);
  });

  it("floating times are read in the provider's zone", () => {
    const ev = ics(vevent("UID:f", "DTSTART:20261209T100000", "DTEND:20261209T113000"));
    expect(busy([ev])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:30:00Z")]);
    expect(busy([ev], { zone: "America/New_York" })).toEqual([iv("2026-12-09T15:00:00Z", "2026-12-09T16:30:00Z")]);
  });
});

describe("extractBusy: time zones", () => {
  it("uses a VTIMEZONE from the object, even for an unknown custom TZID", () => {
    const ev = ics(
      VTZ_CUSTOM,
      vevent("UID:c", "DTSTART;TZID=Customized Time Zone:20261209T100000", "DTEND;TZID=Customized Time Zone:20261209T110000"),
    );
    const { busy: out, warnings } = busyWithWarnings([ev]);
    expect(out).toEqual([iv("2026-12-09T07:00:00Z", "2026-12-09T08:00:00Z")]);
    expect(warnings).toEqual([]);
  });

  it("a known IANA TZID uses the tz database, not a VTIMEZONE of the same name that says otherwise", () => {
    const odd = VTZ_CUSTOM.replace("TZID:Customized Time Zone", "TZID:Europe/Berlin");
    const ev = ics(odd, vevent("UID:o", "DTSTART;TZID=Europe/Berlin:20261209T100000", "DTEND;TZID=Europe/Berlin:20261209T110000"));
    expect(busy([ev])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
  });

  it("a VTIMEZONE in one object does not leak into another object", () => {
    const withTz = ics(VTZ_CUSTOM, vevent("UID:a", "DTSTART;TZID=Customized Time Zone:20261209T100000", "DURATION:PT1H"));
    const withoutTz = ics(vevent("UID:b", "DTSTART;TZID=Customized Time Zone:20261210T100000", "DURATION:PT1H"));
    const { busy: out, warnings } = busyWithWarnings([withTz, withoutTz]);
    expect(out).toEqual([iv("2026-12-09T07:00:00Z", "2026-12-09T08:00:00Z"), iv("2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });

  it("an IANA TZID without VTIMEZONE is resolved with luxon", () => {
    const ev = ics(vevent("UID:ny", "DTSTART;TZID=America/New_York:20261209T100000", "DTEND;TZID=America/New_York:20261209T110000"));
    expect(busy([ev])).toEqual([iv("2026-12-09T15:00:00Z", "2026-12-09T16:00:00Z")]);
  });

  it.each([
    ["W. Europe Standard Time", "2026-12-09T09:00:00Z"],
    ["Arabian Standard Time", "2026-12-09T06:00:00Z"],
    ["Pacific Standard Time", "2026-12-09T18:00:00Z"],
    ["GMT Standard Time", "2026-12-09T10:00:00Z"],
    ["india standard time", "2026-12-09T04:30:00Z"],
    ["(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "2026-12-09T09:00:00Z"],
    ["/mozilla.org/20050126_1/Asia/Tokyo", "2026-12-09T01:00:00Z"],
  ])("maps the TZID %s without VTIMEZONE", (tzid, start) => {
    const ev = ics(vevent("UID:w", `DTSTART;TZID="${tzid}":20261209T100000`, "DURATION:PT1H"));
    const { busy: out, warnings } = busyWithWarnings([ev]);
    expect(out).toEqual([{ start: Date.parse(start), end: Date.parse(start) + 3_600_000 }]);
    expect(warnings).toEqual([]);
  });

  it("an unknown TZID is warned about once and read in the provider's zone, never dropped", () => {
    const ev = ics(
      vevent("UID:u1", "DTSTART;TZID=Mars/Olympus_Mons:20261209T100000", "DTEND;TZID=Mars/Olympus_Mons:20261209T110000"),
      vevent("UID:u2", "DTSTART;TZID=Mars/Olympus_Mons:20261210T100000", "DTEND;TZID=Mars/Olympus_Mons:20261210T110000"),
    );
    const { busy: out, warnings } = busyWithWarnings([ev]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z"), iv("2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Mars/Olympus_Mons");
  });

  it("every Windows zone maps to an IANA zone luxon understands", () => {
    const zones = listWindowsZones();
    expect(zones.length).toBeGreaterThan(130);
    for (const [win, iana] of zones) {
      expect(IANAZone.isValidZone(iana), `${win} -> ${iana}`).toBe(true);
      expect(windowsZoneToIana(win)).toBe(iana);
    }
    expect(windowsZoneToIana("Not A Zone")).toBeUndefined();
  });
});

describe("extractBusy: lengths", () => {
  it("DURATION instead of DTEND", () => {
    expect(busy([ics(vevent("UID:d", "DTSTART:20261209T090000Z", "DURATION:PT90M"))])).toEqual([
      iv("2026-12-09T09:00:00Z", "2026-12-09T10:30:00Z"),
    ]);
  });

  it("DURATION days are nominal (P1D across the spring DST change ends at the same local time)", () => {
    const ev = ics(vevent("UID:n", "DTSTART;TZID=Europe/Berlin:20260328T120000", "DURATION:P1D"));
    const out = busy([ev], { rangeStart: Date.parse("2026-03-27T00:00:00Z"), rangeEnd: Date.parse("2026-03-31T00:00:00Z") });
    expect(out).toEqual([iv("2026-03-28T11:00:00Z", "2026-03-29T10:00:00Z")]);
  });

  it("DATE-TIME without DTEND or DURATION is an instant and blocks nothing", () => {
    expect(busy([ics(vevent("UID:i", "DTSTART:20261209T090000Z"))])).toEqual([]);
    expect(busy([ics(vevent("UID:i", "DTSTART:20261209T090000Z", "DTEND:20261209T090000Z"))])).toEqual([]);
  });

  it("DTEND before DTSTART is swapped (erring busy) and reported", () => {
    const { busy: out, warnings } = busyWithWarnings([ics(vevent("UID:neg", "DTSTART:20261209T100000Z", "DTEND:20261209T090000Z"))]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });
});

describe("extractBusy: unreadable data throws (a failed calendar must not look free)", () => {
  const good = ics(vevent("UID:g", "DTSTART:20261209T090000Z", "DTEND:20261209T100000Z"));

  it("throws for text that is not iCalendar, even next to good objects", () => {
    expect(() => busy([good, "<html>Service unavailable</html>"])).toThrow(/#2 could not be read/);
    expect(() => busy([""])).toThrow();
    expect(() => busy(["BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR"])).toThrow();
  });

  it("throws for an event without DTSTART or with a broken date", () => {
    expect(() => busy([ics(vevent("UID:n", "DTEND:20261209T100000Z"))])).toThrow(/no DTSTART/);
    expect(() => busy([ics(vevent("UID:b", "DTSTART:2026-12-09", "DTEND:20261209T100000Z"))])).toThrow();
  });

  it("an unreadable event far outside the window still fails the calendar (skipping far events never hides one)", () => {
    expect(() => busy([ics(vevent("UID:far", "DTSTART:20190101T100000Z", "DTEND:2019-01-01"))])).toThrow(CalendarDataError);
    expect(busy([ics(vevent("UID:far", "DTSTART:20190101T100000Z", "DTEND:20190101T110000Z"))])).toEqual([]);
  });

  it("throws quickly instead of hanging on a rule ical.js cannot finish", () => {
    const t0 = Date.now();
    expect(() =>
      busy([ics(vevent("UID:h", "DTSTART:20261209T100000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"))]),
    ).toThrow(/too expensive/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("rejects a zone that is not IANA", () => {
    expect(() => busy([good], { zone: "Berlin" })).toThrow(/IANA/);
  });
});

describe("extractBusy: speed", () => {
  it("handles hundreds of events, many long-running series, quickly", () => {
    const texts: string[] = [];
    const zones = ["Europe/Berlin", "America/New_York", "W. Europe Standard Time", "Asia/Dubai"];
    for (let i = 0; i < 150; i++) {
      const hour = String(6 + (i % 12)).padStart(2, "0");
      texts.push(
        ics(
          VTZ_BERLIN,
          vevent(
            `UID:s${i}`,
            `DTSTART;TZID=${zones[i % zones.length]}:${2016 + (i % 10)}0${1 + (i % 9)}1${i % 10}T${hour}0000`,
            "DURATION:PT45M",
            i % 3 === 0 ? "RRULE:FREQ=DAILY" : i % 3 === 1 ? "RRULE:FREQ=WEEKLY;BYDAY=MO,TH" : "RRULE:FREQ=MONTHLY;BYDAY=2TU",
            "EXDATE;TZID=Europe/Berlin:20261208T100000",
          ),
        ),
      );
    }
    for (let i = 0; i < 250; i++) {
      const day = 7 + (i % 7);
      texts.push(
        ics(vevent(`UID:o${i}`, `DTSTART:202612${String(day).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}1500Z`, "DURATION:PT30M")),
      );
    }
    const t0 = performance.now();
    const out = busy(texts);
    const ms = performance.now() - t0;
    expect(out.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1500);
  });
});

describe("extractBusy: real-world calendars (issue 10)", () => {
  const W = REAL_WORLD;

  it("date without VALUE=DATE (DTSTART:20261209) is an all-day date", () => {
    const { busy: out, warnings } = busyWithWarnings([W.dateWithoutValue]);
    expect(out).toEqual([iv("2026-12-08T23:00:00Z", "2026-12-09T23:00:00Z")]);
    expect(warnings).toEqual([]);
  });

  it("DATE-like RECURRENCE-ID without VALUE=DATE overrides the all-day instance", () => {
    expect(busy([W.dateLikeRecurrenceId])).toEqual([iv("2026-12-09T23:00:00Z", "2026-12-10T23:00:00Z")]);
  });

  it("empty RRULE: the single occurrence plus a warning", () => {
    const { busy: out, warnings } = busyWithWarnings([W.emptyRrule]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Dentist");
  });

  it("invalid RRULE (unknown FREQ): the single occurrence plus a warning", () => {
    const { busy: out, warnings } = busyWithWarnings([W.invalidRrule]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });

  it("COUNT=-1 (Confluence): the single occurrence plus a warning, not nothing", () => {
    const { busy: out, warnings } = busyWithWarnings([W.countMinusOne]);
    expect(out).toEqual([iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });

  it("COUNT=0: the single occurrence plus a warning, not an unbounded series", () => {
    const { busy: out, warnings } = busyWithWarnings([W.countZero]);
    expect(out).toEqual([iv("2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });

  it("a misspelt RRULE part (UNTL=) is a warning and the rule is bounded by the window", () => {
    const { busy: out, warnings } = busyWithWarnings([W.misspeltUntil]);
    expect(out).toEqual([
      iv("2026-12-11T09:00:00Z", "2026-12-11T10:00:00Z"),
      iv("2026-12-12T09:00:00Z", "2026-12-12T10:00:00Z"),
      iv("2026-12-13T09:00:00Z", "2026-12-13T10:00:00Z"),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("UNTL");
  });

  it("DTEND before DTSTART (SabreDAV) is swapped with a warning", () => {
    const { busy: out, warnings } = busyWithWarnings([W.endBeforeStart]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T11:00:00Z")]);
    expect(warnings).toHaveLength(1);
  });

  it("several revisions of one UID: the newest SEQUENCE wins, with its own overrides and exclusions", () => {
    expect(busy([W.revisions])).toEqual([iv("2026-12-08T15:00:00Z", "2026-12-08T16:00:00Z")]);
    // The newest revision's EXDATE on Dec 15 holds; the old revision's Tuesday 10:00 does not come back.
    const twoWeeks = { rangeEnd: WEEK_END + 7 * 86_400_000 };
    expect(busy([W.revisions], twoWeeks)).toEqual([iv("2026-12-08T15:00:00Z", "2026-12-08T16:00:00Z")]);
    // Positive control: the older revision alone is read as it is.
    const oldOnly = W.revisions.replace(/BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nUID:rev\r\nSEQUENCE:3[\s\S]*?END:VEVENT\r\n/g, "");
    expect(busy([oldOnly])).toEqual([iv("2026-12-10T07:00:00Z", "2026-12-10T08:00:00Z")]);
  });

  it("several revisions of a single event: only the newest SEQUENCE blocks", () => {
    expect(busy([W.singleRevisions])).toEqual([iv("2026-12-10T12:00:00Z", "2026-12-10T13:00:00Z")]);
  });

  it("RECURRENCE-ID;RANGE=THISANDFUTURE shifts every later instance by the change in start and length", () => {
    expect(busy([W.thisAndFuture])).toEqual([iv("2026-12-08T13:00:00Z", "2026-12-08T15:00:00Z")]);
    // Earlier instances keep the old time.
    const nov = busy([W.thisAndFuture], { rangeStart: Date.parse("2026-11-23T23:00:00Z"), rangeEnd: Date.parse("2026-11-30T23:00:00Z") });
    expect(nov).toEqual([iv("2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z")]);
  });

  it("floating times in a feed with X-WR-TIMEZONE are read in that zone", () => {
    expect(busy([W.xWrTimezone])).toEqual([iv("2026-12-09T15:00:00Z", "2026-12-09T16:00:00Z")]);
  });

  it("custom VTIMEZONE with RDATEs: every observance's own DTSTART counts", () => {
    const { busy: out, warnings } = busyWithWarnings([W.vtimezoneRdate]);
    expect(out).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
    expect(warnings).toEqual([]);
    // Positive control in summer: +02:00.
    const summer = W.vtimezoneRdate.replace(/20261209T1/g, "20260708T1");
    expect(busy([summer], { rangeStart: Date.parse("2026-07-06T00:00:00Z"), rangeEnd: Date.parse("2026-07-13T00:00:00Z") })).toEqual([
      iv("2026-07-08T08:00:00Z", "2026-07-08T09:00:00Z"),
    ]);
  });

  it("custom VTIMEZONE with yearly RRULE observances (Outlook style, from 1601) agrees with the tz database", () => {
    const outlook = [
      "BEGIN:VTIMEZONE",
      "TZID:W. Europe Standard Time",
      "BEGIN:STANDARD",
      "DTSTART:16010101T030000",
      "TZOFFSETFROM:+0200",
      "TZOFFSETTO:+0100",
      "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
      "END:STANDARD",
      "BEGIN:DAYLIGHT",
      "DTSTART:16010101T020000",
      "TZOFFSETFROM:+0100",
      "TZOFFSETTO:+0200",
      "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
      "END:DAYLIGHT",
      "END:VTIMEZONE",
    ].join("\r\n");
    const year = { rangeStart: Date.parse("2019-01-01T00:00:00Z"), rangeEnd: Date.parse("2027-01-01T00:00:00Z") };
    for (const local of [
      "20190330T120000",
      "20190331T120000",
      "20261024T120000",
      "20261025T120000",
      "20261209T100000",
      "20230326T030000",
    ]) {
      const custom = ics(outlook, vevent("UID:o", `DTSTART;TZID=W. Europe Standard Time:${local}`, "DURATION:PT1H"));
      const iana = ics(vevent("UID:i", `DTSTART;TZID=Europe/Berlin:${local}`, "DURATION:PT1H"));
      expect(busy([custom], year), local).toEqual(busy([iana], year));
    }
  });

  it("custom VTIMEZONE whose first transition is later than the event: the first observance's TZOFFSETFROM", () => {
    expect(busy([W.vtimezoneLateStart])).toEqual([iv("2026-12-09T06:00:00Z", "2026-12-09T07:00:00Z")]);
  });

  it("a VTIMEZONE truncated by Outlook/Google with a real IANA TZID loses to the tz database", () => {
    expect(busy([W.truncatedIana])).toEqual([iv("2026-12-09T09:00:00Z", "2026-12-09T10:00:00Z")]);
  });

  it("an invitation declined by any of the owner's addresses is free", () => {
    const owner = { ownerEmails: ["trainer@gmail.com", "mailto:trainer.alias@icloud.com"] };
    expect(busy([W.declinedAlias], owner)).toEqual([]);
    expect(busy([W.declinedAlias], { ownerEmails: ["trainer@gmail.com"] })).toEqual([iv("2026-12-10T09:00:00Z", "2026-12-10T10:00:00Z")]);
  });

  it("a broken event still fails the calendar, and the error names its SUMMARY and UID", () => {
    const broken = ics(vevent("UID:broken-1", "SUMMARY:Lunch with Sam", "DTSTART:2026-12-09", "DTEND:20261209T100000Z"));
    let caught: unknown;
    try {
      busy([broken]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CalendarDataError);
    expect((caught as CalendarDataError).eventUid).toBe("broken-1");
    expect((caught as CalendarDataError).eventSummary).toBe("Lunch with Sam");
  });
});
