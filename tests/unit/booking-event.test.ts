import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { bookingEventIcs } from "~/modules/calendar/booking-event";
import { extractBusy } from "~/modules/calendar/ical-busy";

const make = (zone: string, iso: string) => {
  const start = DateTime.fromISO(iso, { zone }).toMillis();
  return {
    start,
    ics: bookingEventIcs({
      uid: "b-1@slotline",
      startMs: start,
      endMs: start + 3_600_000,
      zone,
      reference: "K7Q2",
      stampMs: Date.UTC(2026, 10, 1),
    }),
  };
};

describe("bookingEventIcs", () => {
  for (const [zone, iso] of [
    ["Asia/Dubai", "2026-12-08T10:00"],
    ["Europe/Berlin", "2026-03-29T10:00"], // the day clocks go forward
    ["Europe/Berlin", "2026-10-25T10:00"], // the day clocks go back
    ["America/New_York", "2026-07-01T09:30"],
    ["Australia/Lord_Howe", "2026-04-05T09:00"], // a 30-minute DST change
  ] as const) {
    it(`${zone} ${iso}: a VEVENT with TZID and a VTIMEZONE that reads back as the same instant`, () => {
      const { start, ics } = make(zone, iso);
      expect(ics).toContain("UID:b-1@slotline");
      expect(ics).toContain("DTSTAMP:20261101T000000Z");
      expect(ics).toContain(`DTSTART;TZID=${zone}:${iso.replace(/[-:]/g, "")}00`);
      expect(ics).toContain("SUMMARY:Session · K7Q2");
      if (zone === "Australia/Lord_Howe") expect(ics).toContain("TZOFFSETTO:+1030");
      expect(ics).toContain(`BEGIN:VTIMEZONE\r\nTZID:${zone}`);
      // Read back by the same extraction the busy times use: the stored event blocks exactly that hour.
      const busy = extractBusy([ics], { rangeStart: start - 86_400_000, rangeEnd: start + 86_400_000, zone: "UTC" });
      expect(busy).toEqual([{ start, end: start + 3_600_000 }]);
    });
  }
});
