/**
 * Busy time from raw iCalendar objects (what a CalDAV calendar-query or an ICS feed returns).
 *
 * Pure: no I/O and no Node-only APIs, so it can run anywhere (server, worker,
 * tests). Parsing is ical.js; time zone arithmetic is luxon (IANA) or our own
 * VTIMEZONE evaluator (vtimezone.ts semantics below; ical.js gets two cases wrong).
 *
 * Decisions (each one chosen so that a calendar never looks freer than it is):
 * - Recurrences are always expanded here, never trusted to the server: an
 *   object may hold a master (RRULE/RDATE/EXDATE) plus RECURRENCE-ID
 *   overrides, only overrides (e.g. an invitation to one instance), or
 *   already-expanded instances; all are handled the same way.
 * - Infinite rules are bounded by rangeEnd. Long-running DAILY/WEEKLY/HOURLY
 *   series are fast-forwarded to the window instead of being iterated from a
 *   DTSTART years back (ical.js costs ~10 us per step).
 * - Skipped (not busy): TRANSP:TRANSPARENT, STATUS:CANCELLED (series or one
 *   override), and events where an ATTENDEE matching ownerEmails (every
 *   address the server lists for the owner) has PARTSTAT=DECLINED. Everything
 *   else blocks, including tentative and not-yet-answered invitations. Exception: with
 *   `allDayEvents: "busy"` (the default) an all-day event blocks even when marked TRANSPARENT,
 *   because iPhone and Mac create every all-day event as "free".
 * - All-day events (DATE values, also DATE-like values written without
 *   VALUE=DATE, as holiday feeds do; DTEND exclusive; no DTEND = one day; DTEND
 *   not after DTSTART = one day) block whole days from midnight to midnight in
 *   the provider's zone.
 * - DATE-TIME with neither DTEND nor DURATION is an instant (RFC 5545
 *   3.6.1) and blocks nothing; so does a negative DURATION (warned). DTEND
 *   before DTSTART (SabreDAV writes it) is read swapped, with a warning: erring
 *   busy. An override without DTEND/DURATION inherits the duration of its master.
 * - DURATION is nominal for days/weeks (wall clock, so P1D across a DST change
 *   still ends at the same local time) and exact for the time part; a DTEND
 *   gives every instance the same exact length (RFC 5545 3.8.5.3).
 * - Repeat rules that cannot be used are the single occurrence plus a warning:
 *   an empty or unreadable RRULE, COUNT <= 0 (Confluence writes COUNT=-1). An
 *   unknown part (UNTL=) is a warning; the rule is read without it and, like
 *   every rule, bounded by the window.
 * - Several revisions of one UID in one object: the newest SEQUENCE wins, with
 *   the overrides of that revision (an override belongs to the newest master
 *   whose SEQUENCE is not above its own). Equal SEQUENCEs all count (erring busy).
 * - RECURRENCE-ID;RANGE=THISANDFUTURE (RFC 5545 3.2.13) shifts every later
 *   instance by the override's change in start and gives it the override's
 *   length and busy state.
 * - Zones: floating times are read in the calendar's X-WR-TIMEZONE when it names
 *   a zone (Google's export), else in `zone`. A TZID is resolved, in order, as
 *   an IANA name (the tz database: a VTIMEZONE that Outlook or Google truncated
 *   to recent years must not override it), via the VTIMEZONE in the same object
 *   (evaluated here, per object, so one provider's custom zone cannot leak into
 *   another's calendar), a Windows zone name (windows-zones.ts), an IANA name at
 *   the end of a prefixed ID ("/mozilla.org/20050126_1/Europe/Berlin"); anything
 *   else is reported via onWarning and read as floating, never dropped.
 * - An object that cannot be read (not iCalendar, broken syntax, an event
 *   without a usable DTSTART, a rule that cannot be expanded within budget)
 *   makes extractBusy THROW a CalendarDataError naming the event (UID, SUMMARY)
 *   where it is known. The caller must treat the whole calendar as failed:
 *   skipping the object would make its time look free.
 * - The result is sorted and overlapping/touching intervals are merged; only
 *   intervals overlapping [rangeStart, rangeEnd) are returned (not clipped).
 */
import ICAL from "ical.js";
import { IANAZone } from "luxon";
import { windowsZoneToIana } from "./windows-zones";

export type BusyInterval = { start: number; end: number }; // epoch ms, half-open

export type ExtractBusyOptions = {
  rangeStart: number;
  rangeEnd: number;
  /** IANA zone of the provider: used for all-day events, and for floating times when the calendar names no zone. */
  zone: string;
  /** The calendar owner's addresses; their PARTSTAT=DECLINED makes an event free. */
  ownerEmails?: string[];
  /** Data that was read with a best guess (the message names the event); nothing was dropped. */
  onWarning?: (msg: string) => void;
  /** "busy" (default): all-day events block even when marked free; "as-marked": TRANSP decides. */
  allDayEvents?: "busy" | "as-marked";
};

/** An object that cannot be read; the calendar it came from must fail closed. */
export class CalendarDataError extends Error {
  eventUid?: string;
  eventSummary?: string;
  constructor(message: string, event: { uid?: string; summary?: string } = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CalendarDataError";
    if (event.uid) this.eventUid = event.uid;
    if (event.summary) this.eventSummary = event.summary;
  }
}

type ICalTime = InstanceType<typeof ICAL.Time>;
type ICalComponent = InstanceType<typeof ICAL.Component>;
type ICalProperty = InstanceType<typeof ICAL.Property>;
type ICalRecur = InstanceType<typeof ICAL.Recur>;
type ICalDuration = InstanceType<typeof ICAL.Duration>;
type ICalPeriod = InstanceType<typeof ICAL.Period>;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
/** Upper bound for ical.js iterator steps per recurring series (ical.js can loop forever on impossible rules). */
const MAX_RECUR_STEPS = 100_000;

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

type ZoneRef = { kind: "utc" } | { kind: "vtimezone"; zone: VZone } | { kind: "iana"; zone: IANAZone };

/** How long each instance of an event lasts. */
type Span =
  | { kind: "days"; days: number } // all-day
  | { kind: "exact"; ms: number } // DTEND - DTSTART (negative: DTEND before DTSTART, read swapped)
  | { kind: "nominal"; days: number; ms: number } // DURATION: days on the wall clock + exact time part
  | { kind: "none" }; // an instant: blocks nothing

type Ctx = {
  root: ICalComponent;
  providerZone: IANAZone;
  /** Floating times: the calendar's X-WR-TIMEZONE, else the provider's zone. */
  floating: ZoneRef;
  zoneCache: Map<string, ZoneRef>;
  vtimezones: Map<string, ICalComponent> | null;
  compiledZones: Map<string, VZone>;
  warn: (msg: string) => void;
  warnedZones: Set<string>;
  ownerEmails: Set<string>;
  /** iPhone and Mac create every all-day event as "free": unless the provider says otherwise, it blocks. */
  allDayAlwaysBusy: boolean;
  rangeStart: number;
  rangeEnd: number;
};

// ---------------------------------------------------------------------------
// parsing: ical.js with two leniencies real calendars need

const DATE_LIKE = /^\d{8}(?:,\d{8})*$/;
const INVALID_RULE = "x-slotline-invalid";
const DATE_OR_DATETIME_PROPS = ["dtstart", "dtend", "due", "recurrence-id", "exdate"] as const;

type DesignProperty = { defaultType: string; allowedTypes?: string[]; multiValue?: string; detectType?: (v: string) => string };
type DesignValue = { fromICAL?: (v: string) => unknown } & Record<string, unknown>;
type DesignSet = { property: Record<string, DesignProperty>; value: Record<string, DesignValue> };

/**
 * ical.js parses values eagerly and throws for a whole object when (a) a DTSTART/DTEND/
 * RECURRENCE-ID/EXDATE holds a date without VALUE=DATE ("20180110", which public holiday feeds
 * write) or (b) an RRULE has an unknown FREQ or a non-numeric COUNT. For (a) we let such values
 * be dates (as RDATE already is in ical.js's own design); for (b) the rule is kept as a marker and
 * reported per event. ical.js offers no per-call design set, so the design entries are swapped in
 * for the synchronous parse only and restored in `finally`: nothing leaks to other ical.js users.
 */
function parseLenient(text: string): unknown {
  const set = (ICAL.design as unknown as { icalendar: DesignSet }).icalendar;
  const savedProps = DATE_OR_DATETIME_PROPS.map((name) => [name, set.property[name]] as const);
  const savedRecur = set.value.recur;
  try {
    for (const [name, original] of savedProps) {
      set.property[name] = { ...original, detectType: (v: string) => (DATE_LIKE.test(v) ? "date" : "date-time") };
    }
    const originalFromICAL = savedRecur.fromICAL;
    set.value.recur = {
      ...savedRecur,
      fromICAL(v: string) {
        try {
          return originalFromICAL ? originalFromICAL.call(savedRecur, v) : v;
        } catch (err) {
          return { [INVALID_RULE]: err instanceof Error ? err.message : String(err) };
        }
      },
    };
    return ICAL.parse(text);
  } finally {
    for (const [name, original] of savedProps) set.property[name] = original;
    set.value.recur = savedRecur;
  }
}

// ---------------------------------------------------------------------------
// time helpers

function wallOf(t: ICalTime): Wall {
  return { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
}

/** The wall clock read as if it were UTC: a cheap ordering key, within +-14 h of the real instant. */
function wallMs(w: Wall): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function wallFromMs(ms: number): Wall {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

function dateNum(w: Wall): number {
  return w.year * 10_000 + w.month * 100 + w.day;
}

function addDays(w: Wall, days: number): Wall {
  return wallFromMs(Date.UTC(w.year, w.month - 1, w.day + days, w.hour, w.minute, w.second));
}

function daysBetween(a: Wall, b: Wall): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

function wallToEpoch(w: Wall, ref: ZoneRef): number {
  switch (ref.kind) {
    case "utc":
      return wallMs(w);
    case "vtimezone":
      return ref.zone.wallToEpoch(w);
    case "iana":
      return localToEpoch(wallMs(w), ianaOffset(ref.zone));
  }
}

/**
 * UTC offset (ms) of an IANA zone at an instant, from luxon (the tz database via Intl), memoised
 * per 15 minutes: every real transition falls on a quarter hour, and Intl costs ~10 us a call,
 * which dominated extraction of large objects.
 */
const offsetMemo = new WeakMap<IANAZone, (utc: number) => number>();
function ianaOffset(zone: IANAZone): (utc: number) => number {
  let fn = offsetMemo.get(zone);
  if (!fn) {
    const memo = new Map<number, number>();
    fn = (utc: number) => {
      const bucket = Math.floor(utc / 900_000);
      let o = memo.get(bucket);
      if (o === undefined) {
        o = zone.offset(bucket * 900_000) * 60_000;
        if (memo.size > 50_000) memo.clear();
        memo.set(bucket, o);
      }
      return o;
    };
    offsetMemo.set(zone, fn);
  }
  return fn;
}

/**
 * The instant of a local wall clock (as ms "if it were UTC") in a zone given by its offset
 * function. A local time in a DST gap moves forward, like calendar apps (and luxon) do; a repeated
 * one takes the earlier instant.
 */
function localToEpoch(local: number, offsetAt: (utc: number) => number): number {
  const o1 = offsetAt(local);
  const guess = local - o1;
  const o2 = offsetAt(guess);
  if (o1 === o2) return guess;
  const o3 = offsetAt(local - o2);
  if (o2 === o3) return local - o2;
  return local - Math.min(o2, o3);
}

/** Start of a calendar day in the provider's zone. */
function dayStart(w: Wall, ctx: Ctx): number {
  return localToEpoch(Date.UTC(w.year, w.month - 1, w.day), ianaOffset(ctx.providerZone));
}

// ---------------------------------------------------------------------------
// VTIMEZONE evaluation

type Observance = { start: Wall; from: number; to: number; rdates: { wall: Wall; utc: boolean }[]; rules: ICalRecur[] };

function offsetSeconds(v: unknown): number | null {
  if (!(v instanceof ICAL.UtcOffset)) return null;
  return v.factor * (v.hours * 3600 + v.minutes * 60);
}

/**
 * A custom VTIMEZONE (one whose TZID is not an IANA name), evaluated per RFC 5545 3.6.5: every
 * observance's DTSTART is a transition, plus all of its RDATEs and RRULE instances; each
 * transition's local time is in the offset before it (TZOFFSETFROM); before the first transition,
 * the first observance's TZOFFSETFROM holds.
 *
 * Not ical.js's Timezone, which (2.2.1) ignores an observance's own DTSTART when it has RDATEs,
 * reads only the first value of each RDATE and the first RRULE, and uses offset 0 before the first
 * transition it knows: busy time would land hours off.
 */
class VZone {
  private transitions: { utc: number; to: number }[] = [];
  private initial = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly observances: Observance[]) {}

  static fromComponent(comp: ICalComponent): VZone | null {
    const observances: Observance[] = [];
    for (const sub of comp.getAllSubcomponents()) {
      if (sub.name !== "standard" && sub.name !== "daylight") continue;
      const dtstart = sub.getFirstPropertyValue("dtstart");
      const from = offsetSeconds(sub.getFirstPropertyValue("tzoffsetfrom"));
      const to = offsetSeconds(sub.getFirstPropertyValue("tzoffsetto"));
      if (!(dtstart instanceof ICAL.Time) || from === null || to === null) continue;
      const start = wallOf(dtstart);
      const rdates: Observance["rdates"] = [];
      for (const prop of sub.getAllProperties("rdate")) {
        for (const v of prop.getValues()) {
          const t = v instanceof ICAL.Period ? (v as ICalPeriod).start : v;
          if (!(t instanceof ICAL.Time)) continue;
          const wall = t.isDate ? { ...wallOf(t), hour: start.hour, minute: start.minute, second: start.second } : wallOf(t);
          rdates.push({ wall, utc: !t.isDate && t.zone === ICAL.Timezone.utcTimezone });
        }
      }
      const rules: ICalRecur[] = [];
      for (const prop of sub.getAllProperties("rrule")) {
        try {
          const r = prop.getFirstValue();
          if (r instanceof ICAL.Recur && r.freq && !(typeof r.count === "number" && r.count <= 0)) rules.push(r);
        } catch {
          // An unreadable rule in a zone definition: its DTSTART and RDATEs still count.
        }
      }
      observances.push({ start, from: from * SECOND_MS, to: to * SECOND_MS, rdates, rules });
    }
    return observances.length > 0 ? new VZone(observances) : null;
  }

  private cover(year: number): void {
    if (year - 1 >= this.lo && year + 1 <= this.hi) return;
    const lo = Math.min(this.lo, year - 1);
    const hi = Math.max(this.hi, year + 1);
    const list: { utc: number; to: number; from: number }[] = [];
    for (const o of this.observances) {
      const push = (w: Wall, isUtc = false) => list.push({ utc: isUtc ? wallMs(w) : wallMs(w) - o.from, to: o.to, from: o.from });
      push(o.start);
      for (const r of o.rdates) push(r.wall, r.utc);
      for (const rule of o.rules) for (const w of ruleWalls(rule, o, lo, hi)) push(w);
    }
    list.sort((a, b) => a.utc - b.utc);
    this.initial = list[0].from;
    this.transitions = list;
    this.lo = lo;
    this.hi = hi;
  }

  offsetAt(utc: number): number {
    this.cover(new Date(utc).getUTCFullYear());
    const t = this.transitions;
    let a = 0;
    let b = t.length - 1;
    let found = -1;
    while (a <= b) {
      const m = (a + b) >> 1;
      if (t[m].utc <= utc) {
        found = m;
        a = m + 1;
      } else b = m - 1;
    }
    return found < 0 ? this.initial : t[found].to;
  }

  wallToEpoch(w: Wall): number {
    return localToEpoch(wallMs(w), (utc) => this.offsetAt(utc));
  }
}

/** Local start times of a zone observance's RRULE in the years [lo, hi] (plus the rule's last years when it ended earlier). */
function ruleWalls(rule: ICalRecur, o: Observance, lo: number, hi: number): Wall[] {
  const recur = rule.clone();
  const until = recur.until;
  recur.until = null;
  // UNTIL of a zone rule is in UTC (RFC 5545 3.6.5); compare it with the transition's UTC instant.
  const untilUtc = until ? (until.zone === ICAL.Timezone.utcTimezone ? wallMs(wallOf(until)) : wallMs(wallOf(until)) - o.from) : null;
  const untilYear = untilUtc === null ? null : new Date(untilUtc).getUTCFullYear();
  const out: Wall[] = [];
  const run = (fromYear: number, toYear: number) => {
    if (toYear < o.start.year || fromYear > toYear) return;
    let base: ICalTime;
    let discardBase = false;
    // Zone rules are YEARLY by month (BYMONTH=3;BYDAY=-1SU): start in the first year needed, not in 1601.
    if (
      recur.freq === "YEARLY" &&
      !recur.count &&
      fromYear > o.start.year &&
      hasPart(recur, "BYMONTH") &&
      !hasPart(recur, "BYWEEKNO") &&
      !hasPart(recur, "BYYEARDAY")
    ) {
      normalizeRule(recur, o.start);
      base = ICAL.Time.fromData({ year: fromYear, month: 1, day: 1, hour: o.start.hour, minute: o.start.minute, second: o.start.second });
      discardBase = true;
    } else {
      normalizeRule(recur, o.start);
      base = ICAL.Time.fromData({ ...o.start, isDate: false });
    }
    const baseMs = wallMs(wallOf(base));
    const it = recur.iterator(base);
    const budget = { steps: 0 };
    guardIterator(it, budget);
    for (;;) {
      if (++budget.steps > MAX_RECUR_STEPS) break;
      let t: ICalTime | null;
      try {
        t = it.next();
      } catch {
        break;
      }
      if (!t) break;
      const w = wallOf(t);
      if (discardBase && wallMs(w) === baseMs) continue;
      if (w.year > toYear) break;
      if (untilUtc !== null && wallMs(w) - o.from > untilUtc) break;
      if (w.year >= fromYear) out.push(w);
    }
  };
  if (untilYear !== null && untilYear < lo) run(untilYear - 1, untilYear);
  else run(Math.max(lo, o.start.year), hi);
  return out;
}

// ---------------------------------------------------------------------------
// zones

const IANA_SUFFIX =
  /(?:^|\/)((?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)$/;

/** luxon's isValidZone builds an Intl.DateTimeFormat per call (~0.3 ms): remember the answers. */
const ianaNames = new Map<string, ZoneRef | null>();
function asIana(name: string): ZoneRef | null {
  let ref = ianaNames.get(name);
  if (ref === undefined) {
    ref = !IANAZone.isValidZone(name)
      ? null
      : /^(?:Etc\/)?(?:UTC|GMT|Z|Zulu|UCT|Universal)$/i.test(name)
        ? { kind: "utc" }
        : { kind: "iana", zone: IANAZone.create(name) };
    if (ianaNames.size > 1000) ianaNames.clear();
    ianaNames.set(name, ref);
  }
  return ref;
}

function vtimezoneFor(tzid: string, ctx: Ctx): VZone | null {
  if (!ctx.vtimezones) {
    ctx.vtimezones = new Map();
    for (const comp of ctx.root.getAllSubcomponents("vtimezone")) {
      const id = comp.getFirstPropertyValue("tzid");
      if (typeof id === "string" && !ctx.vtimezones.has(id)) ctx.vtimezones.set(id, comp);
    }
  }
  const comp = ctx.vtimezones.get(tzid);
  if (!comp) return null;
  // The same definition repeats in every object of a CalDAV calendar: evaluate it once per call.
  const key = JSON.stringify(comp.toJSON());
  let zone = ctx.compiledZones.get(key);
  if (zone === undefined) {
    zone = VZone.fromComponent(comp) ?? undefined;
    if (zone) ctx.compiledZones.set(key, zone);
  }
  return zone ?? null;
}

function resolveZoneName(name: string, ctx: Ctx | null): ZoneRef | null {
  let ref = asIana(name);
  if (!ref && ctx) {
    const vz = vtimezoneFor(name, ctx);
    if (vz) ref = { kind: "vtimezone", zone: vz };
  }
  if (!ref) {
    const win = windowsZoneToIana(name);
    if (win) ref = asIana(win);
  }
  if (!ref) {
    const m = IANA_SUFFIX.exec(name.trim());
    if (m) ref = asIana(m[1]);
  }
  return ref;
}

function resolveTzid(tzid: string, ctx: Ctx, who: string): ZoneRef {
  const cached = ctx.zoneCache.get(tzid);
  if (cached) return cached;
  let ref = resolveZoneName(tzid, ctx);
  if (!ref) {
    if (!ctx.warnedZones.has(tzid)) {
      ctx.warnedZones.add(tzid);
      ctx.warn(`${who}: unknown time zone "${tzid}"; its times were read as ${zoneName(ctx.floating, ctx)}.`);
    }
    ref = ctx.floating;
  }
  ctx.zoneCache.set(tzid, ref);
  return ref;
}

function zoneName(ref: ZoneRef, ctx: Ctx): string {
  return ref.kind === "iana" ? ref.zone.name : ref.kind === "utc" ? "UTC" : ctx.providerZone.name;
}

function tzidOf(prop: ICalProperty): string | null {
  const v = prop.getFirstParameter("tzid");
  return typeof v === "string" && v.trim() ? v : null;
}

/** The zone a DATE-TIME value is to be read in. */
function zoneOf(t: ICalTime, tzid: string | null, ctx: Ctx, who: string): ZoneRef {
  if (t.zone === ICAL.Timezone.utcTimezone) return { kind: "utc" }; // "...Z" (or TZID=UTC)
  if (tzid) return resolveTzid(tzid, ctx, who);
  return ctx.floating;
}

function timeToEpoch(t: ICalTime, tzid: string | null, ctx: Ctx, who: string): number {
  if (t.isDate) return dayStart(wallOf(t), ctx);
  return wallToEpoch(wallOf(t), zoneOf(t, tzid, ctx, who));
}

function isTime(v: unknown): v is ICalTime {
  return v instanceof ICAL.Time;
}

// ---------------------------------------------------------------------------
// raw property access
//
// Events are read from ical.js's jCal arrays rather than through Component/Property/Time
// objects: ical.js builds a Time (with zone lookups) for every value it hands out, which cost
// several times the parse itself on a 700-event object. RRULE and RDATE still go through ical.js.

type JProp = [string, Record<string, unknown>, string, ...unknown[]];
type RawTime = { wall: Wall; isDate: boolean; utc: boolean };
type RawEvent = { first: Map<string, JProp>; exdates: JProp[]; attendees: JProp[] };

const RAW_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(Z)?)?$/;

function rawTime(v: unknown): RawTime | null {
  if (typeof v !== "string") return null;
  const m = RAW_TIME.exec(v);
  if (!m) return null;
  const wall = { year: +m[1], month: +m[2], day: +m[3], hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0 };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > 31 || wall.hour > 23 || wall.minute > 59 || wall.second > 60)
    return null;
  return { wall, isDate: m[4] === undefined, utc: m[7] === "Z" };
}

function rawEvent(comp: ICalComponent): RawEvent {
  const first = new Map<string, JProp>();
  const exdates: JProp[] = [];
  const attendees: JProp[] = [];
  for (const p of (comp as unknown as { jCal: [string, JProp[], unknown[]] }).jCal[1]) {
    const name = p[0];
    if (name === "exdate") exdates.push(p);
    else if (name === "attendee") attendees.push(p);
    if (!first.has(name)) first.set(name, p);
  }
  return { first, exdates, attendees };
}

function rawText(ev: RawEvent, name: string): string {
  const v = ev.first.get(name)?.[3];
  return typeof v === "string" ? v.trim() : "";
}

function rawTzid(p: JProp): string | null {
  const v = p[1].tzid;
  return typeof v === "string" && v.trim() ? v : null;
}

function rawZone(t: RawTime, tzid: string | null, ctx: Ctx, who: string): ZoneRef {
  if (t.utc) return { kind: "utc" };
  if (tzid) return resolveTzid(tzid, ctx, who);
  return ctx.floating;
}

function rawToEpoch(t: RawTime, tzid: string | null, ctx: Ctx, who: string): number {
  if (t.isDate) return dayStart(t.wall, ctx);
  return wallToEpoch(t.wall, rawZone(t, tzid, ctx, who));
}

// ---------------------------------------------------------------------------
// event model

type EventStart = { wall: Wall; isDate: boolean; zone: ZoneRef; epoch: number };

type ParsedEvent = {
  comp: ICalComponent;
  raw: RawEvent;
  uid: string;
  summary: string;
  /** How warnings and errors name the event for the provider. */
  who: string;
  sequence: number;
  index: number;
  busy: boolean;
  start: EventStart;
  /** null when the component had neither DTEND nor DURATION (overrides may inherit the master's). */
  span: Span | null;
  recurrenceId: { epoch: number; dateNum: number; isDate: boolean; thisAndFuture: boolean } | null;
};

function textOf(comp: ICalComponent, name: string): string {
  try {
    const v = comp.getFirstPropertyValue(name);
    return typeof v === "string" ? v.trim() : "";
  } catch {
    return "";
  }
}

function describeEvent(uid: string, summary: string): string {
  return summary ? `Event "${summary}" (UID ${uid})` : `Event with UID ${uid}`;
}

function normalizeAddress(addr: string): string {
  return addr
    .trim()
    .replace(/^mailto:/i, "")
    .toLowerCase();
}

function isBusy(ev: RawEvent, ctx: Ctx, allDay: boolean): boolean {
  if (rawText(ev, "status").toUpperCase() === "CANCELLED") return false;
  if (rawText(ev, "transp").toUpperCase() === "TRANSPARENT" && !(allDay && ctx.allDayAlwaysBusy)) return false;
  if (ctx.ownerEmails.size > 0) {
    for (const att of ev.attendees) {
      const value = att[3];
      if (typeof value !== "string" || !ctx.ownerEmails.has(normalizeAddress(value))) continue;
      const partstat = att[1].partstat;
      if (typeof partstat === "string" && partstat.trim().toUpperCase() === "DECLINED") return false;
    }
  }
  return true;
}

function readStart(ev: RawEvent, ctx: Ctx, who: string): EventStart {
  const prop = ev.first.get("dtstart");
  if (!prop) throw new Error("it has no DTSTART");
  const time = rawTime(prop[3]);
  if (!time) throw new Error("its DTSTART cannot be read");
  if (time.isDate) {
    return { wall: time.wall, isDate: true, zone: { kind: "iana", zone: ctx.providerZone }, epoch: dayStart(time.wall, ctx) };
  }
  const zone = rawZone(time, rawTzid(prop), ctx, who);
  return { wall: time.wall, isDate: false, zone, epoch: wallToEpoch(time.wall, zone) };
}

function readDuration(prop: JProp): ICalDuration {
  const v = prop[3];
  if (typeof v !== "string") throw new Error("its DURATION cannot be read");
  try {
    return ICAL.Duration.fromString(v);
  } catch {
    throw new Error("its DURATION cannot be read");
  }
}

function durationDaysCeil(d: ICalDuration): number {
  const seconds = d.weeks * 7 * 86_400 + d.days * 86_400 + d.hours * 3600 + d.minutes * 60 + d.seconds;
  return Math.ceil(seconds / 86_400);
}

function readSpan(ev: RawEvent, start: EventStart, ctx: Ctx, who: string): Span | null {
  const endProp = ev.first.get("dtend");
  const durProp = endProp ? null : ev.first.get("duration");

  if (start.isDate) {
    if (endProp) {
      const end = rawTime(endProp[3]);
      if (!end) throw new Error("its DTEND cannot be read");
      // DTEND is exclusive. A DATE-TIME DTEND on an all-day event (invalid, but seen) counts the
      // day it ends in. DTEND == DTSTART (also seen) still means that one day.
      const partialDay = !end.isDate && end.wall.hour + end.wall.minute + end.wall.second > 0 ? 1 : 0;
      return { kind: "days", days: Math.max(1, daysBetween(start.wall, end.wall) + partialDay) };
    }
    if (durProp) {
      const dur = readDuration(durProp);
      return { kind: "days", days: dur.isNegative ? 1 : Math.max(1, durationDaysCeil(dur)) };
    }
    return { kind: "days", days: 1 };
  }

  if (endProp) {
    const end = rawTime(endProp[3]);
    if (!end) throw new Error("its DTEND cannot be read");
    const ms = rawToEpoch(end, rawTzid(endProp), ctx, who) - start.epoch;
    // SabreDAV stores such events; erring busy, the two ends are read swapped.
    if (ms < 0) ctx.warn(`${who}: ends before it starts; read with start and end swapped.`);
    return ms !== 0 ? { kind: "exact", ms } : { kind: "none" };
  }
  if (durProp) {
    const dur = readDuration(durProp);
    if (dur.isNegative) {
      ctx.warn(`${who}: has a negative DURATION; it blocks no time.`);
      return { kind: "none" };
    }
    const days = dur.weeks * 7 + dur.days;
    const ms = (dur.hours * 3600 + dur.minutes * 60 + dur.seconds) * SECOND_MS;
    return days === 0 && ms === 0 ? { kind: "none" } : { kind: "nominal", days, ms };
  }
  return null;
}

/** Both ends of an instance that starts at (wall, epoch), ordered (a negative exact span is swapped). */
function instanceBounds(span: Span, wall: Wall, epoch: number, zone: ZoneRef, ctx: Ctx): [number, number] {
  switch (span.kind) {
    case "days":
      return [epoch, dayStart(addDays(wall, span.days), ctx)];
    case "exact":
      return span.ms >= 0 ? [epoch, epoch + span.ms] : [epoch + span.ms, epoch];
    case "nominal":
      return [epoch, (span.days ? wallToEpoch(addDays(wall, span.days), zone) : epoch) + span.ms];
    case "none":
      return [epoch, epoch];
  }
}

/** Generous upper bound of an instance's length, for cheap "cannot overlap" tests. */
function spanUpperBoundMs(span: Span): number {
  switch (span.kind) {
    case "days":
      return span.days * DAY_MS + DAY_MS;
    case "exact":
      return Math.abs(span.ms);
    case "nominal":
      return (span.days + 1) * DAY_MS + span.ms;
    case "none":
      return 0;
  }
}

function parseEvent(comp: ICalComponent, raw: RawEvent, index: number, ctx: Ctx): ParsedEvent {
  const uidValue = rawText(raw, "uid");
  const uid = uidValue || "(no UID)";
  const summary = rawText(raw, "summary");
  const who = describeEvent(uid, summary);
  try {
    const start = readStart(raw, ctx, who);
    const span = readSpan(raw, start, ctx, who);
    let recurrenceId: ParsedEvent["recurrenceId"] = null;
    const ridProp = raw.first.get("recurrence-id");
    if (ridProp) {
      const rid = rawTime(ridProp[3]);
      if (!rid) throw new Error("its RECURRENCE-ID cannot be read");
      const range = ridProp[1].range;
      recurrenceId = {
        epoch: rawToEpoch(rid, rawTzid(ridProp), ctx, who),
        dateNum: dateNum(rid.wall),
        isDate: rid.isDate,
        thisAndFuture: typeof range === "string" && range.trim().toUpperCase() === "THISANDFUTURE",
      };
    }
    const seq = Number(raw.first.get("sequence")?.[3]);
    const sequence = Number.isFinite(seq) ? seq : 0;
    return { comp, raw, uid, summary, who, sequence, index, busy: isBusy(raw, ctx, start.isDate), start, span, recurrenceId };
  } catch (err) {
    throw dataError(err, uidValue, summary, who);
  }
}

function dataError(err: unknown, uid: string, summary: string, who: string): CalendarDataError {
  if (err instanceof CalendarDataError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new CalendarDataError(`${who} cannot be read: ${reason}`, { uid, summary }, { cause: err });
}

// ---------------------------------------------------------------------------
// recurrence expansion

class RecurrenceBudgetExceeded extends Error {}

const STEP_METHODS = ["next_second", "next_minute", "next_hour", "next_day", "next_week", "next_month", "next_year"];

/**
 * ical.js's RecurIterator.next() loops internally until a candidate passes the
 * BY* filters, with no limit for DAILY and finer rules (FREQ=DAILY;BYMONTH=2;
 * BYMONTHDAY=30 never returns). Counting its per-step methods on this instance
 * turns such a hang into an error. If a future ical.js renames them the guard
 * merely stops counting; the outer loop still has its own budget.
 */
function guardIterator(it: unknown, budget: { steps: number }): void {
  const rec = it as Record<string, unknown>;
  for (const name of STEP_METHODS) {
    const original = rec[name];
    if (typeof original !== "function") continue;
    rec[name] = function guarded(this: unknown, ...args: unknown[]) {
      if (++budget.steps > MAX_RECUR_STEPS) throw new RecurrenceBudgetExceeded("its repeat rule is too expensive to expand");
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

const FAST_FORWARD_UNIT_SECONDS: Record<string, number> = {
  SECONDLY: 1,
  MINUTELY: 60,
  HOURLY: 3600,
  DAILY: 86_400,
  WEEKLY: 7 * 86_400,
};

const KNOWN_RULE_PARTS = new Set([
  "freq",
  "until",
  "count",
  "interval",
  "wkst",
  "bysecond",
  "byminute",
  "byhour",
  "byday",
  "bymonthday",
  "byyearday",
  "byweekno",
  "bymonth",
  "bysetpos",
]);

type Occurrence = { wall: Wall; epoch: number };

function hasPart(recur: ICalRecur, name: keyof ICalRecur["parts"]): boolean {
  const v = recur.parts[name];
  return Array.isArray(v) && v.length > 0;
}

/**
 * Makes the parts RFC 5545 takes from DTSTART explicit (MONTHLY: the day of
 * month; YEARLY: month and day). Then the rule no longer depends on DTSTART's
 * date, so iteration may start at the first of a later month/year, and a series
 * on the 31st (or Feb 29) skips months (years) without that day instead of
 * ical.js rolling over into the next month. Applied with and without
 * fast-forwarding so both give the same set.
 */
function normalizeRule(recur: ICalRecur, start: Wall): void {
  if (recur.freq === "MONTHLY" && !hasPart(recur, "BYDAY") && !hasPart(recur, "BYMONTHDAY")) {
    recur.parts.BYMONTHDAY = [start.day];
  }
  if (
    recur.freq === "YEARLY" &&
    !hasPart(recur, "BYDAY") &&
    !hasPart(recur, "BYMONTHDAY") &&
    !hasPart(recur, "BYYEARDAY") &&
    !hasPart(recur, "BYWEEKNO")
  ) {
    if (!hasPart(recur, "BYMONTH")) recur.parts.BYMONTH = [start.month];
    recur.parts.BYMONTHDAY = [start.day];
  }
}

/**
 * A usable repeat rule of the event, or null with a warning (then only the event's own
 * occurrence counts): empty or unreadable, COUNT <= 0. Unknown parts are warned about and left out.
 */
function readRule(prop: ICalProperty, ev: ParsedEvent, ctx: Ctx): ICalRecur | null {
  const raw = (prop as unknown as { jCal: unknown[] }).jCal[3];
  const text = prop.toICALString().replace(/^RRULE[^:]*:/i, "");
  if (raw && typeof raw === "object" && INVALID_RULE in raw) {
    ctx.warn(`${ev.who}: its repeat rule "${text}" cannot be read; only its first occurrence counts.`);
    return null;
  }
  let rule: unknown;
  try {
    rule = prop.getFirstValue();
  } catch {
    rule = null;
  }
  if (!(rule instanceof ICAL.Recur) || !rule.freq) {
    ctx.warn(`${ev.who}: its repeat rule${text ? ` "${text}"` : ""} is empty or cannot be read; only its first occurrence counts.`);
    return null;
  }
  if (typeof rule.count === "number" && rule.count <= 0) {
    ctx.warn(`${ev.who}: its repeat rule has COUNT=${rule.count}; only its first occurrence counts.`);
    return null;
  }
  if (raw && typeof raw === "object") {
    const unknown = Object.keys(raw).filter((k) => !KNOWN_RULE_PARTS.has(k.toLowerCase()));
    if (unknown.length > 0) {
      ctx.warn(
        `${ev.who}: its repeat rule has unknown ${unknown.length === 1 ? "part" : "parts"} ${unknown.map((k) => k.toUpperCase()).join(", ")}; read without ${unknown.length === 1 ? "it" : "them"}, up to the end of the window shown.`,
      );
    }
  }
  return rule;
}

/**
 * A later start for iterating `recur` that yields the same instances from
 * `target` on: DTSTART moved forward by whole INTERVAL periods, which the BY*
 * parts only filter or expand within (SECONDLY..WEEKLY, MONTHLY, and YEARLY by
 * month). Returns null when the rule cannot be shifted (COUNT, BYWEEKNO, ...)
 * or the start is already close.
 */
function fastForwardBase(recur: ICalRecur, start: Wall, isDate: boolean, target: number): ICalTime | null {
  if (recur.count) return null; // COUNT counts from the real DTSTART
  const interval = Math.max(1, recur.interval || 1);
  const unit = FAST_FORWARD_UNIT_SECONDS[recur.freq];
  if (unit) {
    const period = unit * interval;
    const k = Math.floor((target - wallMs(start)) / SECOND_MS / period) - 1;
    if (k < 1) return null;
    const shift = k * period;
    const base = ICAL.Time.fromData({ ...start, isDate });
    base.adjust(Math.floor(shift / 86_400), 0, 0, shift % 86_400);
    return base;
  }
  const yearly = recur.freq === "YEARLY";
  if (yearly && (!hasPart(recur, "BYMONTH") || hasPart(recur, "BYWEEKNO") || hasPart(recur, "BYYEARDAY"))) return null;
  if (!yearly && recur.freq !== "MONTHLY") return null;
  const t = new Date(target);
  const months = (t.getUTCFullYear() - start.year) * 12 + (t.getUTCMonth() + 1 - start.month);
  const periodMonths = (yearly ? 12 : 1) * interval;
  const k = Math.floor(months / periodMonths) - 1;
  if (k < 1) return null;
  const monthIndex = start.year * 12 + (start.month - 1) + k * periodMonths;
  // First day of the month (year): normalizeRule made the day explicit, so no instance is lost.
  return ICAL.Time.fromData({
    year: Math.floor(monthIndex / 12),
    month: yearly ? 1 : (monthIndex % 12) + 1,
    day: 1,
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    isDate,
  });
}

const WEEKDAY_NUM: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const BYDAY_ENTRY = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/;

/** The common rule shapes, expanded by plain day arithmetic instead of ical.js's iterator. */
type SimpleRule = {
  freq: "DAILY" | "WEEKLY" | "MONTHLY";
  interval: number;
  count: number | null;
  byDay: { n: number; wd: number }[] | null;
  byMonthDay: number[] | null;
  wkst: number;
};

/**
 * DAILY/WEEKLY (optionally BYDAY weekdays) and MONTHLY (BYMONTHDAY and/or BYDAY with ordinals),
 * with INTERVAL, COUNT, WKST: the shapes real calendars write for nearly every series. ical.js
 * spends ~10 us per step on these (MONTHLY;BYDAY=2TU checks every day of every month); plain
 * arithmetic gives the same instances (the fast-forward test compares both on every shape) at a
 * fraction of the cost. Anything else returns null and goes to ical.js.
 */
function simpleRule(recur: ICalRecur): SimpleRule | null {
  const freq = recur.freq;
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY") return null;
  for (const [k, v] of Object.entries(recur.parts)) {
    if (Array.isArray(v) && v.length > 0 && k !== "BYDAY" && k !== "BYMONTHDAY") return null;
  }
  let byDay: SimpleRule["byDay"] = null;
  if (hasPart(recur, "BYDAY")) {
    byDay = [];
    for (const entry of recur.parts.BYDAY as unknown[]) {
      const m = BYDAY_ENTRY.exec(String(entry).toUpperCase());
      if (!m) return null;
      const n = m[1] ? Number(m[1]) : 0;
      if (n !== 0 && freq !== "MONTHLY") return null;
      byDay.push({ n, wd: WEEKDAY_NUM[m[2]] });
    }
  }
  let byMonthDay: number[] | null = null;
  if (hasPart(recur, "BYMONTHDAY")) {
    if (freq !== "MONTHLY") return null;
    byMonthDay = (recur.parts.BYMONTHDAY as unknown[]).map(Number);
    if (byMonthDay.some((d) => !Number.isInteger(d) || d === 0 || d < -31 || d > 31)) return null;
  }
  const interval = Math.max(1, Number(recur.interval) || 1);
  const count = typeof recur.count === "number" ? recur.count : null;
  // ical.js numbers weekdays 1 = Sunday ... 7 = Saturday.
  const wkst = typeof recur.wkst === "number" && recur.wkst >= 1 && recur.wkst <= 7 ? recur.wkst - 1 : 1;
  return { freq, interval, count, byDay, byMonthDay, wkst };
}

function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function weekday(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/**
 * Instances (wall clock) of a simple rule: DTSTART first (as ical.js does, counted by COUNT even
 * when it does not match the rule), then every later match, up to toDay; those before fromDay are
 * counted but not returned. Without COUNT, iteration starts at the period containing fromDay.
 */
function simpleWalls(rule: SimpleRule, start: Wall, fromDay: number, toDay: number): Wall[] {
  const d0 = dayNumber(start.year, start.month, start.day);
  const tod = ((start.hour * 60 + start.minute) * 60 + start.second) * SECOND_MS;
  const out: Wall[] = [];
  let counted = 0;
  const limit = rule.count ?? Infinity;
  /** false once COUNT is reached */
  const emit = (day: number): boolean => {
    if (day < d0 || (day === d0 && counted > 0)) return true;
    counted++;
    if (day >= fromDay) out.push(wallFromMs(day * DAY_MS + tod));
    return counted < limit;
  };
  if (!emit(d0)) return out;
  const skip = rule.count === null;
  const days = rule.byDay ? new Set(rule.byDay.map((b) => b.wd)) : null;

  if (rule.freq === "DAILY") {
    let k = skip ? Math.max(0, Math.floor((fromDay - d0) / rule.interval)) : 0;
    for (; ; k++) {
      const day = d0 + k * rule.interval;
      if (day > toDay) break;
      if (days && !days.has(weekday(day))) continue;
      if (!emit(day)) break;
    }
    return out;
  }

  if (rule.freq === "WEEKLY") {
    const week0 = d0 - ((weekday(d0) - rule.wkst + 7) % 7);
    const offsets = [...new Set([...(days ?? [weekday(d0)])].map((wd) => (wd - rule.wkst + 7) % 7))].sort((a, b) => a - b);
    const period = 7 * rule.interval;
    let k = skip ? Math.max(0, Math.floor((fromDay - week0) / period)) : 0;
    for (; ; k++) {
      const weekStart = week0 + k * period;
      if (weekStart > toDay) break;
      for (const off of offsets) if (!emit(weekStart + off)) return out;
    }
    return out;
  }

  // MONTHLY
  const month0 = start.year * 12 + (start.month - 1);
  const fromDate = new Date(fromDay * DAY_MS);
  const fromMonth = fromDate.getUTCFullYear() * 12 + fromDate.getUTCMonth();
  let k = skip ? Math.max(0, Math.floor((fromMonth - month0) / rule.interval)) : 0;
  for (; ; k++) {
    const mi = month0 + k * rule.interval;
    const year = Math.floor(mi / 12);
    const month = (mi % 12) + 1;
    const first = dayNumber(year, month, 1);
    if (first > toDay) break;
    const len = dayNumber(year, month + 1, 1) - first;
    let monthDays: number[] | null = null;
    if (rule.byMonthDay) {
      monthDays = rule.byMonthDay.map((d) => (d > 0 ? d : len + 1 + d)).filter((d) => d >= 1 && d <= len);
    }
    if (rule.byDay) {
      const firstWd = weekday(first);
      const matches = new Set<number>();
      for (const { n, wd } of rule.byDay) {
        const firstOf = 1 + ((wd - firstWd + 7) % 7);
        const all: number[] = [];
        for (let d = firstOf; d <= len; d += 7) all.push(d);
        if (n === 0) all.forEach((d) => matches.add(d));
        else {
          const pick = n > 0 ? all[n - 1] : all[all.length + n];
          if (pick !== undefined) matches.add(pick);
        }
      }
      monthDays = monthDays ? monthDays.filter((d) => matches.has(d)) : [...matches];
    }
    const sorted = [...new Set(monthDays ?? [start.day])].sort((a, b) => a - b);
    for (const d of sorted) if (!emit(first + d - 1)) return out;
  }
  return out;
}

/**
 * RRULE instances whose start is before rangeEnd and which might overlap the
 * range. UNTIL is applied here in real time (ical.js would compare a floating
 * wall clock with a UTC UNTIL when the zone is one it does not know).
 */
function expandRule(master: ParsedEvent, rule: ICalRecur, span: Span, ctx: Ctx, fastForward: boolean): Occurrence[] {
  const { start } = master;
  const recur = rule.clone();
  const until = recur.until;
  recur.until = null;
  normalizeRule(recur, start.wall);

  let untilDate: number | null = null;
  let untilEpoch: number | null = null;
  if (until) {
    if (until.isDate) untilDate = dateNum(wallOf(until));
    else if (until.zone === ICAL.Timezone.utcTimezone) untilEpoch = wallMs(wallOf(until));
    else untilEpoch = start.isDate ? dayStart(wallOf(until), ctx) : wallToEpoch(wallOf(until), start.zone); // floating UNTIL: same zone as DTSTART
  }

  // Iterate on a floating copy: wall-clock recurrence, the zone is applied per instance.
  const reach = spanUpperBoundMs(span) + 2 * DAY_MS; // instances starting earlier than rangeStart - reach cannot overlap
  const lastStart = ctx.rangeEnd + (span.kind === "exact" && span.ms < 0 ? -span.ms : 0);
  const out: Occurrence[] = [];
  const simple = fastForward ? simpleRule(recur) : null;
  let next: () => Wall | null;
  if (simple) {
    const fromDay = Math.floor((ctx.rangeStart - reach) / DAY_MS) - 1;
    const walls = simpleWalls(simple, start.wall, fromDay, Math.floor(lastStart / DAY_MS) + 2);
    let i = 0;
    next = () => (i < walls.length ? walls[i++] : null);
  } else {
    const shifted = fastForward ? fastForwardBase(recur, start.wall, start.isDate, ctx.rangeStart - reach) : null;
    const base = shifted ?? ICAL.Time.fromData({ ...start.wall, isDate: start.isDate });
    // ical.js may hand back the iteration start itself even when it does not match the rule. For
    // the real DTSTART that is RFC behaviour; a shifted start lies well before the range, so drop it.
    const discardBaseMs = shifted !== null ? wallMs(wallOf(base)) : null;
    const budget = { steps: 0 };
    const it = recur.iterator(base);
    guardIterator(it, budget);
    next = () => {
      for (;;) {
        if (++budget.steps > MAX_RECUR_STEPS) throw new RecurrenceBudgetExceeded("its repeat rule is too expensive to expand");
        const t = it.next();
        if (!t) return null;
        const wall = wallOf(t);
        if (discardBaseMs === null || wallMs(wall) !== discardBaseMs) return wall;
      }
    };
  }
  for (;;) {
    const wall = next();
    if (!wall) break;
    const w = wallMs(wall);
    if (w - DAY_MS >= lastStart) break; // every later instance starts after the range
    if (untilDate !== null && dateNum(wall) > untilDate) break;
    if (w + DAY_MS + reach <= ctx.rangeStart) continue; // ends long before the range
    const epoch = start.isDate ? dayStart(wall, ctx) : wallToEpoch(wall, start.zone);
    if (untilEpoch !== null && epoch > untilEpoch) break;
    out.push({ wall, epoch });
  }
  return out;
}

// ---------------------------------------------------------------------------
// per object

function overlaps(s: number, e: number, ctx: Ctx): boolean {
  return e > s && s < ctx.rangeEnd && e > ctx.rangeStart;
}

/** An override with RANGE=THISANDFUTURE, as a change applied to every later instance. */
type FutureChange = { from: number; fromDate: number; deltaMs: number; deltaDays: number; span: Span | null; busy: boolean };

function futureChanges(master: ParsedEvent, overrides: ParsedEvent[]): FutureChange[] {
  const out: FutureChange[] = [];
  for (const o of overrides) {
    const rid = o.recurrenceId;
    if (!rid?.thisAndFuture) continue;
    const ridWall = wallFromMs(Date.UTC(Math.floor(rid.dateNum / 10_000), (Math.floor(rid.dateNum / 100) % 100) - 1, rid.dateNum % 100));
    out.push({
      from: rid.epoch,
      fromDate: rid.dateNum,
      deltaMs: o.start.epoch - rid.epoch,
      deltaDays: daysBetween(ridWall, o.start.wall),
      span: o.span,
      busy: o.busy,
    });
  }
  // Latest first: an instance takes the change of the last range that starts at or before it.
  return out.sort((a, b) => b.from - a.from);
}

function collectSeries(master: ParsedEvent, overrides: ParsedEvent[], ctx: Ctx, out: BusyInterval[], fastForward: boolean): void {
  const { comp, start, who } = master;
  const span: Span = master.span ?? (start.isDate ? { kind: "days", days: 1 } : { kind: "none" });
  const changes = futureChanges(master, overrides);

  // Instances replaced by an override (moved, changed or cancelled) are not generated from the master.
  const overriddenEpochs = new Set<number>();
  const overriddenDates = new Set<number>();
  for (const o of overrides) {
    if (!o.recurrenceId) continue;
    if (o.recurrenceId.isDate || start.isDate) overriddenDates.add(o.recurrenceId.dateNum);
    else overriddenEpochs.add(o.recurrenceId.epoch);
  }

  const exEpochs = new Set<number>();
  const exDates = new Set<number>();
  for (const prop of master.raw.exdates) {
    const tzid = rawTzid(prop);
    for (let i = 3; i < prop.length; i++) {
      const v = rawTime(prop[i]);
      if (!v) continue;
      if (v.isDate || start.isDate) exDates.add(dateNum(v.wall));
      else exEpochs.add(rawToEpoch(v, tzid, ctx, who));
    }
  }

  const removed = (wall: Wall, epoch: number) =>
    start.isDate
      ? overriddenDates.has(dateNum(wall)) || exDates.has(dateNum(wall))
      : overriddenEpochs.has(epoch) || exEpochs.has(epoch) || overriddenDates.has(dateNum(wall)) || exDates.has(dateNum(wall));

  // Expansion reaches as far as a THISANDFUTURE change can move an instance.
  let pad = 0;
  for (const c of changes)
    pad = Math.max(pad, Math.abs(c.deltaMs) + Math.abs(c.deltaDays) * DAY_MS + (c.span ? spanUpperBoundMs(c.span) : 0));
  const expandCtx = pad > 0 ? { ...ctx, rangeStart: ctx.rangeStart - pad, rangeEnd: ctx.rangeEnd + pad } : ctx;

  const seen = new Set<number>();
  const emit = (wall: Wall, epoch: number, instanceSpan: Span, zone: ZoneRef) => {
    if (seen.has(epoch)) return; // RDATE repeating an RRULE instance
    seen.add(epoch);
    if (removed(wall, epoch)) return;
    let busy = master.busy;
    const change = changes.find((c) => (start.isDate ? c.fromDate <= dateNum(wall) : c.from <= epoch));
    if (change) {
      if (start.isDate) {
        wall = addDays(wall, change.deltaDays);
        epoch = dayStart(wall, ctx);
      } else {
        wall = wallFromMs(wallMs(wall) + change.deltaMs);
        epoch += change.deltaMs;
      }
      instanceSpan = change.span ?? instanceSpan;
      busy = change.busy;
    }
    if (!busy) return;
    const [s, e] = instanceBounds(instanceSpan, wall, epoch, zone, ctx);
    if (overlaps(s, e, ctx)) out.push({ start: s, end: e });
  };

  const rules: ICalRecur[] = [];
  for (const prop of comp.getAllProperties("rrule")) {
    const rule = readRule(prop, master, ctx);
    if (rule) rules.push(rule);
  }
  if (rules.length === 0) {
    // DTSTART is an instance of every series, and the only one of a single event.
    emit(start.wall, start.epoch, span, start.zone);
  }
  for (const rule of rules) {
    for (const occ of expandRule(master, rule, span, expandCtx, fastForward)) emit(occ.wall, occ.epoch, span, start.zone);
  }
  for (const prop of comp.getAllProperties("rdate")) {
    const tzid = tzidOf(prop);
    for (const v of prop.getValues()) {
      if (isTime(v)) {
        const zone = v.isDate ? start.zone : zoneOf(v, tzid, ctx, who);
        emit(wallOf(v), timeToEpoch(v, tzid, ctx, who), span, zone);
      } else if (v instanceof ICAL.Period) {
        const p = v as ICalPeriod;
        const wall = wallOf(p.start);
        const epoch = timeToEpoch(p.start, tzid, ctx, who);
        const zone = zoneOf(p.start, tzid, ctx, who);
        const periodSpan: Span = p.end
          ? { kind: "exact", ms: timeToEpoch(p.end, tzid, ctx, who) - epoch }
          : {
              kind: "nominal",
              days: p.duration.weeks * 7 + p.duration.days,
              ms: (p.duration.hours * 3600 + p.duration.minutes * 60 + p.duration.seconds) * SECOND_MS,
            };
        emit(wall, epoch, periodSpan, zone);
      }
    }
  }
}

function collectStandalone(ev: ParsedEvent, inherited: Span | null, ctx: Ctx, out: BusyInterval[]): void {
  if (!ev.busy) return;
  const span = ev.span ?? inherited ?? (ev.start.isDate ? { kind: "days", days: 1 } : { kind: "none" });
  const [s, e] = instanceBounds(span, ev.start.wall, ev.start.epoch, ev.start.zone, ctx);
  if (overlaps(s, e, ctx)) out.push({ start: s, end: e });
}

function parseRoots(text: string): ICalComponent[] {
  const jcal: unknown = parseLenient(text);
  if (!Array.isArray(jcal) || jcal.length === 0) throw new Error("not an iCalendar object");
  // One root comes back as ["vcalendar", props, comps]; several as an array of those.
  const roots = (typeof jcal[0] === "string" ? [jcal] : jcal) as unknown[][];
  const out: ICalComponent[] = [];
  // A VCALENDAR nested in another (seen in concatenated exports) is read too: its events must not go unseen.
  const add = (comp: ICalComponent) => {
    out.push(comp);
    for (const inner of comp.getAllSubcomponents("vcalendar")) add(inner);
  };
  for (const r of roots) {
    const comp = new ICAL.Component(r as unknown[]);
    if (comp.name !== "vcalendar") throw new Error(`expected VCALENDAR, found ${comp.name.toUpperCase()}`);
    add(comp);
  }
  return out;
}

/** Newest first: SEQUENCE, then position in the object. */
function newer(a: ParsedEvent, b: ParsedEvent): number {
  return b.sequence - a.sequence || b.index - a.index;
}

/**
 * The revision of one UID that counts: the masters with the highest SEQUENCE (several only when
 * tied) and the overrides that belong to it, one per RECURRENCE-ID (the newest).
 */
function currentRevision(masters: ParsedEvent[], overrides: ParsedEvent[]): { masters: ParsedEvent[]; overrides: ParsedEvent[] } {
  let current = masters;
  let own = overrides;
  if (masters.length > 1) {
    const top = Math.max(...masters.map((m) => m.sequence));
    current = masters.filter((m) => m.sequence === top);
    const sequences = [...new Set(masters.map((m) => m.sequence))].sort((a, b) => a - b);
    // An override belongs to the newest master whose SEQUENCE is not above its own.
    const revisionOf = (seq: number) => sequences.filter((s) => s <= seq).pop() ?? sequences[0];
    own = overrides.filter((o) => revisionOf(o.sequence) === top);
  }
  const byRid = new Map<string, ParsedEvent>();
  for (const o of [...own].sort(newer)) {
    const rid = o.recurrenceId;
    const key = rid ? (rid.isDate ? `d${rid.dateNum}` : `t${rid.epoch}`) : "";
    if (!byRid.has(key)) byRid.set(key, o);
  }
  return { masters: current, overrides: [...byRid.values()] };
}

/**
 * True when a non-recurring event cannot come near the range, judged from its raw wall clock
 * (any zone is within a day of it). Unreadable values are never "far": they must fail loudly.
 */
function isFar(ev: RawEvent, ctx: Ctx): boolean {
  if (ev.first.has("rrule") || ev.first.has("rdate")) return false;
  const rid = ev.first.get("recurrence-id");
  if (rid && rid[1].range !== undefined) return false;
  const startProp = ev.first.get("dtstart");
  const start = startProp && rawTime(startProp[3]);
  if (!start) return false;
  const s = wallMs(start.wall);
  let e = s + DAY_MS;
  const endProp = ev.first.get("dtend");
  const durProp = ev.first.get("duration");
  if (endProp) {
    const end = rawTime(endProp[3]);
    if (!end) return false;
    e = wallMs(end.wall);
  } else if (durProp) {
    if (typeof durProp[3] !== "string") return false;
    try {
      e = s + Math.abs(ICAL.Duration.fromString(durProp[3]).toSeconds()) * SECOND_MS + DAY_MS;
    } catch {
      return false;
    }
  }
  const margin = 2 * DAY_MS;
  return Math.max(s, e) < ctx.rangeStart - margin || Math.min(s, e) > ctx.rangeEnd + margin;
}

function processRoot(root: ICalComponent, ctx: Ctx, out: BusyInterval[], fastForward: boolean): void {
  // Feeds carry years of history: a UID none of whose events can reach the range is not read at all.
  const byUid = new Map<string, { comp: ICalComponent; raw: RawEvent; index: number }[]>();
  root.getAllSubcomponents("vevent").forEach((comp, index) => {
    const raw = rawEvent(comp);
    const uid = rawText(raw, "uid") || "(no UID)";
    const list = byUid.get(uid);
    if (list) list.push({ comp, raw, index });
    else byUid.set(uid, [{ comp, raw, index }]);
  });
  const events: ParsedEvent[] = [];
  for (const list of byUid.values()) {
    if (list.every((e) => isFar(e.raw, ctx))) continue;
    for (const e of list) events.push(parseEvent(e.comp, e.raw, e.index, ctx));
  }
  const masters = new Map<string, ParsedEvent[]>();
  const overrides = new Map<string, ParsedEvent[]>();
  for (const ev of events) {
    const target = ev.recurrenceId ? overrides : masters;
    const list = target.get(ev.uid) ?? [];
    list.push(ev);
    target.set(ev.uid, list);
  }
  for (const [uid, list] of masters) {
    const revision = currentRevision(list, overrides.get(uid) ?? []);
    overrides.set(uid, revision.overrides);
    for (const master of revision.masters) {
      try {
        collectSeries(master, revision.overrides, ctx, out, fastForward);
      } catch (err) {
        throw dataError(err, master.uid, master.summary, master.who);
      }
    }
    masters.set(uid, revision.masters);
  }
  for (const [uid, list] of overrides) {
    // Overrides carry their own (possibly moved) time; without a master they are plain events
    // (e.g. a server that returns expanded instances, or an invitation to a single instance).
    const master = masters.get(uid)?.[0];
    const inherited = master ? (master.span ?? null) : null;
    const own = master ? list : currentRevision([], list).overrides;
    for (const ev of own) collectStandalone(ev, inherited, ctx, out);
  }
}

function mergeIntervals(list: BusyInterval[]): BusyInterval[] {
  list.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: BusyInterval[] = [];
  for (const iv of list) {
    const last = merged[merged.length - 1];
    if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end);
    else merged.push({ start: iv.start, end: iv.end });
  }
  return merged;
}

/** The calendar's own zone for floating times (Google's export writes X-WR-TIMEZONE). */
function floatingZoneOf(root: ICalComponent, provider: IANAZone, warn: (m: string) => void): ZoneRef {
  const name = textOf(root, "x-wr-timezone");
  if (!name) return { kind: "iana", zone: provider };
  const ref = resolveZoneName(name, null);
  if (ref) return ref;
  warn(`The calendar names an unknown time zone "${name}" (X-WR-TIMEZONE); its floating times were read as ${provider.name}.`);
  return { kind: "iana", zone: provider };
}

/** Best effort for naming the event of an object ical.js could not even parse. */
function guessEvent(text: string): { uid?: string; summary?: string } {
  const uid = /^UID(?:;[^:\r\n]*)?:([^\r\n]*)/m.exec(text)?.[1]?.trim();
  const summary = /^SUMMARY(?:;[^:\r\n]*)?:([^\r\n]*)/m.exec(text)?.[1]?.trim();
  return { uid: uid || undefined, summary: summary || undefined };
}

/**
 * Busy intervals of the given calendar objects that overlap [rangeStart, rangeEnd).
 * Throws a CalendarDataError if any object cannot be read (see the file comment): callers must
 * then treat the calendar as unavailable, never as free.
 *
 * `fastForward` exists for tests that compare against plain iteration.
 */
export function extractBusy(icsTexts: string[], opts: ExtractBusyOptions & { fastForward?: boolean }): BusyInterval[] {
  if (!IANAZone.isValidZone(opts.zone)) throw new Error(`extractBusy: "${opts.zone}" is not an IANA time zone`);
  if (!(opts.rangeStart < opts.rangeEnd)) return [];
  const warn = opts.onWarning ?? (() => {});
  const providerZone = IANAZone.create(opts.zone);
  const compiledZones = new Map<string, VZone>();
  const ownerEmails = new Set((opts.ownerEmails ?? []).map(normalizeAddress).filter(Boolean));
  const warnedZones = new Set<string>();
  const out: BusyInterval[] = [];
  icsTexts.forEach((text, index) => {
    try {
      for (const root of parseRoots(text)) {
        // Zone lookups per object: the same TZID may be defined differently in another object.
        processRoot(
          root,
          {
            root,
            providerZone,
            floating: floatingZoneOf(root, providerZone, warn),
            zoneCache: new Map(),
            vtimezones: null,
            compiledZones,
            warn,
            warnedZones,
            ownerEmails,
            allDayAlwaysBusy: opts.allDayEvents !== "as-marked",
            rangeStart: opts.rangeStart,
            rangeEnd: opts.rangeEnd,
          },
          out,
          opts.fastForward !== false,
        );
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const event = err instanceof CalendarDataError ? { uid: err.eventUid, summary: err.eventSummary } : guessEvent(text);
      throw new CalendarDataError(`Calendar object #${index + 1} could not be read: ${reason}`, event, { cause: err });
    }
  });
  return mergeIntervals(out);
}
