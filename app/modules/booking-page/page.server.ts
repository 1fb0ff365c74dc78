import crypto from "node:crypto";
import { availabilityWindow, computeAvailability } from "./availability";
import { waLink, zonePlace } from "./whatsapp";
import { bookHref } from "./book-links";
import { activeBookingIntervals } from "./holds.server";
import { pageLanguage, type PageQuery } from "./slot-message";
import {
  allZones,
  formatDateShort,
  formatDayLong,
  formatNumber,
  formatOffset,
  formatTime,
  formatWeekdayShort,
  knownZone,
  localDate,
  relativeDay,
  type Lang,
  type PageFormat,
} from "./locale";
import { MESSAGES } from "./messages";
import { workingDays } from "./working-days";
import { findPublishedProvider } from "./published-provider.server";
import { busyCacheKey, fetchProviderBusy } from "~/modules/calendar/busy-times.server";
import { BusyUnavailableError, getBusyCached, invalidateBusyCache } from "~/modules/calendar/busy-cache.server";
import { getDb } from "~/server/db.server";
import { pageCacheTtlMs } from "./cache-control.server";
import { onProviderChanged } from "~/server/provider-events.server";
import { initials, nextFreeLabel, sessionLabel } from "./profile-card";

/** The visitor's choices, from the query string, already validated (see readPageQuery). */
export type { PageQuery };

export type PublicSlot = {
  time: string;
  href: string | null;
  /** Accessible name of the link: "Book Thu 3 Dec at 10:00". */
  label: string;
  /** The provider's wall clock when its date differs from the visitor's: "Fri 01:00 Dubai". */
  other: string | null;
};

/** Exactly what the public page renders: public fields only, strings ready to print. */
export type PublicPage = {
  name: string;
  lang: Lang;
  zone: string;
  /** "Times in Dubai (GMT+4)" (or in the visitor's chosen zone). */
  zoneLabel: string;
  /** When the visitor chose another zone: where the provider's own time is shown. */
  zoneNote: string | null;
  /** ok: fresh busy times; stale: the calendar could not be read just now, last good copy shown. */
  state: "ok" | "stale" | "unavailable";
  bookable: boolean;
  chatHref: string | null;
  horizonDays: number;
  noTimes: string;
  /** A plain link to the page in the other language, when the provider offers both. */
  langSwitch: { href: string; label: string; lang: Lang } | null;
  /** The "Show times in" GET form. */
  zones: {
    selected: string;
    /** Sent along so a zone change keeps the language. */
    lang: Lang | null;
    provider: { value: string; label: string };
    common: { value: string; label: string }[];
    /** Every other zone, by its IANA name. */
    all: string[];
  };
  days: {
    date: string;
    /** "Today", "Tomorrow", or the weekday and date. */
    label: string;
    /** The weekday and date beside "Today" / "Tomorrow". */
    sub: string | null;
    /** A working day without a free time. */
    full: boolean;
    slots: PublicSlot[];
  }[];
  /** The provider's card (issue 13): public texts only, each optional. */
  profile: {
    headline: string | null;
    about: string | null;
    location: string | null;
    price: string | null;
    /** Fingerprint of the stored photo (/p/<hash>.webp), or null: then `initials` are shown. */
    photo: string | null;
    initials: string;
    session: string;
  };
  /** The first free slot as people say it ("tomorrow 07:00"), for the link preview. */
  nextFree: string | null;
  etag: string;
};

/**
 * `?lang=` and `?tz=` as the page understands them: anything else is ignored (never an error), so
 * a mistyped link still shows the page in the provider's language and zone.
 */
export function readPageQuery(params: URLSearchParams): PageQuery {
  const lang = params.get("lang");
  return { lang: lang === "en" || lang === "ar" ? lang : null, tz: knownZone(params.get("tz")) };
}

/**
 * The computed page per slug and visitor choice for a few seconds (never longer than the busy-time
 * TTL), so a burst of visitors costs one computation; a provider's own save clears it at once.
 */
const pageCache = new Map<string, { page: PublicPage; at: number; owner: string }>();
// Bumped by every save: a page whose build started before the save is not cached after it.
const generations = new Map<string, number>();

/** After any save by this provider: the next visitor (of this process) sees the change. */
function invalidateProviderCaches(ownerUserId: string) {
  invalidateBusyCache(ownerUserId);
  generations.set(ownerUserId, (generations.get(ownerUserId) ?? 0) + 1);
  for (const [key, entry] of pageCache) if (entry.owner === ownerUserId) pageCache.delete(key);
}

onProviderChanged(invalidateProviderCaches);

// Cache key (issue 14): the validated language and zone are part of it, so ?lang=ar and
// ?tz=Europe/London are cached separately from the plain page; invalid values share its entry.
function pageCacheKey(slug: string, query: PageQuery): string {
  return `${slug}|${query.lang ?? ""}|${query.tz ?? ""}`;
}

export async function getPublicPage(slug: string, query: PageQuery = { lang: null, tz: null }): Promise<PublicPage | null> {
  const now = Date.now();
  const ttl = pageCacheTtlMs();
  const key = pageCacheKey(slug, query);
  const hit = pageCache.get(key);
  if (hit && now - hit.at < ttl) return hit.page;
  const before = new Map(generations);
  const built = await buildPublicPage(slug, now, query);
  const unchanged = built ? (before.get(built.owner) ?? 0) === (generations.get(built.owner) ?? 0) : false;
  if (built && ttl > 0 && built.page.state === "ok" && unchanged) pageCache.set(key, { page: built.page, at: now, owner: built.owner });
  else pageCache.delete(key);
  return built?.page ?? null;
}

/** The page's language: the provider's, or the visitor's pick when the provider offers both. */
/** /c/<slug> with only the non-default choices, so each view has one URL (and one cache entry). */
function pageHref(slug: string, lang: Lang | null, tz: string | null): string {
  const params = new URLSearchParams();
  if (lang) params.set("lang", lang);
  if (tz) params.set("tz", tz);
  const q = params.toString();
  return `/c/${slug}${q ? `?${q}` : ""}`;
}

export async function buildPublicPage(
  slug: string,
  now = Date.now(),
  query: PageQuery = { lang: null, tz: null },
): Promise<{ page: PublicPage; owner: string } | null> {
  const db = await getDb();
  const provider = await findPublishedProvider(db, slug);
  // Published but incomplete (settings damaged by hand since): treat as not published.
  if (!provider || !provider.workingHours) return null;
  const { workingHours, booking: rules, whatsapp, locale } = provider;
  const zone = workingHours.timezone;
  const bookable = !!whatsapp?.enabled;
  const chatHref = whatsapp?.enabled ? waLink(whatsapp.phoneE164) : null;

  const lang = pageLanguage(locale.language, query.lang);
  const t = MESSAGES[lang];
  const format: PageFormat = { lang, digits: locale.digits, clock: locale.clock };
  // The provider's own zone chosen from the list is the plain page.
  const tz = query.tz && query.tz !== zone ? query.tz : null;
  const shownZone = tz ?? zone;
  const providerPlace = zonePlace(zone, now, format);
  const langParam = locale.language === "both" && lang !== "en" ? lang : null;
  // Slot links go through the tap route (it re-checks and holds), keeping the visitor's choices.
  // The visitor's own (validated) lang and tz are kept as they came, so the tap answers in kind.
  const tapQuery = pageHref("", query.lang, query.tz).slice("/c/".length);

  let state: PublicPage["state"] = "ok";
  let days: PublicPage["days"] = [];
  let firstStartMs: number | null = null;
  try {
    const window = availabilityWindow({ workingHours, rules, now });
    // Extraction depends on the zone and the all-day rule as well as on the selection.
    const key = busyCacheKey(provider);
    const { busy, stale } = await getBusyCached(provider.ownerUserId, key, window, (w) => fetchProviderBusy(db, provider, w), now);
    if (stale) state = "stale";
    // Only the dates and hours of overrides reach the engine; their notes stay private.
    const dateOverrides = provider.dateOverrides.map(({ from, to, ranges }) => ({ from, to, ranges }));
    // Holds and bookings are busy at once (a tap announces "provider changed", dropping this page).
    const booked = await activeBookingIntervals(db, provider.providerId, window, now);
    const free = computeAvailability({ workingHours, rules, busy: booked.length ? [...busy, ...booked] : busy, now, dateOverrides });
    firstStartMs = free[0]?.slots[0]?.startMs ?? null;
    // Slots regrouped by their date in the zone the page is shown in.
    const byDate = new Map<string, PublicSlot[]>();
    for (const day of free) {
      for (const slot of day.slots) {
        const date = tz ? localDate(slot.startMs, tz) : day.date;
        const time = formatTime(slot.startMs, shownZone, format);
        const other =
          tz && day.date !== date
            ? t.providerTime(`${formatWeekdayShort(slot.startMs, zone, format)} ${formatTime(slot.startMs, zone, format)}`, providerPlace)
            : null;
        const label = t.bookSlot(formatDateShort(slot.startMs, shownZone, format), other ? `${time} (${other})` : time);
        const list = byDate.get(date) ?? [];
        list.push({ time, label, other, href: bookable ? bookHref(provider.slug, slot.startMs, tapQuery) : null });
        byDate.set(date, list);
      }
    }
    // Working days the engine left empty are shown as fully booked rather than skipped.
    const freeDates = new Set(free.map((d) => d.date));
    const fullDates = new Set<string>();
    for (const day of workingDays({ workingHours, rules, now, dateOverrides })) {
      if (freeDates.has(day.date)) continue;
      const date = tz ? localDate(day.startMs, tz) : day.date;
      if (!byDate.has(date)) fullDates.add(date);
    }
    days = [...new Set([...byDate.keys(), ...fullDates])].sort().map((date) => {
      const relative = relativeDay(date, now, shownZone);
      const long = formatDayLong(date, format);
      return {
        date,
        label: relative ? t[relative] : long,
        sub: relative ? long : null,
        full: !byDate.has(date),
        slots: byDate.get(date) ?? [],
      };
    });
  } catch (err) {
    if (!(err instanceof BusyUnavailableError)) throw err;
    console.warn(`[public] ${slug}: availability unavailable: ${(err.cause as Error)?.message ?? err.cause}`);
    state = "unavailable";
  }

  const other: Lang = lang === "ar" ? "en" : "ar";
  const common = locale.clientZones.filter((z) => z !== zone);
  const zoneOption = (value: string) => ({ value, label: `${zonePlace(value, now, format)} (${formatOffset(now, value, format)})` });
  const name = provider.displayName ?? provider.slug;
  const page: Omit<PublicPage, "etag"> = {
    name,
    lang,
    zone,
    zoneLabel: t.timesIn(zonePlace(shownZone, now, format), formatOffset(now, shownZone, format)),
    zoneNote: tz ? t.providerZoneNote(providerPlace, formatOffset(now, zone, format)) : null,
    state,
    bookable,
    chatHref,
    horizonDays: rules.horizonDays,
    noTimes: t.noTimes(rules.horizonDays, formatNumber(rules.horizonDays, format)),
    langSwitch:
      locale.language === "both"
        ? { href: pageHref(provider.slug, other === "en" ? null : other, tz), label: MESSAGES[other].languageName, lang: other }
        : null,
    zones: {
      selected: shownZone,
      lang: langParam,
      provider: zoneOption(zone),
      common: common.map(zoneOption),
      // Each zone once: a zone listed twice would be `selected` twice, and the browser shows the last.
      all: allZones().filter((z) => z !== zone && !common.includes(z)),
    },
    days,
    profile: {
      headline: provider.profile.headline ?? null,
      about: provider.profile.about ?? null,
      location: provider.profile.location ?? null,
      price: provider.profile.price ?? null,
      photo: provider.profile.photo ?? null,
      initials: initials(name),
      session: sessionLabel(rules.slotMinutes),
    },
    nextFree: firstStartMs !== null ? nextFreeLabel(firstStartMs, zone, now) : null,
  };
  // A strong validator of exactly what is rendered: same data, same bytes.
  const etag = `"${crypto.createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 27)}"`;
  return { page: { ...page, etag }, owner: provider.ownerUserId };
}
