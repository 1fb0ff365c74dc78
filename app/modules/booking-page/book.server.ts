import { DateTime } from "luxon";
import { availabilityWindow, computeAvailability, type Slot } from "./availability";
import { bookHref, parseStartParam } from "./book-links";
import { hashClientAddress } from "./client-hash.server";
import { activeBookingIntervals, placeHold } from "./holds.server";
import { findPublishedProvider, type PublishedProvider } from "./published-provider.server";
import { readPageQuery } from "./page.server";
import { slotWhatsAppLink, type PageQuery } from "./slot-message";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import { busySelection, fetchCalendarsBusy } from "~/modules/calendar/busy-times.server";
import { BusyUnavailableError, getBusyCached } from "~/modules/calendar/busy-cache.server";
import { getDb, type Database } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { announceProviderChanged } from "~/server/provider-events.server";

/**
 * The tap: `/c/<slug>/book/<UTC start>`. The public page may be minutes old (CDN, caches); this is
 * where the slot is checked for real (busy times no older than TAP_BUSY_MAX_AGE_MS, holds and
 * bookings read now, the rules as saved now) and held before WhatsApp opens.
 */
export const TAP_BUSY_MAX_AGE_MS = 30_000;
/** How many nearby free times a "just taken" page offers. */
export const ALTERNATIVES = 3;

type Bookable = PublishedProvider & {
  workingHours: NonNullable<PublishedProvider["workingHours"]>;
  whatsapp: NonNullable<PublishedProvider["whatsapp"]>;
};

export type SlotCheck =
  | { kind: "not-found" }
  | { kind: "unavailable"; provider: Bookable; slot: Slot; stale: false }
  | { kind: "free"; provider: Bookable; slot: Slot; free: Slot[]; stale: boolean }
  /** slot: the requested time; free: every free slot now (for the alternatives). */
  | { kind: "taken"; provider: Bookable; slot: Slot; free: Slot[]; stale: boolean };

const flat = (days: { slots: Slot[] }[]) => days.flatMap((d) => d.slots);

/**
 * Whether `startMs` is a free slot of this provider right now. "not-found" for a slot that never
 * existed (not on the grid, in the past, beyond the horizon; or no bookable page at all); a slot on
 * the grid that is busy, held or now too soon is "taken".
 */
export async function checkSlot(slug: string, startMs: number, now = Date.now(), db?: Database): Promise<SlotCheck> {
  const database = db ?? (await getDb());
  const found = await findPublishedProvider(database, slug);
  if (!found || !found.workingHours || !found.whatsapp?.enabled) return { kind: "not-found" };
  const provider = found as Bookable;
  const { workingHours, booking: rules } = provider;

  const grid = flat(computeAvailability({ workingHours, rules, busy: [], now }));
  let slot = grid.find((s) => s.startMs === startMs);
  let tooSoon = false;
  if (!slot) {
    // On the grid and still ahead, but inside the minimum notice by now: it existed, it is gone.
    const loose = flat(computeAvailability({ workingHours, rules: { ...rules, minNoticeHours: 0 }, busy: [], now }));
    slot = loose.find((s) => s.startMs === startMs && s.startMs > now);
    if (!slot) return { kind: "not-found" };
    tooSoon = true;
  }

  const window = availabilityWindow({ workingHours, rules, now });
  let busy: BusyInterval[];
  let stale = false;
  try {
    const result = await getBusyCached(
      provider.ownerUserId,
      busySelection(provider),
      window,
      (calendars, w) => fetchCalendarsBusy(database, provider, calendars, w),
      now,
      {
        maxAgeMs: TAP_BUSY_MAX_AGE_MS,
        waitMs: getEnv().CALDAV_PUBLIC_WAIT_MS,
      },
    );
    busy = result.busy;
    stale = result.stale;
  } catch (err) {
    if (!(err instanceof BusyUnavailableError)) throw err;
    console.warn(`[book] ${slug}: busy times unavailable: ${(err.cause as Error)?.message ?? err.cause}`);
    return { kind: "unavailable", provider, slot, stale: false };
  }
  const booked = await activeBookingIntervals(database, provider.providerId, window, now);
  const free = flat(computeAvailability({ workingHours, rules, busy: [...busy, ...booked], now }));
  const isFree = !tooSoon && free.some((s) => s.startMs === startMs);
  return isFree ? { kind: "free", provider, slot, free, stale } : { kind: "taken", provider, slot, free, stale };
}

/** The `n` free slots nearest to `startMs` (either side), in time order. */
export function nearestFree(free: Slot[], startMs: number, n = ALTERNATIVES): Slot[] {
  return [...free]
    .sort((a, b) => Math.abs(a.startMs - startMs) - Math.abs(b.startMs - startMs) || a.startMs - b.startMs)
    .slice(0, n)
    .sort((a, b) => a.startMs - b.startMs);
}

export type TapView = {
  name: string;
  pageHref: string;
  slotLabel: string;
  zoneLabel: string;
  /** Plain chat link (no hold), for when the calendar cannot be checked. */
  chatHref: string | null;
  alternatives: { href: string; label: string }[];
};

export type TapOutcome =
  | { kind: "not-found" }
  /** 303 to WhatsApp; reference null: the abuse limits held nothing. */
  | { kind: "redirect"; location: string; reference: string | null }
  | { kind: "taken"; view: TapView }
  | { kind: "unavailable"; view: TapView }
  /** A link previewer or bot: a plain page, nothing held. */
  | { kind: "preview"; view: TapView };

export type TapInput = {
  slug: string;
  start: string;
  /** The client's network address (abuse limits); never stored, only its keyed hash. */
  clientAddress: string | null;
  /** Bots, link previewers, HEAD and prefetch requests: never hold. */
  preview: boolean;
  /** "?lang=..&tz=.." carried on to every link. */
  query: string;
  now?: number;
  db?: Database;
};

/** The page's language and zone choices carried by the tap link ("?lang=ar&tz=Europe%2FLondon"). */
function queryOf(query: string): PageQuery {
  return readPageQuery(new URLSearchParams(query));
}

function slotLabel(startMs: number, zone: string): string {
  return DateTime.fromMillis(startMs, { zone }).setLocale("en-GB").toFormat("cccc d LLLL 'at' HH:mm");
}

function view(provider: Bookable, slot: Slot, query: string, alternatives: Slot[], now: number): TapView {
  const zone = provider.workingHours.timezone;
  return {
    name: provider.displayName ?? provider.slug,
    pageHref: `/c/${encodeURIComponent(provider.slug)}${query}`,
    slotLabel: slotLabel(slot.startMs, zone),
    zoneLabel: `${zone.replace(/_/g, " ")} time (${DateTime.fromMillis(now, { zone }).toFormat("ZZZZ")})`,
    chatHref: slotWhatsAppLink({
      whatsapp: provider.whatsapp,
      locale: provider.locale,
      zone,
      startMs: slot.startMs,
      query: queryOf(query),
    }),
    alternatives: alternatives.map((s) => ({ href: bookHref(provider.slug, s.startMs, query), label: slotLabel(s.startMs, zone) })),
  };
}

export async function tapSlot(input: TapInput): Promise<TapOutcome> {
  const now = input.now ?? Date.now();
  const startMs = parseStartParam(input.start);
  if (startMs === null) return { kind: "not-found" };
  const db = input.db ?? (await getDb());
  const check = await checkSlot(input.slug, startMs, now, db);
  if (check.kind === "not-found") return check;
  const { provider, slot } = check;
  if (check.kind === "unavailable") return { kind: "unavailable", view: view(provider, slot, input.query, [], now) };
  if (check.kind === "taken") {
    return { kind: "taken", view: view(provider, slot, input.query, nearestFree(check.free, startMs), now) };
  }
  if (input.preview) return { kind: "preview", view: view(provider, slot, input.query, [], now) };
  // The calendar could not be read within the wait: the last good copy may miss what the provider
  // added since. Never hold on it; the client can still ask in the chat.
  if (check.stale) return { kind: "unavailable", view: view(provider, slot, input.query, [], now) };

  const held = await placeHold(db, {
    providerId: provider.providerId,
    startMs: slot.startMs,
    endMs: slot.endMs,
    clientHash: hashClientAddress(input.clientAddress ?? "unknown"),
    now,
    holdMs: getEnv().HOLD_MINUTES * 60_000,
    bufferMs: provider.booking.bufferMinutes * 60_000,
  });
  const message = (ref?: string) =>
    slotWhatsAppLink({
      whatsapp: provider.whatsapp,
      locale: provider.locale,
      zone: provider.workingHours.timezone,
      startMs: slot.startMs,
      query: queryOf(input.query),
      ref,
    });
  if (held.kind === "held") {
    // Committed: every cache of this provider's page drops its copy, so the slot disappears.
    announceProviderChanged(provider.ownerUserId);
    return { kind: "redirect", location: message(held.reference), reference: held.reference };
  }
  if (held.kind === "limited") {
    console.warn(`[book] ${input.slug}: hold limit reached (${held.limit}); opening WhatsApp without a hold`);
    return { kind: "redirect", location: message(), reference: null };
  }
  // Another tap won the race for this slot between our check and our insert.
  const others = check.free.filter((s) => s.endMs <= slot.startMs || s.startMs >= slot.endMs);
  return { kind: "taken", view: view(provider, slot, input.query, nearestFree(others, startMs), now) };
}
