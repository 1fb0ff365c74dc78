import crypto from "node:crypto";
import { availabilityWindow, computeAvailability } from "./availability";
import { waLink, zonePlace } from "./whatsapp";
import { bookHref } from "./book-links";
import { activeBookingIntervals } from "./holds.server";
import { pageLanguage, type PageQuery } from "./slot-message";
export { readPageQuery } from "./slot-message";
import {
  allZones,
  formatDateShort,
  formatDayLong,
  formatNumber,
  formatOffset,
  formatTime,
  formatWeekdayShort,
  localDate,
  relativeDay,
  type Lang,
  type PageFormat,
} from "./locale";
import { MESSAGES } from "./messages";
import { workingDays } from "./working-days";
import { findPublishedProvider, type PublishedProvider } from "./published-provider.server";
import { busySelection, fetchCalendarsBusy } from "~/modules/calendar/busy-times.server";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import { BusyUnavailableError, forgetAllBusy, forgetBusy, getBusyCached, markBusyForRefresh } from "~/modules/calendar/busy-cache.server";
import { getDb, isDatabaseUnavailable } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { LruCache } from "~/server/lru";
import { databaseDownServeMs, type PageCacheState } from "./cache-control.server";
import { onProviderChanged, onProvidersFlushed, type ProviderChange } from "~/server/provider-events.server";
import { changedSince, pageEpoch } from "./rendered-cache.server";
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
  /** ok: busy times shown as read; stale: the calendar (or database) could not be read just now, last good copy shown. */
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
    /** In English, for the link preview (its image font has no Arabic): "60-minute sessions". */
    session: string;
    /** The same in the page's language and digits, for the card on the page. */
    sessionShown: string;
  };
  /** The first free slot as people say it ("tomorrow 07:00"), for the link preview. */
  nextFree: string | null;
  etag: string;
};

/** A page plus what the caches need to know about it (never rendered). */
export type BuiltPage = {
  page: PublicPage;
  owner: string;
  /** Cache lifetimes: "refreshing" is an ok page whose busy copy is being refreshed behind it. */
  cacheState: PageCacheState;
  /** Until when the busy times it shows count as fresh. */
  freshUntil: number;
  /** Past this its data may not be shown at all (busy copy or provider record past the stale limit). */
  usableUntil: number;
  /** pageEpoch() when the build started: a page built across a provider change is not cached. */
  epoch: number;
};

/** The database cannot be reached and nothing of this page is held: the route answers 503. */
export class PageDatabaseDownError extends Error {
  constructor(readonly cause: unknown) {
    super("The database is unavailable");
  }
}

/**
 * The last published-provider record per slug, so the page can still be shown (with the "stale"
 * note) while the database is down. Bounded; dropped when the provider changes or unpublishes.
 */
const LAST_GOOD_SHARE = 0.05;
declare global {
  var __lastGoodProviders: LruCache<string, LastGood> | undefined;
}
/** The provider record, and the holds and bookings last read for it (shown busy while the database is down). */
type LastGood = { provider: PublishedProvider; at: number; booked: BusyInterval[] };
function lastGood() {
  if (!globalThis.__lastGoodProviders) {
    const limit = Math.floor(getEnv().PUBLIC_CACHE_MAX_MB * 2 ** 20 * LAST_GOOD_SHARE);
    globalThis.__lastGoodProviders = new LruCache(limit, (e) => 256 + JSON.stringify(e.provider).length * 2 + e.booked.length * 64);
  }
  return globalThis.__lastGoodProviders;
}

/** Builds running now, per page: a burst of visitors after a change costs one build. */
const building = new Map<string, { epoch: number; promise: Promise<BuiltPage | null> }>();

/**
 * After a change by this provider: keep busy copies but refresh them (an outage during a save
 * shows "stale", not "unavailable"), unless the calendar access itself changed; forget its
 * fallback record.
 */
function onChanged(ownerUserId: string, change: ProviderChange) {
  if (change === "calendar-access") forgetBusy(ownerUserId);
  else markBusyForRefresh(ownerUserId);
  lastGood().deleteWhere((e) => e.provider.ownerUserId === ownerUserId);
}
onProviderChanged(onChanged);
onProvidersFlushed(() => {
  forgetAllBusy();
  lastGood().clear();
});

// The validated language and zone are part of a page's identity (issue 14): ?lang=ar and
// ?tz=Europe/London are built separately from the plain page; invalid values share its build.
function pageKey(slug: string, query: PageQuery): string {
  return `${slug}|${query.lang ?? ""}|${query.tz ?? ""}`;
}

export function getPublicPage(slug: string, query: PageQuery = { lang: null, tz: null }): Promise<BuiltPage | null> {
  const epoch = pageEpoch();
  const key = pageKey(slug, query);
  const running = building.get(key);
  if (running && running.epoch === epoch) return running.promise;
  const promise = buildPublicPage(slug, Date.now(), query, epoch).finally(() => {
    if (building.get(key)?.promise === promise) building.delete(key);
  });
  building.set(key, { epoch, promise });
  return promise;
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
  epoch = pageEpoch(),
): Promise<BuiltPage | null> {
  let provider: PublishedProvider | null;
  let databaseDown = false;
  let keptBooked: BusyInterval[] = [];
  try {
    provider = await findPublishedProvider(await getDb(), slug);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    const kept = lastGood().get(slug);
    if (!kept || now - kept.at > databaseDownServeMs()) throw new PageDatabaseDownError(err);
    console.warn(`[public] ${slug}: database unavailable, showing the last good page data`);
    provider = kept.provider;
    keptBooked = kept.booked;
    databaseDown = true;
  }
  // Published but incomplete (settings damaged by hand since): treat as not published.
  if (!provider || !provider.workingHours) {
    lastGood().delete(slug);
    return null;
  }
  // A record read before a change that committed meanwhile must not outlive that change.
  const keep = !databaseDown && !changedSince(provider.ownerUserId, epoch);
  if (keep) lastGood().set(slug, { provider, at: now, booked: lastGood().peek(slug)?.booked ?? [] });
  const found = provider;
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
  let refreshing = false;
  let freshUntil = Infinity;
  let usableUntil = databaseDown ? now + databaseDownServeMs() : Infinity;
  let days: PublicPage["days"] = [];
  let firstStartMs: number | null = null;
  try {
    const window = availabilityWindow({ workingHours, rules, now });
    const read = await getBusyCached(
      provider.ownerUserId,
      busySelection(provider),
      window,
      async (calendars, w) => fetchCalendarsBusy(await getDb(), found, calendars, w),
      now,
    );
    const busy = read.busy;
    if (read.stale) state = "stale";
    refreshing = read.refreshing;
    freshUntil = read.freshUntil;
    if (provider.selectedCalendarIds.length > 0) usableUntil = Math.min(usableUntil, read.fetchedAt + getEnv().BUSY_STALE_SECONDS * 1000);
    // Only the dates and hours of overrides reach the engine; their notes stay private.
    const dateOverrides = provider.dateOverrides.map(({ from, to, ranges }) => ({ from, to, ranges }));
    // Holds and bookings are busy at once (a tap announces "provider changed", dropping this page).
    // While the database is down the last ones read stay busy (the page is marked stale below, and
    // the tap, which needs the database, holds nothing).
    const booked = databaseDown
      ? keptBooked
      : await activeBookingIntervals(await getDb(), provider.providerId, window, now).catch((err: unknown) => {
          if (!isDatabaseUnavailable(err)) throw err;
          databaseDown = true;
          return lastGood().peek(slug)?.booked ?? [];
        });
    if (keep && !databaseDown) lastGood().set(slug, { provider, at: now, booked });
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
  // The settings shown may be out of date while the database is down: say so.
  if (databaseDown && state === "ok") state = "stale";

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
      sessionShown: t.sessionLength(rules.slotMinutes, formatNumber(rules.slotMinutes, format)),
    },
    nextFree: firstStartMs !== null ? nextFreeLabel(firstStartMs, zone, now) : null,
  };
  // A strong validator of exactly what is rendered: same data, same bytes.
  const etag = `"${crypto.createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 27)}"`;
  const cacheState: PageCacheState = state === "ok" && refreshing ? "refreshing" : state;
  return { page: { ...page, etag }, owner: provider.ownerUserId, cacheState, freshUntil, usableUntil, epoch };
}
