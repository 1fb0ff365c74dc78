/** iCalendar pieces shared by the unit, CalDAV and benchmark fixtures. */
export const VTZ_BERLIN = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Berlin",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "DTSTART:19810329T020000",
  "TZNAME:CEST",
  "TZOFFSETTO:+0200",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "DTSTART:19961027T030000",
  "TZNAME:CET",
  "TZOFFSETTO:+0100",
  "END:STANDARD",
  "END:VTIMEZONE",
];

/** Outlook-style custom zone: fixed +03:00, a name no library knows. */
export const VTZ_CUSTOM = [
  "BEGIN:VTIMEZONE",
  "TZID:Customized Time Zone",
  "BEGIN:STANDARD",
  "DTSTART:16010101T000000",
  "TZOFFSETFROM:+0300",
  "TZOFFSETTO:+0300",
  "END:STANDARD",
  "END:VTIMEZONE",
];

/*
 * Real-world classes (issue 10), each written for this project, one minimal object per class.
 * All of them put their busy time in the week of Monday 2026-12-07 (Berlin, UTC+1).
 */

const cal = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//slotline//fixtures//EN", ...lines, "END:VCALENDAR", ""].join("\r\n");
const ev = (...lines: string[]) => ["BEGIN:VEVENT", "DTSTAMP:20260101T000000Z", ...lines, "END:VEVENT"].join("\r\n");

export const REAL_WORLD = {
  /** A public-holiday feed writes plain dates without VALUE=DATE: Wed 9 all day. */
  dateWithoutValue: cal(ev("UID:holiday-1", "SUMMARY:Founders' Day", "DTSTART:20261209", "DTEND:20261210")),
  /** A DATE-like RECURRENCE-ID without VALUE=DATE moves the Monday of a weekly all-day series to Thu 10. */
  dateLikeRecurrenceId: cal(
    ev("UID:weekly-allday", "SUMMARY:Market day", "DTSTART;VALUE=DATE:20260105", "RRULE:FREQ=WEEKLY;BYDAY=MO"),
    ev("UID:weekly-allday", "SUMMARY:Market day (moved)", "RECURRENCE-ID:20261207", "DTSTART:20261210", "DTEND:20261211"),
  ),
  /** An empty RRULE line: the event itself (Wed 9 09:00-10:00Z) and a warning. */
  emptyRrule: cal(ev("UID:empty-rule", "SUMMARY:Dentist", "DTSTART:20261209T090000Z", "DTEND:20261209T100000Z", "RRULE:")),
  /** A frequency no reader knows: the event itself (Wed 9 09:00-10:00Z) and a warning. */
  invalidRrule: cal(
    ev("UID:bad-rule", "SUMMARY:Yoga", "DTSTART:20261209T090000Z", "DTEND:20261209T100000Z", "RRULE:FREQ=FORTNIGHTLY;COUNT=3"),
  ),
  /** Confluence writes COUNT=-1: the event itself (Tue 8 09:00-10:00Z), not nothing. */
  countMinusOne: cal(
    ev("UID:confluence-1", "SUMMARY:Team leave", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z", "RRULE:FREQ=DAILY;COUNT=-1"),
  ),
  /** COUNT=0: the event itself (Tue 8 09:00-10:00Z), not an endless daily series. */
  countZero: cal(ev("UID:count-zero", "SUMMARY:Standup", "DTSTART:20261208T090000Z", "DTEND:20261208T100000Z", "RRULE:FREQ=DAILY;COUNT=0")),
  /** A misspelt UNTIL (UNTL=): daily 09:00-10:00Z from Fri 11, bounded by the window, with a warning. */
  misspeltUntil: cal(
    ev("UID:untl", "SUMMARY:Course", "DTSTART:20261211T090000Z", "DTEND:20261211T100000Z", "RRULE:FREQ=DAILY;UNTL=20261212T000000Z"),
  ),
  /** SabreDAV stored DTEND before DTSTART: Wed 9 09:00-11:00Z once swapped. */
  endBeforeStart: cal(ev("UID:sabre-1", "SUMMARY:Backwards", "DTSTART:20261209T110000Z", "DTEND:20261209T090000Z")),
  /**
   * Two revisions of one weekly series in one object (Tuesdays): SEQUENCE 1 at 10:00 Berlin,
   * SEQUENCE 3 at 15:00 Berlin with an EXDATE on Dec 15 and its own override moving Dec 8 to
   * 16:00-17:00. Only the newest counts: Tue 8 15:00-16:00Z.
   */
  revisions: cal(
    ev(
      "UID:rev",
      "SEQUENCE:1",
      "SUMMARY:Old",
      "DTSTART;TZID=Europe/Berlin:20260106T100000",
      "DTEND;TZID=Europe/Berlin:20260106T110000",
      "RRULE:FREQ=WEEKLY;BYDAY=TU",
    ),
    ev(
      "UID:rev",
      "SEQUENCE:1",
      "SUMMARY:Old moved",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000",
      "DTSTART;TZID=Europe/Berlin:20261210T080000",
      "DTEND;TZID=Europe/Berlin:20261210T090000",
    ),
    ev(
      "UID:rev",
      "SEQUENCE:3",
      "SUMMARY:New",
      "DTSTART;TZID=Europe/Berlin:20260106T150000",
      "DTEND;TZID=Europe/Berlin:20260106T160000",
      "RRULE:FREQ=WEEKLY;BYDAY=TU",
      "EXDATE;TZID=Europe/Berlin:20261215T150000",
    ),
    ev(
      "UID:rev",
      "SEQUENCE:3",
      "SUMMARY:New moved",
      "RECURRENCE-ID;TZID=Europe/Berlin:20261208T150000",
      "DTSTART;TZID=Europe/Berlin:20261208T160000",
      "DTEND;TZID=Europe/Berlin:20261208T170000",
    ),
  ),
  /** Two revisions of a single event: SEQUENCE 0 on Mon 7 09:00Z, SEQUENCE 2 on Thu 10 12:00Z (wins). */
  singleRevisions: cal(
    ev("UID:once", "SEQUENCE:2", "DTSTART:20261210T120000Z", "DTEND:20261210T130000Z"),
    ev("UID:once", "SEQUENCE:0", "DTSTART:20261207T090000Z", "DTEND:20261207T100000Z"),
  ),
  /**
   * A weekly Tuesday series (10:00-11:00 Berlin) changed from Dec 1 on to 14:00-16:00 with
   * RANGE=THISANDFUTURE: Tue 8 is 13:00-15:00Z.
   */
  thisAndFuture: cal(
    ev(
      "UID:taf",
      "SUMMARY:Class",
      "DTSTART;TZID=Europe/Berlin:20260106T100000",
      "DTEND;TZID=Europe/Berlin:20260106T110000",
      "RRULE:FREQ=WEEKLY;BYDAY=TU",
    ),
    ev(
      "UID:taf",
      "SUMMARY:Class (new time)",
      "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20261201T100000",
      "DTSTART;TZID=Europe/Berlin:20261201T140000",
      "DTEND;TZID=Europe/Berlin:20261201T160000",
    ),
  ),
  /** Google's export: floating times and X-WR-TIMEZONE: Wed 9 10:00 New York = 15:00Z. */
  xWrTimezone: cal(
    "X-WR-CALNAME:Exported",
    "X-WR-TIMEZONE:America/New_York",
    ev("UID:google-float", "SUMMARY:Call", "DTSTART:20261209T100000", "DTEND:20261209T110000"),
  ),
  /**
   * A custom zone written with RDATEs (no RRULE): +02:00 from 2026-03-29, +01:00 from each
   * observance's own DTSTART 2026-10-25 (RDATE only lists the next year's change). Wed 9 10:00 local
   * = 09:00Z.
   */
  vtimezoneRdate: cal(
    "BEGIN:VTIMEZONE",
    "TZID:Slotline RDATE Zone",
    "BEGIN:DAYLIGHT",
    "DTSTART:20260329T020000",
    "RDATE:20270328T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART:20261025T030000",
    "RDATE:20271031T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "END:STANDARD",
    "END:VTIMEZONE",
    ev("UID:rdate-zone", "DTSTART;TZID=Slotline RDATE Zone:20261209T100000", "DTEND;TZID=Slotline RDATE Zone:20261209T110000"),
  ),
  /**
   * A custom zone whose only transition is in 2027; before it, its TZOFFSETFROM (+04:00) holds.
   * Wed 9 10:00 local = 06:00Z.
   */
  vtimezoneLateStart: cal(
    "BEGIN:VTIMEZONE",
    "TZID:Slotline Gulf",
    "BEGIN:STANDARD",
    "DTSTART:20270601T000000",
    "TZOFFSETFROM:+0400",
    "TZOFFSETTO:+0300",
    "END:STANDARD",
    "END:VTIMEZONE",
    ev("UID:late-zone", "DTSTART;TZID=Slotline Gulf:20261209T100000", "DTEND;TZID=Slotline Gulf:20261209T110000"),
  ),
  /**
   * Outlook/Google truncated the VTIMEZONE of a real IANA zone to rules from 2027 on; the tz database
   * knows better: Wed 9 10:00 Berlin = 09:00Z.
   */
  truncatedIana: cal(
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "DTSTART:20270328T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0200",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "DTSTART:20271031T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "END:STANDARD",
    "END:VTIMEZONE",
    ev("UID:truncated", "DTSTART;TZID=Europe/Berlin:20261209T100000", "DTEND;TZID=Europe/Berlin:20261209T110000"),
  ),
  /** Invitation sent to an alias (an @icloud.com address of an Apple ID that is a Gmail address), declined. */
  declinedAlias: cal(
    ev(
      "UID:alias-declined",
      "SUMMARY:Offsite",
      "DTSTART:20261210T090000Z",
      "DTEND:20261210T100000Z",
      "ORGANIZER:mailto:boss@example.com",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:Trainer.Alias@icloud.com",
    ),
  ),
} as const;
