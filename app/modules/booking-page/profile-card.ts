/**
 * The words of the provider's card, shared by the public page, its link preview (Open Graph tags
 * and image) and the share kit. Pure: runs in the browser too.
 */
import { DateTime } from "luxon";

/** "Kim Lindberg" → "KL", "anna-yoga" → "AY", "" → "?": shown where there is no photo. */
export function initials(name: string): string {
  const words = name
    .split(/[\s\-_.·]+/u)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, ""))
    .filter(Boolean);
  const letters = (words.length >= 2 ? [words[0], words[words.length - 1]] : words).map((w) => Array.from(w)[0] ?? "");
  return letters.join("").toLocaleUpperCase("en") || "?";
}

/** 60 → "60-minute sessions", 90 → "90-minute sessions". */
export function sessionLabel(slotMinutes: number): string {
  return `${slotMinutes}-minute sessions`;
}

/**
 * A slot as people say it: "today 07:00", "tomorrow 07:00", else "Thu 3 Dec 07:00", in the
 * provider's zone (that is where the session happens).
 */
export function nextFreeLabel(startMs: number, zone: string, now: number): string {
  const start = DateTime.fromMillis(startMs, { zone, locale: "en-GB" });
  const today = DateTime.fromMillis(now, { zone }).startOf("day");
  const days = Math.round(start.startOf("day").diff(today, "days").days);
  const time = start.toFormat("HH:mm");
  if (days === 0) return `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  return `${start.toFormat("ccc d LLL")} ${time}`;
}

/** "Next free: tomorrow 07:00 · 60-minute sessions · Dubai": every part optional. */
export function previewDescription(parts: {
  nextFree: string | null;
  session: string;
  location?: string | null;
  fallback: string;
}): string {
  const first = parts.nextFree ? `Next free: ${parts.nextFree}` : parts.fallback;
  return [first, parts.session, parts.location].filter(Boolean).join(" · ");
}

/** The message "Share on WhatsApp" prefills: the link alone on its line so WhatsApp previews it. */
export function shareText(name: string, url: string): string {
  return `Book a session with ${name}:\n${url}`;
}

export function waShareLink(text: string): string {
  return `https://wa.me/?text=${encodeURIComponent(text)}`;
}

/** "Today", "Tomorrow" or "Thu 3 Dec" for a calendar date (YYYY-MM-DD) in the provider's zone. */
export function dayWord(date: string, zone: string, now: number): string {
  const day = DateTime.fromISO(date, { zone, locale: "en-GB" });
  const days = Math.round(day.diff(DateTime.fromMillis(now, { zone }).startOf("day"), "days").days);
  if (days === 0) return "Today";
  if (days === 1) return "Tomorrow";
  return day.toFormat("ccc d LLL");
}
