/**
 * The iCalendar object for a confirmed booking: one VEVENT (UID, DTSTAMP, DTSTART/DTEND with the
 * provider's TZID, SUMMARY "Session · K7Q2") plus the VTIMEZONE that TZID needs (RFC 5545 3.6.5:
 * every TZID used must be defined in the object). Serialised by ical.js (escaping, line folding).
 * Pure: runs in the browser too.
 */
import ICAL from "ical.js";
import { DateTime, IANAZone } from "luxon";

export type BookingEventInput = {
  uid: string;
  startMs: number;
  endMs: number;
  zone: string;
  reference: string;
  /** DTSTAMP: when the object was made. */
  stampMs: number;
  summary?: string;
  description?: string;
};

const MINUTE = 60_000;
const DAY = 86_400_000;

export function bookingSummary(reference: string): string {
  return `Session · ${reference}`;
}

function wall(ms: number, offsetMinutes: number) {
  // The wall-clock time at `ms` in a zone whose offset is `offsetMinutes`.
  const d = DateTime.fromMillis(ms + offsetMinutes * MINUTE, { zone: "utc" });
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: 0, isDate: false };
}

/** Offset changes of `zone` in [from, to): exact to the minute (found by scanning days, then bisecting). */
function transitions(zone: IANAZone, from: number, to: number): { at: number; before: number; after: number }[] {
  const out: { at: number; before: number; after: number }[] = [];
  for (let t = from; t < to; t += DAY) {
    const a = zone.offset(t);
    const b = zone.offset(t + DAY);
    if (a === b) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (zone.offset(mid) === a) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, before: a, after: zone.offset(hi) });
  }
  return out;
}

/**
 * A VTIMEZONE for `zone` valid around the event: its offset a year either side, with each change
 * as an observance. Exact for those dates (taken from the platform's tz database via luxon) rather
 * than a guessed yearly RRULE.
 */
export function vtimezone(zone: string, aroundMs: number): InstanceType<typeof ICAL.Component> {
  const iana = IANAZone.create(zone);
  if (!iana.isValid) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const from = aroundMs - 366 * DAY;
  const to = aroundMs + 366 * DAY;
  const tz = new ICAL.Component("vtimezone");
  tz.addPropertyWithValue("tzid", zone);
  const observance = (kind: "standard" | "daylight", at: number, before: number, after: number) => {
    const c = new ICAL.Component(kind);
    // DTSTART of an observance is the local time in the offset in force before it (TZOFFSETFROM).
    c.addPropertyWithValue("dtstart", ICAL.Time.fromData(wall(at, before)));
    // fromSeconds: ical.js's fromString wants "+10:30" and misreads "+1030".
    c.addPropertyWithValue("tzoffsetfrom", ICAL.UtcOffset.fromSeconds(before * 60));
    c.addPropertyWithValue("tzoffsetto", ICAL.UtcOffset.fromSeconds(after * 60));
    const name = iana.offsetName(at, { format: "short", locale: "en-GB" });
    if (name) c.addPropertyWithValue("tzname", name);
    tz.addSubcomponent(c);
  };
  const changes = transitions(iana, from, to);
  const first = iana.offset(from);
  const isDst = (at: number) => DateTime.fromMillis(at, { zone }).isInDST;
  observance(isDst(from) ? "daylight" : "standard", from, first, first);
  for (const c of changes) observance(isDst(c.at) ? "daylight" : "standard", c.at, c.before, c.after);
  return tz;
}

function localTime(ms: number, zone: string) {
  const d = DateTime.fromMillis(ms, { zone });
  return ICAL.Time.fromData({ year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second, isDate: false });
}

export function bookingEventIcs(input: BookingEventInput): string {
  const cal = new ICAL.Component("vcalendar");
  cal.addPropertyWithValue("prodid", "-//Slotline//Bookings//EN");
  cal.addPropertyWithValue("version", "2.0");
  cal.addPropertyWithValue("calscale", "GREGORIAN");
  cal.addSubcomponent(vtimezone(input.zone, input.startMs));
  const ev = new ICAL.Component("vevent");
  ev.addPropertyWithValue("uid", input.uid);
  ev.addPropertyWithValue("dtstamp", ICAL.Time.fromJSDate(new Date(input.stampMs), true));
  ev.addPropertyWithValue("dtstart", localTime(input.startMs, input.zone)).setParameter("tzid", input.zone);
  ev.addPropertyWithValue("dtend", localTime(input.endMs, input.zone)).setParameter("tzid", input.zone);
  ev.addPropertyWithValue("summary", input.summary ?? bookingSummary(input.reference));
  if (input.description) ev.addPropertyWithValue("description", input.description);
  ev.addPropertyWithValue("status", "CONFIRMED");
  ev.addPropertyWithValue("transp", "OPAQUE");
  cal.addSubcomponent(ev);
  return cal.toString() + "\r\n";
}
