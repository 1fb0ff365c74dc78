/**
 * Reading what is stored in `providers.settings` (jsonb): tolerant, never throws, defaults plus a
 * "needs attention" hint for anything damaged. Pure: runs in the browser too.
 */
import {
  DEFAULT_WHATSAPP_TEMPLATE,
  DEFAULT_BOOKING,
  MAX_SELECTED_CALENDARS,
  isHttpUrl,
  phoneField,
  templateField,
  bookingShape,
  workingHoursValueSchema,
  whatsappValueSchema,
  calendarValueSchema,
  displayNameField,
  bookingCalendarValueSchema,
  type Booking,
  type WhatsApp,
  type WorkingHours,
} from "./schemas";

/* ----------------------------------------------------------------------------------------- */
/* Reading stored settings                                                                   */
/* ----------------------------------------------------------------------------------------- */

export const SETTINGS_PROBLEMS = {
  root: "Your settings were stored in an unreadable format, so defaults are shown; please review and save each section.",
  workingHours: "Working hours were stored in an old or damaged format; please save them again.",
  whatsapp: "WhatsApp settings were stored in an old or damaged format; please save them again.",
  booking: "Booking rules were stored in an old or damaged format, so defaults are shown; please save them again.",
  calendar: "The calendar selection was stored in an old or damaged format; please choose your calendars again.",
  displayName: "Your display name was stored in a damaged format; please save your profile again.",
} as const;

export type Settings = {
  workingHours: WorkingHours | null;
  whatsapp: WhatsApp | null;
  booking: Booking;
  calendar: { selectedCalendarIds: string[] };
  displayName?: string;
  /** Human hints about stored data that could not be used; empty when everything was fine. */
  problems: string[];
};

/** Plain objects only: JSON never produces a Date, Map or class instance, so those are damage. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own properties only: a key inherited from a prototype is not stored data. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function emptySettings(): Settings {
  return { workingHours: null, whatsapp: null, booking: { ...DEFAULT_BOOKING }, calendar: { selectedCalendarIds: [] }, problems: [] };
}

function readWhatsapp(value: unknown, problems: string[]): WhatsApp | null {
  const parsed = whatsappValueSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(SETTINGS_PROBLEMS.whatsapp);
  // Salvage the number when only the template (e.g. an older placeholder) or the flag is bad:
  // losing the phone would silently unpublish the booking flow.
  if (!isRecord(value)) return null;
  const phone = phoneField.safeParse(own(value, "phoneE164"));
  if (!phone.success) return null;
  const template = templateField.safeParse(own(value, "messageTemplate"));
  return {
    enabled: own(value, "enabled") === true,
    phoneE164: phone.data,
    messageTemplate: template.success ? template.data : DEFAULT_WHATSAPP_TEMPLATE,
  };
}

function readBooking(value: unknown, problems: string[]): Booking {
  if (!isRecord(value)) {
    problems.push(SETTINGS_PROBLEMS.booking);
    return { ...DEFAULT_BOOKING };
  }
  // Field by field: one bad number should not reset the others.
  const booking: Booking = { ...DEFAULT_BOOKING };
  let damaged = false;
  for (const key of Object.keys(bookingShape) as (keyof Booking)[]) {
    const raw = own(value, key);
    if (raw === undefined) continue; // added in a later version: default, nothing to report
    const parsed = bookingShape[key].safeParse(raw);
    if (parsed.success) booking[key] = parsed.data;
    else damaged = true;
  }
  if (damaged) problems.push(SETTINGS_PROBLEMS.booking);
  return booking;
}

function readCalendar(value: unknown, problems: string[]): { selectedCalendarIds: string[] } {
  const parsed = calendarValueSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(SETTINGS_PROBLEMS.calendar);
  // Keep the entries that are still usable rather than dropping the whole selection.
  const items = isRecord(value) ? own(value, "selectedCalendarIds") : undefined;
  const ids: string[] = [];
  if (Array.isArray(items)) {
    for (const item of items) {
      if (typeof item === "string" && isHttpUrl(item.trim()) && !ids.includes(item.trim())) ids.push(item.trim());
    }
  }
  return { selectedCalendarIds: ids.slice(0, MAX_SELECTED_CALENDARS) };
}

function readSettingsUnsafe(raw: unknown): Settings {
  const settings = emptySettings();
  const { problems } = settings;
  let root = raw;
  // A text column (or a double-encoded jsonb value) holds the JSON as a string.
  if (typeof root === "string") {
    try {
      root = JSON.parse(root) as unknown;
    } catch {
      problems.push(SETTINGS_PROBLEMS.root);
      return settings;
    }
  }
  if (root === null || root === undefined) return settings;
  if (!isRecord(root)) {
    problems.push(SETTINGS_PROBLEMS.root);
    return settings;
  }

  const workingHours = own(root, "workingHours");
  if (workingHours !== undefined && workingHours !== null) {
    const parsed = workingHoursValueSchema.safeParse(workingHours);
    if (parsed.success) settings.workingHours = parsed.data;
    else problems.push(SETTINGS_PROBLEMS.workingHours);
  }

  const whatsapp = own(root, "whatsapp");
  if (whatsapp !== undefined && whatsapp !== null) settings.whatsapp = readWhatsapp(whatsapp, problems);

  const booking = own(root, "booking");
  if (booking !== undefined && booking !== null) settings.booking = readBooking(booking, problems);

  const calendar = own(root, "calendar");
  if (calendar !== undefined && calendar !== null) settings.calendar = readCalendar(calendar, problems);

  const displayName = own(root, "displayName");
  if (displayName !== undefined && displayName !== null) {
    const parsed = displayNameField.safeParse(displayName);
    if (parsed.success) {
      if (parsed.data !== undefined) settings.displayName = parsed.data;
    } else {
      problems.push(SETTINGS_PROBLEMS.displayName);
    }
  }
  return settings;
}

/**
 * Never throws: a provider with damaged settings must still be able to open the settings page and
 * fix them. Missing sections give null/defaults silently; unusable ones add a hint to `problems`.
 */
export function readSettings(raw: unknown): Settings {
  try {
    return readSettingsUnsafe(raw);
  } catch {
    // Only reachable for hostile inputs (throwing getters, proxies); still show a usable page.
    const settings = emptySettings();
    settings.problems.push(SETTINGS_PROBLEMS.root);
    return settings;
  }
}

/**
 * The zone a provider's times are in: the one saved with the working hours, else the column
 * (the seed's default). Every reader uses this rule.
 */
export function effectiveTimezone(settings: Pick<Settings, "workingHours">, columnTimezone: string): string {
  return settings.workingHours?.timezone ?? columnTimezone;
}

/** settings.bookingCalendar.calendarUrl, or null when none is chosen or what is stored is unusable. */
export function readBookingCalendarUrl(rawSection: unknown): string | null {
  const parsed = bookingCalendarValueSchema.safeParse(rawSection);
  return parsed.success ? parsed.data.calendarUrl : null;
}
