/**
 * Settings schemas: one per settings section, shared by conform on the client and by the server
 * action (both call `parseWithZod(formData, { schema })` from "@conform-to/zod/v4"). The tolerant
 * readers of what is stored live in stored.ts, version tokens in version.ts, publish rules in
 * publish.ts. Pure: runs in the browser too.
 *
 * Conform's auto-coercion turns "" into undefined, "on" into true and "60" into 60 before these
 * schemas run. The schemas also accept the already-typed stored shape (plain objects), so the same
 * rules validate both what a user submits and what was saved earlier.
 *
 * Form errors are attached to the field the user can fix (e.g. `days`, not `days[3]`), because the
 * form shows one error list per input.
 */
import { IANAZone } from "luxon";
import { z } from "zod";
import { slugSchema } from "./slug";

export const DEFAULT_WHATSAPP_TEMPLATE = "Hi! Can I book {date} at {time}? (ref {ref})";
export const TEMPLATE_MAX_LENGTH = 300;
export const TEMPLATE_PLACEHOLDERS = ["date", "time", "ref"] as const;
export const DISPLAY_NAME_MAX_LENGTH = 80;
export const MAX_SELECTED_CALENDARS = 50;

/** Limits for the booking inputs; also meant for the inputs' min/max attributes. */
export const BOOKING_LIMITS = {
  slotMinutes: { min: 10, max: 240 },
  bufferMinutes: { min: 0, max: 120 },
  minNoticeHours: { min: 0, max: 72 },
  horizonDays: { min: 1, max: 90 },
} as const;

export const SETTINGS_MESSAGES = {
  timezone: "Choose a valid time zone",
  daysRequired: "Pick at least one working day",
  dayInvalid: "Working days must be weekdays 1 (Monday) to 7 (Sunday)",
  dayDuplicate: "Each working day can be picked only once",
  time: "Use 24-hour time, e.g. 09:00",
  endAfterStart: "End time must be after start time",
  phone: "Enter the number in international format, e.g. +971 50 123 4567",
  templateRequired: "Write the message clients will send you",
  templateTooLong: `Keep the message to at most ${TEMPLATE_MAX_LENGTH} characters`,
  displayNameTooLong: `Keep the display name to at most ${DISPLAY_NAME_MAX_LENGTH} characters`,
  displayNameType: "Enter the display name as text",
  calendarUrl: "Each calendar must be an http(s) address",
  tooManyCalendars: `Select at most ${MAX_SELECTED_CALENDARS} calendars`,
  checkbox: "Tick or untick the box",
} as const;

export const unknownPlaceholderMessage = (name: string) => `Unknown placeholder {${name}}: use {date}, {time} and {ref}`;

/* ----------------------------------------------------------------------------------------- */
/* Field helpers                                                                             */
/* ----------------------------------------------------------------------------------------- */

/** "HH:MM", 00:00 to 23:59: the one definition of a stored time of day. */
export const HHMM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const HHMM_STRICT = HHMM_PATTERN;
// "9:00" is accepted and padded: some browsers/keyboards drop the leading zero.
const HHMM_LOOSE = /^([01]?\d|2[0-3]):([0-5]\d)$/;

function isIanaZone(zone: string): boolean {
  // luxon asks Intl, so "Europe/Berln" is refused here instead of becoming an invalid DateTime later.
  return IANAZone.isValidZone(zone);
}

/**
 * "asia/dubai" -> "Asia/Dubai" so stored zones compare and display consistently. Only the case is
 * fixed: Intl may also map an alias to another zone (e.g. "EST" -> "America/Panama"), and we keep
 * what the user chose rather than surprising them.
 */
function canonicalZoneCase(zone: string): string {
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return zone;
  }
}

function toWeekday(item: unknown): number | null {
  // Checkbox values arrive as strings ("1".."7"); stored data has numbers.
  const n = typeof item === "string" && /^\s*\d+\s*$/.test(item) ? Number(item) : item;
  return typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 7 ? n : null;
}

/**
 * Accepts "+971 50-123.45 67", "(+44) (0)20 7946 0958", "00971 50 123 4567".
 * Returns "+<8..15 digits>" or null. A number without "+" or "00" is refused rather than guessed:
 * "050 123 4567" is local, and a wa.me link built from it would reach a stranger or nobody.
 */
export function normalizePhone(input: string): string | null {
  let s = input.trim();
  // "(0)" is the UK/EU habit of showing the trunk prefix after the country code; dialled
  // internationally it must be dropped.
  s = s.replace(/\(\s*0\s*\)/g, "");
  s = s.replace(/[\s\-.()[\]\u2010-\u2015\u2212]/g, "");
  if (s.startsWith("+")) s = s.slice(1);
  else if (s.startsWith("00")) s = s.slice(2);
  else return null;
  // Country codes never start with 0; E.164 allows at most 15 digits.
  return /^[1-9]\d{7,14}$/.test(s) ? `+${s}` : null;
}

/** Placeholder names other than date/time/ref, in order of first appearance, each once. */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = TEMPLATE_PLACEHOLDERS;
  const found = new Set<string>();
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    const name = match[1] ?? "";
    if (!known.includes(name)) found.add(name);
  }
  return [...found];
}

export function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A checkbox: conform sends "on" or nothing; stored data has a real boolean. */
const checkbox = () => z.boolean({ error: SETTINGS_MESSAGES.checkbox }).default(false);

/**
 * A whole number in [min, max]. Numeric strings are converted here as well as by conform, so a
 * plain `Object.fromEntries(formData)` parses the same way.
 */
function wholeNumber(min: number, max: number, text: { required: string; range: string }) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.input === undefined || issue.input === "" ? text.required : text.range) })
      .int(text.range)
      .min(min, text.range)
      .max(max, text.range),
  );
}

const version = z.string().optional();

/* ----------------------------------------------------------------------------------------- */
/* Working hours                                                                             */
/* ----------------------------------------------------------------------------------------- */

const timeField = z
  .string({ error: SETTINGS_MESSAGES.time })
  .trim()
  .regex(HHMM_LOOSE, SETTINGS_MESSAGES.time)
  .transform((t) => t.padStart(5, "0"));

const workingHoursShape = {
  timezone: z
    .string({ error: SETTINGS_MESSAGES.timezone })
    .trim()
    .refine(isIanaZone, SETTINGS_MESSAGES.timezone)
    .transform(canonicalZoneCase),
  // Validated as a whole so every problem lands on `days` (one error list under the checkboxes).
  // Optional on input only so getZodConstraint does not mark every day checkbox `required`
  // (the browser would then demand all seven); "none ticked" is still refused below.
  days: z
    .array(z.unknown(), { error: SETTINGS_MESSAGES.daysRequired })
    .optional()
    .transform((items, ctx) => {
      const days: number[] = [];
      for (const item of items ?? []) {
        const day = toWeekday(item);
        if (day === null) {
          ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.dayInvalid });
          return z.NEVER;
        }
        if (days.includes(day)) {
          ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.dayDuplicate });
          return z.NEVER;
        }
        days.push(day);
      }
      if (days.length === 0) {
        ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.daysRequired });
        return z.NEVER;
      }
      // Sorted so the stored JSON (and its version token) does not depend on click order.
      return days.sort((a, b) => a - b);
    }),
  start: timeField,
  end: timeField,
};

// "HH:MM" strings compare correctly as strings. Runs whenever both times are valid, even if
// another field failed, so the user sees every fixable problem at once.
const endAfterStart = [
  (v: { start: string; end: string }, ctx: z.core.$RefinementCtx<{ start: string; end: string }>) => {
    if (v.start >= v.end) ctx.addIssue({ code: "custom", path: ["end"], message: SETTINGS_MESSAGES.endAfterStart });
  },
  {
    when: (payload: z.core.ParsePayload) => {
      const value = payload.value as { start?: unknown; end?: unknown } | undefined;
      return (
        typeof value?.start === "string" && typeof value.end === "string" && HHMM_STRICT.test(value.start) && HHMM_STRICT.test(value.end)
      );
    },
  },
] as const;

export const workingHoursValueSchema = z.object(workingHoursShape).superRefine(...endAfterStart);
export const workingHoursSchema = z.object({ ...workingHoursShape, version }).superRefine(...endAfterStart);
export type WorkingHours = z.output<typeof workingHoursValueSchema>;

/** What the hours form suggests before anything is saved (the zone comes from the provider row). */
export const DEFAULT_WORKING_HOURS: Readonly<Omit<WorkingHours, "timezone">> = Object.freeze({
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "17:00",
});

/* ----------------------------------------------------------------------------------------- */
/* WhatsApp                                                                                  */
/* ----------------------------------------------------------------------------------------- */

export const phoneField = z.string({ error: SETTINGS_MESSAGES.phone }).transform((raw, ctx) => {
  const phone = normalizePhone(raw);
  if (phone === null) {
    ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.phone });
    return z.NEVER;
  }
  return phone;
});

export const templateField = z
  .string({ error: SETTINGS_MESSAGES.templateRequired })
  .trim()
  .min(1, SETTINGS_MESSAGES.templateRequired)
  .max(TEMPLATE_MAX_LENGTH, SETTINGS_MESSAGES.templateTooLong)
  .superRefine((template, ctx) => {
    // One issue per unknown name, so the user sees every typo, not just the first.
    for (const name of unknownPlaceholders(template)) {
      ctx.addIssue({ code: "custom", message: unknownPlaceholderMessage(name) });
    }
  });

// The phone is required even when WhatsApp is off: turning it off should not lose the number,
// and "disabled" is then a single switch the booking page and publishProblems can trust.
const whatsappShape = {
  enabled: checkbox(),
  phoneE164: phoneField,
  messageTemplate: templateField,
};

export const whatsappValueSchema = z.object(whatsappShape);
export const whatsappSchema = z.object({ ...whatsappShape, version });
export type WhatsApp = z.output<typeof whatsappValueSchema>;

/* ----------------------------------------------------------------------------------------- */
/* Booking rules                                                                             */
/* ----------------------------------------------------------------------------------------- */

const L = BOOKING_LIMITS;
// No schema-level defaults: the form is prefilled (with DEFAULT_BOOKING when nothing is stored),
// so an emptied input is a mistake to point out, not a silent reset.
export const bookingShape = {
  slotMinutes: wholeNumber(L.slotMinutes.min, L.slotMinutes.max, {
    required: "Enter the slot length in minutes",
    range: `Slot length must be a whole number of minutes from ${L.slotMinutes.min} to ${L.slotMinutes.max}`,
  }),
  bufferMinutes: wholeNumber(L.bufferMinutes.min, L.bufferMinutes.max, {
    required: "Enter the buffer in minutes (0 for none)",
    range: `Buffer must be a whole number of minutes from ${L.bufferMinutes.min} to ${L.bufferMinutes.max}`,
  }),
  minNoticeHours: wholeNumber(L.minNoticeHours.min, L.minNoticeHours.max, {
    required: "Enter the minimum notice in hours (0 for none)",
    range: `Minimum notice must be a whole number of hours from ${L.minNoticeHours.min} to ${L.minNoticeHours.max}`,
  }),
  horizonDays: wholeNumber(L.horizonDays.min, L.horizonDays.max, {
    required: "Enter how many days ahead clients can book",
    range: `Booking horizon must be a whole number of days from ${L.horizonDays.min} to ${L.horizonDays.max}`,
  }),
};

const bookingValueSchema = z.object(bookingShape);
export const bookingSchema = z.object({ ...bookingShape, version });
export type Booking = z.output<typeof bookingValueSchema>;

export const DEFAULT_BOOKING: Readonly<Booking> = Object.freeze({
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeHours: 2,
  horizonDays: 14,
});

/* ----------------------------------------------------------------------------------------- */
/* Profile                                                                                   */
/* ----------------------------------------------------------------------------------------- */

export const displayNameField = z
  .string({ error: SETTINGS_MESSAGES.displayNameType })
  .trim()
  .max(DISPLAY_NAME_MAX_LENGTH, SETTINGS_MESSAGES.displayNameTooLong)
  // Whitespace-only means "no display name", same as an empty input.
  .transform((name) => (name === "" ? undefined : name))
  .optional();

export const profileSchema = z.object({
  publicSlug: slugSchema,
  displayName: displayNameField,
  isPublic: checkbox(),
  version,
});
export type Profile = Omit<z.output<typeof profileSchema>, "version">;

/* ----------------------------------------------------------------------------------------- */
/* Calendar selection                                                                        */
/* ----------------------------------------------------------------------------------------- */

const calendarShape = {
  // No ticked checkbox means no field at all, i.e. "use no calendars".
  selectedCalendarIds: z
    .array(z.unknown(), { error: SETTINGS_MESSAGES.calendarUrl })
    .optional()
    .transform((items, ctx) => {
      const ids: string[] = [];
      for (const item of items ?? []) {
        const id = typeof item === "string" ? item.trim() : "";
        if (!isHttpUrl(id)) {
          ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.calendarUrl });
          return z.NEVER;
        }
        // Duplicates are harmless (the migration merged several integrations); drop them quietly.
        if (!ids.includes(id)) ids.push(id);
      }
      if (ids.length > MAX_SELECTED_CALENDARS) {
        ctx.addIssue({ code: "custom", message: SETTINGS_MESSAGES.tooManyCalendars });
        return z.NEVER;
      }
      return ids;
    }),
};

export const calendarValueSchema = z.object(calendarShape);
export const calendarSelectionSchema = z.object({ ...calendarShape, version });
export type CalendarSelection = z.output<typeof calendarValueSchema>;

/** The stored shape of each section (form schemas minus `version`). */
export const settingsValueSchemas = {
  workingHours: workingHoursValueSchema,
  whatsapp: whatsappValueSchema,
  booking: bookingValueSchema,
  calendar: calendarValueSchema,
} as const;

/* ----------------------------------------------------------------------------------------- */
/* Calendar for confirmed bookings ("add bookings to")                                       */
/* ----------------------------------------------------------------------------------------- */

// Optional: "" (conform: undefined) means "no writable calendar": bookings are confirmed here only.
const bookingCalendarShape = {
  calendarUrl: z
    .string({ error: SETTINGS_MESSAGES.calendarUrl })
    .trim()
    .refine(isHttpUrl, SETTINGS_MESSAGES.calendarUrl)
    .optional()
    .transform((url) => url ?? null),
};
/** The form's intent on /settings/calendar (shared by the page and its action; pure, so the browser has it). */
export const BOOKING_CALENDAR_INTENT = "booking-calendar";
export const bookingCalendarValueSchema = z.object({ calendarUrl: z.string().refine(isHttpUrl).nullable() });
export const bookingCalendarSchema = z.object({ ...bookingCalendarShape, version });
export type BookingCalendar = z.output<typeof bookingCalendarValueSchema>;
