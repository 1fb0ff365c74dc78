/**
 * The link preview image of a public page, rendered on demand and kept per slug until the
 * provider changes something (the "provider changed" event) or the next free times move on.
 */
import crypto from "node:crypto";
import type { PublicPage } from "./page.server";
import { findPublishedProvider } from "./published-provider.server";
import { photoByHash } from "./public-photo.server";
import { dayWord } from "./profile-card";
import { renderCard, type CardInput } from "./share-images.server";
import { getDb } from "~/server/db.server";
import { onProviderChanged } from "~/server/provider-events.server";

/** Free times move on: a card is re-rendered at least this often even if nothing changed. */
export const CARD_CACHE_MS = 10 * 60_000;
const MAX_ENTRIES = 500;

const cards = new Map<string, { version: string; jpeg: Buffer; owner: string; at: number }>();

onProviderChanged((owner) => {
  for (const [slug, entry] of cards) if (entry.owner === owner) cards.delete(slug);
});

/** What the card shows, from the page as rendered: same facts, same times. */
export function cardFacts(page: PublicPage, now = Date.now()): Omit<CardInput, "photoJpeg" | "host"> {
  const times: string[] = [];
  for (const day of page.days) {
    for (const slot of day.slots) {
      if (times.length < 4) times.push(`${dayWord(day.date, page.zone, now)} ${slot.time}`);
    }
  }
  return {
    name: page.name,
    headline: page.profile.headline,
    initials: page.profile.initials,
    facts: [page.profile.session, page.profile.location, page.profile.price].filter((f): f is string => !!f),
    nextFree: times,
  };
}

/** Changes whenever the image would: used as ?v= in og:image so chat apps fetch the new one. */
export function cardVersion(page: PublicPage, now = Date.now()): string {
  const facts = cardFacts(page, now);
  return crypto
    .createHash("sha256")
    .update(JSON.stringify({ ...facts, photo: page.profile.photo }))
    .digest("base64url")
    .slice(0, 12);
}

export async function getPreviewCard(slug: string, page: PublicPage, host: string, now = Date.now()): Promise<Buffer | null> {
  const version = `${cardVersion(page, now)}|${host}`;
  const hit = cards.get(slug);
  if (hit && hit.version === version && now - hit.at < CARD_CACHE_MS) return hit.jpeg;
  const db = await getDb();
  const provider = await findPublishedProvider(db, slug);
  if (!provider) return null;
  const photoJpeg = page.profile.photo ? await photoByHash(db, page.profile.photo, "jpeg") : null;
  const jpeg = await renderCard({ ...cardFacts(page, now), photoJpeg, host });
  if (cards.size >= MAX_ENTRIES) cards.delete(cards.keys().next().value as string);
  cards.set(slug, { version, jpeg, owner: provider.ownerUserId, at: now });
  return jpeg;
}
