/**
 * Dates, times, zones and numbers as the client reads them: English or Arabic, Latin or
 * Arabic-Indic digits, 12- or 24-hour clock, in any IANA zone. Pure (Intl + luxon only), so the
 * settings previews and the public page format alike.
 *
 * Intl.DateTimeFormat is costly to build and cheap to use, so each (locale, zone, style) is built
 * once per process; the public page formats a few hundred values per build.
 */
import { DateTime } from "luxon";
import type { Clock } from "~/modules/settings/schemas";

export type Lang = "en" | "ar";
export type Digits = "latn" | "arab";
export type PageFormat = { lang: Lang; digits: Digits; clock: Clock };

/** What the page and the message were before languages existed: the provider's default reader. */
export const ENGLISH_24H: PageFormat = Object.freeze({ lang: "en", digits: "latn", clock: "h24" });

/**
 * en-GB for English: "Thu 3 Dec" and "10:00", the format the provider already receives. Digits
 * apply to Arabic only: Arabic-Indic digits inside English text would read as a mistake.
 */
export function intlLocale(format: Pick<PageFormat, "lang" | "digits">): string {
  return format.lang === "ar" ? `ar-u-nu-${format.digits}` : "en-GB";
}

type Style = "time" | "dateShort" | "weekdayShort" | "dayLong" | "offset" | "generic";

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  time: { hour: "2-digit", minute: "2-digit" },
  dateShort: { weekday: "short", day: "numeric", month: "short" },
  weekdayShort: { weekday: "short" },
  dayLong: { weekday: "long", day: "numeric", month: "long" },
  offset: { timeZoneName: "shortOffset" },
  generic: { timeZoneName: "longGeneric" },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(format: PageFormat, zone: string, style: Style): Intl.DateTimeFormat {
  const locale = intlLocale(format);
  const key = `${locale}|${zone}|${style}|${style === "time" ? format.clock : ""}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = { ...STYLES[style], timeZone: zone };
    if (style === "time") {
      // h23, not hour12: false, which some engines turn into h24 ("24:30" after midnight).
      options.hourCycle = format.clock === "h12" ? "h12" : "h23";
      // "9:00 am" reads better than "09:00 am"; the 24-hour clock keeps its leading zero.
      if (format.clock === "h12") options.hour = "numeric";
    }
    // Arabic short weekdays are the long ones anyway; short months ("ديسمبر") too.
    if (format.lang === "ar" && style === "dateShort") Object.assign(options, { weekday: "long", month: "long" });
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** "10:00", "10:00 am", "١٠:٠٠ ص". */
export function formatTime(ms: number, zone: string, format: PageFormat): string {
  return formatter(format, zone, "time").format(ms);
}

/** "Thu 3 Dec", "الخميس، ٣ ديسمبر": the date in the WhatsApp message. */
export function formatDateShort(ms: number, zone: string, format: PageFormat): string {
  return formatter(format, zone, "dateShort").format(ms);
}

/** "Fri": beside a time whose date differs between two zones. */
export function formatWeekdayShort(ms: number, zone: string, format: PageFormat): string {
  return formatter(format, zone, "weekdayShort").format(ms);
}

/** "Thursday 3 December" for an ISO calendar date: a date has no zone, so it is read in UTC. */
export function formatDayLong(isoDate: string, format: PageFormat): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return formatter(format, "UTC", "dayLong").format(Date.UTC(y, m - 1, d, 12));
}

function zonePart(ms: number, zone: string, format: PageFormat, style: "offset" | "generic"): string {
  return (
    formatter(format, zone, style)
      .formatToParts(ms)
      .find((p) => p.type === "timeZoneName")?.value ?? zone
  );
}

/** "GMT+4", "GMT+5:30", "غرينتش+٤" at that instant (it changes with daylight saving time). */
export function formatOffset(ms: number, zone: string, format: PageFormat): string {
  return zonePart(ms, zone, format, "offset");
}

/** Intl's generic name of a zone: "Gulf Standard Time", "توقيت الخليج". */
export function zoneGenericName(ms: number, zone: string, format: PageFormat): string {
  return zonePart(ms, zone, format, "generic");
}

/** "Asia/Dubai" -> "Dubai", "America/Argentina/Buenos_Aires" -> "Buenos Aires"; null for Etc and UTC zones. */
export function zoneCity(zone: string): string | null {
  if (!zone.includes("/") || zone.startsWith("Etc/")) return null;
  return zone.slice(zone.lastIndexOf("/") + 1).replace(/_/g, " ");
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(n: number, format: PageFormat): string {
  const locale = intlLocale(format);
  let f = numberFormats.get(locale);
  if (!f) numberFormats.set(locale, (f = new Intl.NumberFormat(locale)));
  return f.format(n);
}

/** The calendar date ("2026-12-03") of an instant in a zone. */
export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? "";
}

/** "today" / "tomorrow" for a calendar date, seen from `now` in the zone the page is shown in. */
export function relativeDay(isoDate: string, now: number, zone: string): "today" | "tomorrow" | null {
  const today = DateTime.fromMillis(now, { zone });
  if (isoDate === today.toISODate()) return "today";
  if (isoDate === today.plus({ days: 1 }).toISODate()) return "tomorrow";
  return null;
}

/* ----------------------------------------------------------------------------------------- */
/* Which zones exist                                                                          */
/* ----------------------------------------------------------------------------------------- */

let zoneIndex: Map<string, string> | null = null;

/** Every zone this runtime knows (for the page's full list), canonical spelling. */
export function allZones(): string[] {
  return [...zones().values()];
}

function zones(): Map<string, string> {
  if (!zoneIndex) {
    zoneIndex = new Map();
    for (const zone of [...Intl.supportedValuesOf("timeZone"), "UTC"]) zoneIndex.set(zone.toLowerCase(), zone);
  }
  return zoneIndex;
}

/**
 * A visitor's `?tz=` as a known zone (canonical case), else null. Looked up in Intl's list rather
 * than tried with a formatter: a URL parameter must not be able to build a formatter per request.
 */
export function knownZone(value: string | null | undefined): string | null {
  if (!value || value.length > 64) return null;
  return zones().get(value.trim().toLowerCase()) ?? null;
}
