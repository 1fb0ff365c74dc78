/**
 * Busy time from raw iCalendar objects (what a CalDAV calendar-query returns).
 *
 * Pure: no I/O and no Node-only APIs, so it can run anywhere (server, worker,
 * tests). Parsing is ical.js; time zone arithmetic is luxon (IANA) or ical.js
 * (VTIMEZONE definitions shipped inside the object).
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
 *   override), and events where an ATTENDEE matching ownerEmails has
 *   PARTSTAT=DECLINED. Everything else blocks, including tentative and
 *   not-yet-answered invitations. Exception: with `allDayEvents: "busy"` (the
 *   default) an all-day event blocks even when marked TRANSPARENT, because
 *   iPhone and Mac create every all-day event as "free".
 * - All-day events (DATE values; DTEND exclusive; no DTEND = one day; DTEND
 *   not after DTSTART = one day) block whole days from midnight to midnight
 *   in the provider's zone.
 * - DATE-TIME with neither DTEND nor DURATION is an instant (RFC 5545
 *   3.6.1) and blocks nothing. Same for DTEND <= DTSTART or a negative
 *   DURATION (reported via onWarning). An override without DTEND/DURATION
 *   inherits the duration of its master.
 * - DURATION is nominal for days/weeks (wall clock, so P1D across a DST change
 *   still ends at the same local time) and exact for the time part; a DTEND
 *   gives every instance the same exact length (RFC 5545 3.8.5.3).
 * - Zones: floating times are read in `zone`. A TZID is resolved, in order,
 *   via the VTIMEZONE in the same object (ical.js Component#getTimeZoneByID,
 *   which deliberately avoids the process-global TimezoneService so one
 *   provider's custom zone cannot leak into another's calendar), an IANA name,
 *   a Windows zone name (windows-zones.ts), an IANA name at the end of a
 *   prefixed ID ("/mozilla.org/20050126_1/Europe/Berlin"); anything else is
 *   reported via onWarning and read in `zone`, never dropped.
 * - An object that cannot be read (not iCalendar, broken syntax, an event
 *   without a usable DTSTART, an RRULE that cannot be expanded within budget)
 *   makes extractBusy THROW. The caller must treat the whole calendar as
 *   failed: skipping the object would make its time look free.
 * - The result is sorted and overlapping/touching intervals are merged; only
 *   intervals overlapping [rangeStart, rangeEnd) are returned (not clipped).
 */
import ICAL from "ical.js";
import { DateTime, IANAZone } from "luxon";
import { windowsZoneToIana } from "./windows-zones";

export type BusyInterval = { start: number; end: number }; // epoch ms, half-open

export type ExtractBusyOptions = {
  rangeStart: number;
  rangeEnd: number;
  /** IANA zone of the provider: used for floating times, all-day events and unknown TZIDs. */
  zone: string;
  /** The calendar owner's addresses; their PARTSTAT=DECLINED makes an event free. */
  ownerEmails?: string[];
  /** "busy" (default): all-day events block even when marked free; "as-marked": TRANSP decides. */
  allDayEvents?: "busy" | "as-marked";
  onWarning?: (msg: string) => void;
};

type ICalTime = InstanceType<typeof ICAL.Time>;
type ICalComponent = InstanceType<typeof ICAL.Component>;
type ICalProperty = InstanceType<typeof ICAL.Property>;
type ICalTimezone = InstanceType<typeof ICAL.Timezone>;
type ICalRecur = InstanceType<typeof ICAL.Recur>;
type ICalDuration = InstanceType<typeof ICAL.Duration>;
type ICalPeriod = InstanceType<typeof ICAL.Period>;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;
/** Upper bound for ical.js iterator steps per recurring series (ical.js can loop forever on impossible rules). */
const MAX_RECUR_STEPS = 100_000;

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };

type ZoneRef = { kind: "utc" } | { kind: "vtimezone"; tz: ICalTimezone } | { kind: "iana"; zone: IANAZone };

/** How long each instance of an event lasts. */
type Span =
  | { kind: "days"; days: number } // all-day
  | { kind: "exact"; ms: number } // DTEND - DTSTART
  | { kind: "nominal"; days: number; ms: number } // DURATION: days on the wall clock + exact time part
  | { kind: "none" }; // an instant: blocks nothing

type Ctx = {
  root: ICalComponent;
  providerZone: IANAZone;
  zoneCache: Map<string, ZoneRef>;
  warn: (msg: string) => void;
  warnedZones: Set<string>;
  ownerEmails: Set<string>;
  allDayAlwaysBusy: boolean;
  rangeStart: number;
  rangeEnd: number;
};

// ---------------------------------------------------------------------------
// time helpers

function wallOf(t: ICalTime): Wall {
  return { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second };
}

/** The wall clock read as if it were UTC: a cheap ordering key, within +-14 h of the real instant. */
function wallMs(w: Wall): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

function dateNum(w: Wall): number {
  return w.year * 10_000 + w.month * 100 + w.day;
}

function addDays(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days, w.hour, w.minute, w.second));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

function daysBetween(a: Wall, b: Wall): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / DAY_MS);
}

function wallToEpoch(w: Wall, ref: ZoneRef): number {
  switch (ref.kind) {
    case "utc":
      return wallMs(w);
    case "vtimezone": {
      const t = new ICAL.Time({ ...w, isDate: false }, ref.tz);
      return t.toUnixTime() * SECOND_MS;
    }
    case "iana":
      // luxon moves non-existent local times (DST gap) forward, like calendar apps do.
      return DateTime.fromObject(w, { zone: ref.zone }).toMillis();
  }
}

/** Start of a calendar day in the provider's zone. */
function dayStart(w: Wall, ctx: Ctx): number {
  return DateTime.fromObject({ year: w.year, month: w.month, day: w.day }, { zone: ctx.providerZone }).toMillis();
}

const IANA_SUFFIX =
  /(?:^|\/)((?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)?)$/;

function hasUsableRules(tz: ICalTimezone): boolean {
  const comp = (tz as unknown as { component?: ICalComponent | null }).component;
  if (!comp) return false;
  return comp.getAllSubcomponents("standard").length + comp.getAllSubcomponents("daylight").length > 0;
}

function resolveTzid(tzid: string, ctx: Ctx, uid: string): ZoneRef {
  const cached = ctx.zoneCache.get(tzid);
  if (cached) return cached;
  let ref: ZoneRef | null = null;

  let vtz: ICalTimezone | null = null;
  try {
    vtz = ctx.root.getTimeZoneByID(tzid) ?? null;
  } catch {
    vtz = null; // a VTIMEZONE without TZID makes ical.js throw; fall back to the name
  }
  if (vtz && hasUsableRules(vtz)) ref = { kind: "vtimezone", tz: vtz };

  const asIana = (name: string): ZoneRef | null => {
    if (!IANAZone.isValidZone(name)) return null;
    return /^(?:Etc\/)?(?:UTC|GMT|Z|Zulu|UCT|Universal)$/i.test(name) ? { kind: "utc" } : { kind: "iana", zone: IANAZone.create(name) };
  };
  if (!ref) ref = asIana(tzid);
  if (!ref) {
    const win = windowsZoneToIana(tzid);
    if (win) ref = asIana(win);
  }
  if (!ref) {
    const m = IANA_SUFFIX.exec(tzid.trim());
    if (m) ref = asIana(m[1]);
  }
  if (!ref) {
    if (!ctx.warnedZones.has(tzid)) {
      ctx.warnedZones.add(tzid);
      ctx.warn(`Unknown time zone "${tzid}" (event ${uid}); reading its times in ${ctx.providerZone.name}.`);
    }
    ref = { kind: "iana", zone: ctx.providerZone };
  }
  ctx.zoneCache.set(tzid, ref);
  return ref;
}

function tzidOf(prop: ICalProperty): string | null {
  const v = prop.getFirstParameter("tzid");
  return typeof v === "string" && v.trim() ? v : null;
}

/** The zone a DATE-TIME value is to be read in. */
function zoneOf(t: ICalTime, tzid: string | null, ctx: Ctx, uid: string): ZoneRef {
  if (t.zone === ICAL.Timezone.utcTimezone) return { kind: "utc" }; // "...Z" (or TZID=UTC)
  if (tzid) return resolveTzid(tzid, ctx, uid);
  return { kind: "iana", zone: ctx.providerZone }; // floating
}

function timeToEpoch(t: ICalTime, tzid: string | null, ctx: Ctx, uid: string): number {
  if (t.isDate) return dayStart(wallOf(t), ctx);
  return wallToEpoch(wallOf(t), zoneOf(t, tzid, ctx, uid));
}

function isTime(v: unknown): v is ICalTime {
  return v instanceof ICAL.Time;
}

// ---------------------------------------------------------------------------
// event model

type EventStart = { time: ICalTime; wall: Wall; isDate: boolean; zone: ZoneRef; epoch: number };

type ParsedEvent = {
  comp: ICalComponent;
  uid: string;
  busy: boolean;
  start: EventStart;
  /** null when the component had neither DTEND nor DURATION (overrides may inherit the master's). */
  span: Span | null;
  recurrenceId: { epoch: number; dateNum: number; isDate: boolean } | null;
};

function upperText(comp: ICalComponent, name: string): string {
  const v = comp.getFirstPropertyValue(name);
  return typeof v === "string" ? v.trim().toUpperCase() : "";
}

function normalizeAddress(addr: string): string {
  return addr
    .trim()
    .replace(/^mailto:/i, "")
    .toLowerCase();
}

function isBusy(comp: ICalComponent, ctx: Ctx, allDay: boolean): boolean {
  if (upperText(comp, "status") === "CANCELLED") return false;
  if (upperText(comp, "transp") === "TRANSPARENT" && !(allDay && ctx.allDayAlwaysBusy)) return false;
  if (ctx.ownerEmails.size > 0) {
    for (const att of comp.getAllProperties("attendee")) {
      const value = att.getFirstValue();
      if (typeof value !== "string" || !ctx.ownerEmails.has(normalizeAddress(value))) continue;
      const partstat = att.getFirstParameter("partstat");
      if (typeof partstat === "string" && partstat.trim().toUpperCase() === "DECLINED") return false;
    }
  }
  return true;
}

function readStart(comp: ICalComponent, ctx: Ctx, uid: string): EventStart {
  const prop = comp.getFirstProperty("dtstart");
  if (!prop) throw new Error(`event ${uid} has no DTSTART`);
  const time = prop.getFirstValue();
  if (!isTime(time)) throw new Error(`event ${uid} has an unreadable DTSTART`);
  const wall = wallOf(time);
  if (time.isDate) {
    return { time, wall, isDate: true, zone: { kind: "iana", zone: ctx.providerZone }, epoch: dayStart(wall, ctx) };
  }
  const zone = zoneOf(time, tzidOf(prop), ctx, uid);
  return { time, wall, isDate: false, zone, epoch: wallToEpoch(wall, zone) };
}

function durationDaysCeil(d: ICalDuration): number {
  const seconds = d.weeks * 7 * 86_400 + d.days * 86_400 + d.hours * 3600 + d.minutes * 60 + d.seconds;
  return Math.ceil(seconds / 86_400);
}

function readSpan(comp: ICalComponent, start: EventStart, ctx: Ctx, uid: string): Span | null {
  const endProp = comp.getFirstProperty("dtend");
  const durProp = endProp ? null : comp.getFirstProperty("duration");

  if (start.isDate) {
    if (endProp) {
      const end = endProp.getFirstValue();
      if (!isTime(end)) throw new Error(`event ${uid} has an unreadable DTEND`);
      // DTEND is exclusive. A DATE-TIME DTEND on an all-day event (invalid, but seen) counts the
      // day it ends in. DTEND == DTSTART (also seen) still means that one day.
      const partialDay = !end.isDate && end.hour + end.minute + end.second > 0 ? 1 : 0;
      return { kind: "days", days: Math.max(1, daysBetween(start.wall, wallOf(end)) + partialDay) };
    }
    if (durProp) {
      const dur = durProp.getFirstValue();
      if (!(dur instanceof ICAL.Duration)) throw new Error(`event ${uid} has an unreadable DURATION`);
      return { kind: "days", days: dur.isNegative ? 1 : Math.max(1, durationDaysCeil(dur)) };
    }
    return { kind: "days", days: 1 };
  }

  if (endProp) {
    const end = endProp.getFirstValue();
    if (!isTime(end)) throw new Error(`event ${uid} has an unreadable DTEND`);
    const ms = timeToEpoch(end, tzidOf(endProp), ctx, uid) - start.epoch;
    if (ms < 0) ctx.warn(`Event ${uid} ends before it starts; it blocks no time.`);
    return ms > 0 ? { kind: "exact", ms } : { kind: "none" };
  }
  if (durProp) {
    const dur = durProp.getFirstValue();
    if (!(dur instanceof ICAL.Duration)) throw new Error(`event ${uid} has an unreadable DURATION`);
    if (dur.isNegative) {
      ctx.warn(`Event ${uid} has a negative DURATION; it blocks no time.`);
      return { kind: "none" };
    }
    const days = dur.weeks * 7 + dur.days;
    const ms = (dur.hours * 3600 + dur.minutes * 60 + dur.seconds) * SECOND_MS;
    return days === 0 && ms === 0 ? { kind: "none" } : { kind: "nominal", days, ms };
  }
  return null;
}

/** End of an instance that starts at (wall, epoch). */
function instanceEnd(span: Span, wall: Wall, epoch: number, zone: ZoneRef, ctx: Ctx): number {
  switch (span.kind) {
    case "days":
      return dayStart(addDays(wall, span.days), ctx);
    case "exact":
      return epoch + span.ms;
    case "nominal":
      return (span.days ? wallToEpoch(addDays(wall, span.days), zone) : epoch) + span.ms;
    case "none":
      return epoch;
  }
}

/** Generous upper bound of an instance's length, for cheap "cannot overlap" tests. */
function spanUpperBoundMs(span: Span): number {
  switch (span.kind) {
    case "days":
      return span.days * DAY_MS + DAY_MS;
    case "exact":
      return span.ms;
    case "nominal":
      return (span.days + 1) * DAY_MS + span.ms;
    case "none":
      return 0;
  }
}

function parseEvent(comp: ICalComponent, ctx: Ctx): ParsedEvent {
  const uidValue = comp.getFirstPropertyValue("uid");
  const uid = typeof uidValue === "string" && uidValue ? uidValue : "(no UID)";
  const start = readStart(comp, ctx, uid);
  const span = readSpan(comp, start, ctx, uid);
  let recurrenceId: ParsedEvent["recurrenceId"] = null;
  const ridProp = comp.getFirstProperty("recurrence-id");
  if (ridProp) {
    const rid = ridProp.getFirstValue();
    if (!isTime(rid)) throw new Error(`event ${uid} has an unreadable RECURRENCE-ID`);
    recurrenceId = { epoch: timeToEpoch(rid, tzidOf(ridProp), ctx, uid), dateNum: dateNum(wallOf(rid)), isDate: rid.isDate };
  }
  return { comp, uid, busy: isBusy(comp, ctx, start.isDate), start, span, recurrenceId };
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
      if (++budget.steps > MAX_RECUR_STEPS) throw new RecurrenceBudgetExceeded("recurrence rule too expensive to expand");
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
  const shifted = fastForward ? fastForwardBase(recur, start.wall, start.isDate, ctx.rangeStart - reach) : null;
  const base = shifted ?? ICAL.Time.fromData({ ...start.wall, isDate: start.isDate });
  // ical.js may hand back the iteration start itself even when it does not match the rule. For the
  // real DTSTART that is RFC behaviour; a shifted start lies well before the range, so drop it.
  const discardBase = shifted !== null;

  const budget = { steps: 0 };
  const it = recur.iterator(base);
  guardIterator(it, budget);
  const out: Occurrence[] = [];
  const baseMs = wallMs(wallOf(base));
  for (;;) {
    if (++budget.steps > MAX_RECUR_STEPS) throw new RecurrenceBudgetExceeded("recurrence rule too expensive to expand");
    const t = it.next();
    if (!t) break;
    const wall = wallOf(t);
    const w = wallMs(wall);
    if (discardBase && w === baseMs) continue;
    if (w - DAY_MS >= ctx.rangeEnd) break; // every later instance starts after the range
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

function collectSeries(master: ParsedEvent, overrides: ParsedEvent[], ctx: Ctx, out: BusyInterval[], fastForward: boolean): void {
  const { comp, start, uid } = master;
  const span: Span = master.span ?? (start.isDate ? { kind: "days", days: 1 } : { kind: "none" });

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
  for (const prop of comp.getAllProperties("exdate")) {
    const tzid = tzidOf(prop);
    for (const v of prop.getValues()) {
      if (!isTime(v)) continue;
      if (v.isDate || start.isDate) exDates.add(dateNum(wallOf(v)));
      else exEpochs.add(timeToEpoch(v, tzid, ctx, uid));
    }
  }

  const removed = (wall: Wall, epoch: number) =>
    start.isDate
      ? overriddenDates.has(dateNum(wall)) || exDates.has(dateNum(wall))
      : overriddenEpochs.has(epoch) || exEpochs.has(epoch) || overriddenDates.has(dateNum(wall)) || exDates.has(dateNum(wall));

  const seen = new Set<number>();
  const emit = (wall: Wall, epoch: number, end: number) => {
    if (seen.has(epoch)) return; // RDATE repeating an RRULE instance
    seen.add(epoch);
    if (removed(wall, epoch)) return;
    if (master.busy && overlaps(epoch, end, ctx)) out.push({ start: epoch, end });
  };

  const rrules = comp.getAllProperties("rrule");
  const rdates = comp.getAllProperties("rdate");
  if (rrules.length === 0) {
    // DTSTART is an instance of every series, and the only one of a single event.
    emit(start.wall, start.epoch, instanceEnd(span, start.wall, start.epoch, start.zone, ctx));
  }
  for (const prop of rrules) {
    const rule = prop.getFirstValue();
    if (!(rule instanceof ICAL.Recur)) throw new Error(`event ${uid} has an unreadable RRULE`);
    for (const occ of expandRule(master, rule, span, ctx, fastForward)) {
      emit(occ.wall, occ.epoch, instanceEnd(span, occ.wall, occ.epoch, start.zone, ctx));
    }
  }
  for (const prop of rdates) {
    const tzid = tzidOf(prop);
    for (const v of prop.getValues()) {
      if (isTime(v)) {
        const wall = wallOf(v);
        const epoch = timeToEpoch(v, tzid, ctx, uid);
        const zone = v.isDate ? start.zone : zoneOf(v, tzid, ctx, uid);
        emit(wall, epoch, instanceEnd(span, wall, epoch, zone, ctx));
      } else if (v instanceof ICAL.Period) {
        const p = v as ICalPeriod;
        const wall = wallOf(p.start);
        const epoch = timeToEpoch(p.start, tzid, ctx, uid);
        const end = p.end
          ? timeToEpoch(p.end, tzid, ctx, uid)
          : instanceEnd(
              {
                kind: "nominal",
                days: p.duration.weeks * 7 + p.duration.days,
                ms: (p.duration.hours * 3600 + p.duration.minutes * 60 + p.duration.seconds) * SECOND_MS,
              },
              wall,
              epoch,
              zoneOf(p.start, tzid, ctx, uid),
              ctx,
            );
        emit(wall, epoch, end);
      }
    }
  }
}

function collectStandalone(ev: ParsedEvent, inherited: Span | null, ctx: Ctx, out: BusyInterval[]): void {
  if (!ev.busy) return;
  const span = ev.span ?? inherited ?? (ev.start.isDate ? { kind: "days", days: 1 } : { kind: "none" });
  const end = instanceEnd(span, ev.start.wall, ev.start.epoch, ev.start.zone, ctx);
  if (overlaps(ev.start.epoch, end, ctx)) out.push({ start: ev.start.epoch, end });
}

function parseRoots(text: string): ICalComponent[] {
  const jcal: unknown = ICAL.parse(text);
  if (!Array.isArray(jcal) || jcal.length === 0) throw new Error("not an iCalendar object");
  // One root comes back as ["vcalendar", props, comps]; several as an array of those.
  const roots = (typeof jcal[0] === "string" ? [jcal] : jcal) as unknown[][];
  return roots.map((r) => {
    const comp = new ICAL.Component(r as unknown[]);
    if (comp.name !== "vcalendar") throw new Error(`expected VCALENDAR, found ${comp.name.toUpperCase()}`);
    return comp;
  });
}

function processRoot(root: ICalComponent, ctx: Ctx, out: BusyInterval[], fastForward: boolean): void {
  const events = root.getAllSubcomponents("vevent").map((c) => parseEvent(c, ctx));
  const masters = new Map<string, ParsedEvent[]>();
  const overrides = new Map<string, ParsedEvent[]>();
  for (const ev of events) {
    const target = ev.recurrenceId ? overrides : masters;
    const list = target.get(ev.uid) ?? [];
    list.push(ev);
    target.set(ev.uid, list);
  }
  for (const [uid, list] of masters) {
    const own = overrides.get(uid) ?? [];
    for (const master of list) collectSeries(master, own, ctx, out, fastForward);
  }
  for (const [uid, list] of overrides) {
    // Overrides carry their own (possibly moved) time; without a master they are plain events
    // (e.g. a server that returns expanded instances, or an invitation to a single instance).
    const master = masters.get(uid)?.[0];
    const inherited = master ? (master.span ?? null) : null;
    for (const ev of list) collectStandalone(ev, inherited, ctx, out);
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

/**
 * Busy intervals of the given calendar objects that overlap [rangeStart, rangeEnd).
 * Throws if any object cannot be read (see the file comment): callers must
 * then treat the calendar as unavailable, never as free.
 *
 * `fastForward` exists for tests that compare against plain iteration.
 */
export function extractBusy(icsTexts: string[], opts: ExtractBusyOptions & { fastForward?: boolean }): BusyInterval[] {
  if (!IANAZone.isValidZone(opts.zone)) throw new Error(`extractBusy: "${opts.zone}" is not an IANA time zone`);
  if (!(opts.rangeStart < opts.rangeEnd)) return [];
  const warn = opts.onWarning ?? (() => {});
  const baseCtx: Omit<Ctx, "root" | "zoneCache"> = {
    providerZone: IANAZone.create(opts.zone),
    warn,
    warnedZones: new Set(),
    ownerEmails: new Set((opts.ownerEmails ?? []).map(normalizeAddress).filter(Boolean)),
    allDayAlwaysBusy: opts.allDayEvents !== "as-marked",
    rangeStart: opts.rangeStart,
    rangeEnd: opts.rangeEnd,
  };
  const out: BusyInterval[] = [];
  icsTexts.forEach((text, index) => {
    try {
      for (const root of parseRoots(text)) {
        // Zone cache per object: the same TZID may be defined differently in another object.
        processRoot(root, { ...baseCtx, root, zoneCache: new Map() }, out, opts.fastForward !== false);
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Calendar object #${index + 1} could not be read: ${reason}`, { cause: err });
    }
  });
  return mergeIntervals(out);
}
