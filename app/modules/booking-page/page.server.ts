import crypto from "node:crypto";
import { DateTime } from "luxon";
import { availabilityWindow, computeAvailability } from "./availability";
import { formatSlotForMessage, waLink } from "./whatsapp";
import { bookHref } from "./book-links";
import { activeBookingIntervals } from "./holds.server";
import { findPublishedProvider } from "./published-provider.server";
import { fetchProviderBusy } from "~/modules/calendar/busy-times.server";
import { BusyUnavailableError, getBusyCached, invalidateBusyCache } from "~/modules/calendar/busy-cache.server";
import { getDb } from "~/server/db.server";
import { pageCacheTtlMs } from "./cache-control.server";
import { onProviderChanged } from "~/server/provider-events.server";

/** Exactly what the public page renders: public fields only, strings ready to print. */
export type PublicPage = {
  name: string;
  zone: string;
  zoneLabel: string;
  /** ok: fresh busy times; stale: the calendar could not be read just now, last good copy shown. */
  state: "ok" | "stale" | "unavailable";
  bookable: boolean;
  chatHref: string | null;
  horizonDays: number;
  days: { date: string; label: string; slots: { time: string; href: string | null; label: string }[] }[];
  etag: string;
};

/**
 * The computed page per slug for a few seconds (never longer than the busy-time TTL), so a burst
 * of visitors costs one computation; a provider's own save clears it at once.
 */
const pageCache = new Map<string, { page: PublicPage; at: number; owner: string }>();
// Bumped by every save: a page whose build started before the save is not cached after it.
const generations = new Map<string, number>();

/** After any save by this provider: the next visitor (of this process) sees the change. */
function invalidateProviderCaches(ownerUserId: string) {
  invalidateBusyCache(ownerUserId);
  generations.set(ownerUserId, (generations.get(ownerUserId) ?? 0) + 1);
  for (const [slug, entry] of pageCache) if (entry.owner === ownerUserId) pageCache.delete(slug);
}

onProviderChanged(invalidateProviderCaches);

export async function getPublicPage(slug: string): Promise<PublicPage | null> {
  const now = Date.now();
  const ttl = pageCacheTtlMs();
  const hit = pageCache.get(slug);
  if (hit && now - hit.at < ttl) return hit.page;
  const before = new Map(generations);
  const built = await buildPublicPage(slug, now);
  const unchanged = built ? (before.get(built.owner) ?? 0) === (generations.get(built.owner) ?? 0) : false;
  if (built && ttl > 0 && built.page.state === "ok" && unchanged) pageCache.set(slug, { page: built.page, at: now, owner: built.owner });
  else pageCache.delete(slug);
  return built?.page ?? null;
}

export async function buildPublicPage(slug: string, now = Date.now()): Promise<{ page: PublicPage; owner: string } | null> {
  const db = await getDb();
  const provider = await findPublishedProvider(db, slug);
  // Published but incomplete (settings damaged by hand since): treat as not published.
  if (!provider || !provider.workingHours) return null;
  const { workingHours, booking: rules, whatsapp } = provider;
  const zone = workingHours.timezone;
  const bookable = !!whatsapp?.enabled;
  const chatHref = whatsapp?.enabled ? waLink(whatsapp.phoneE164) : null;

  let state: PublicPage["state"] = "ok";
  let days: PublicPage["days"] = [];
  try {
    const window = availabilityWindow({ workingHours, rules, now });
    const key = `${zone}|${provider.selectedCalendarIds.join(" ")}`;
    const { busy, stale } = await getBusyCached(provider.ownerUserId, key, window, (w) => fetchProviderBusy(db, provider, w), now);
    if (stale) state = "stale";
    // Holds and bookings are busy at once (a tap announces "provider changed", dropping this page).
    const booked = await activeBookingIntervals(db, provider.providerId, window, now);
    days = computeAvailability({ workingHours, rules, busy: booked.length ? [...busy, ...booked] : busy, now }).map((day) => ({
      date: day.date,
      label: DateTime.fromISO(day.date, { zone }).setLocale("en-GB").toFormat("cccc d LLLL"),
      slots: day.slots.map((slot) => {
        const text = formatSlotForMessage(slot.startMs, zone);
        return {
          time: slot.time,
          label: `${text.date} at ${text.time}`,
          // Through the booking route: the tap re-checks the slot and holds it before WhatsApp opens.
          href: bookable ? bookHref(provider.slug, slot.startMs) : null,
        };
      }),
    }));
  } catch (err) {
    if (!(err instanceof BusyUnavailableError)) throw err;
    console.warn(`[public] ${slug}: availability unavailable: ${(err.cause as Error)?.message ?? err.cause}`);
    state = "unavailable";
  }

  const page: Omit<PublicPage, "etag"> = {
    name: provider.displayName ?? provider.slug,
    zone,
    zoneLabel: `${zone.replace(/_/g, " ")} time (${DateTime.fromMillis(now, { zone }).toFormat("ZZZZ")})`,
    state,
    bookable,
    chatHref,
    horizonDays: rules.horizonDays,
    days,
  };
  // A strong validator of exactly what is rendered: same data, same bytes.
  const etag = `"${crypto.createHash("sha256").update(JSON.stringify(page)).digest("base64url").slice(0, 27)}"`;
  return { page: { ...page, etag }, owner: provider.ownerUserId };
}
