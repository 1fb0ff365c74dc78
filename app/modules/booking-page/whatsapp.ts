/**
 * Building the prefilled WhatsApp message and link. Pure: runs in the browser too.
 */
import { DateTime } from "luxon";
import { ENGLISH_24H, formatDateShort, formatTime, localDate, zoneCity, zoneGenericName, type PageFormat } from "./locale";
import { MESSAGES } from "./messages";

export type SlotText = { date: string; time: string };
/** ref: the hold's short reference ("K7Q2"); absent when the tap held nothing. */
export type MessageValues = SlotText & { ref?: string };

/**
 * Replaces every {date}, {time} and {ref}. A function replacer on purpose: with a string
 * replacement, a value containing "$&" or "$1" would be expanded by String.prototype.replace.
 * Unknown placeholders are left as typed (the settings schema refuses them on save).
 * Without a reference, a bracketed part around {ref} ("(ref {ref})") is dropped as a whole, so the
 * message never says "(ref )"; a bare {ref} becomes empty.
 */
export function fillTemplate(template: string, values: MessageValues): string {
  const text = values.ref ? template : template.replace(/\s*[([][^()[\]{}]*\{ref\}[^()[\]{}]*[)\]]/g, "");
  return text.replace(/\{(date|time|ref)\}/g, (_match, name: "date" | "time" | "ref") => values[name] ?? "");
}

/**
 * https://wa.me/<digits>[?text=...]. wa.me wants the international number without "+", spaces or
 * a leading "00". Throws on a number without digits: a link to "https://wa.me/" opens a contact
 * picker, which would silently send the client's message to the wrong person.
 */
export function waLink(phoneE164: string, text?: string): string {
  const digits = phoneE164.replace(/\D/g, "");
  if (digits === "") throw new RangeError("waLink: phone number has no digits");
  const base = `https://wa.me/${digits}`;
  // Whitespace-only text would prefill an empty-looking message; treat it as no text.
  return text && text.trim() !== "" ? `${base}?text=${encodeURIComponent(text)}` : base;
}

/**
 * "Thu 3 Dec" / "10:00" in the provider's zone: the client and the provider read the same wall
 * clock. The format is the page's (English en-GB by default, not the visitor's browser locale), so
 * the provider always receives one format per language.
 * Throws on an unknown zone rather than sending "Invalid DateTime" or a time in the wrong zone.
 */
export function formatSlotForMessage(startMs: number, zone: string, format: PageFormat = ENGLISH_24H): SlotText {
  // luxon marks a DateTime in an unknown zone invalid; checking that (not IANAZone.isValidZone,
  // which builds a new Intl formatter per call) keeps this cheap on the public page's hot path.
  const dt = DateTime.fromMillis(startMs, { zone });
  if (!dt.isValid) {
    if (dt.invalidReason === "unsupported zone") throw new RangeError(`formatSlotForMessage: unknown time zone ${JSON.stringify(zone)}`);
    throw new RangeError(`formatSlotForMessage: invalid instant ${String(startMs)}`);
  }
  return { date: formatDateShort(startMs, zone, format), time: formatTime(startMs, zone, format) };
}

/** How a zone is named in the client's language: "Dubai", "توقيت دبي". */
export function zonePlace(zone: string, atMs: number, format: PageFormat): string {
  return MESSAGES[format.lang].placeName(zone, zoneCity(zone), zoneGenericName(atMs, zone, format));
}

/**
 * What {date} and {time} become in the message. The time always names the provider's zone
 * ("10:00 Dubai time"), so a client in another zone and the provider agree on one instant; when
 * the visitor chose another zone, their own time follows, with their date if it differs:
 * "Thu 3 Dec" + "01:00 Dubai time (Wed 2 Dec, 22:00 London time)".
 */
export function messageSlotText(startMs: number, providerZone: string, visitorZone: string | null, format: PageFormat): SlotText {
  const t = MESSAGES[format.lang];
  const own = formatSlotForMessage(startMs, providerZone, format);
  let time = t.zoneTime(own.time, zonePlace(providerZone, startMs, format));
  if (visitorZone && visitorZone !== providerZone) {
    const theirs = formatSlotForMessage(startMs, visitorZone, format);
    const otherDay = localDate(startMs, visitorZone) !== localDate(startMs, providerZone);
    time += t.visitorTime(t.zoneTime(theirs.time, zonePlace(visitorZone, startMs, format)), otherDay ? theirs.date : null);
  }
  return { date: own.date, time };
}
