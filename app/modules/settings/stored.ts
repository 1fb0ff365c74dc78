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
  templateTextField,
  bookingShape,
  workingHoursValueSchema,
  whatsappValueSchema,
  calendarValueSchema,
  displayNameField,
  localeShape,
  DEFAULT_LOCALE,
  type LocaleSettings,
  allDayEventsField,
  dateOverrideSchema,
  dateOverridesValueSchema,
  stepMinutesField,
  MAX_DATE_OVERRIDES,
  type AllDayEvents,
  type DateOverride,
  profileDetailsShape,
  profileDetailsValueSchema,
  bookingCalendarValueSchema,
  type Booking,
  type ProfileDetails,
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
  whatsappTemplate:
    "Your WhatsApp message does not contain both {date} and {time}, so every time slot sends the same text; add them and save the WhatsApp settings.",
  booking: "Booking rules were stored in an old or damaged format, so defaults are shown; please save them again.",
  calendar: "The calendar selection was stored in an old or damaged format; please choose your calendars again.",
  displayName: "Your display name was stored in a damaged format; please save your profile again.",
  locale: "Page language and clock settings were stored in a damaged format, so defaults are shown; please save them again.",
  dateOverrides: "Some time off or special dates were stored in a damaged format and are ignored; please review them.",
  profile: "Your profile details were stored in a damaged format; please review and save your profile again.",
} as const;

export type Settings = {
  workingHours: WorkingHours | null;
  whatsapp: WhatsApp | null;
  booking: Booking;
  calendar: { selectedCalendarIds: string[]; allDayEvents: AllDayEvents };
  /** Page language, digits, clock and clients' zones: defaults (the page as it always was) until saved. */
  locale: LocaleSettings;
  /** Time off and special dates, sorted by first date; past ones are kept until removed. */
  dateOverrides: DateOverride[];
  displayName?: string;
  /** Headline, about, location, price, photo fingerprint: present only when something is stored. */
  profile?: ProfileDetails;
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
  return {
    workingHours: null,
    whatsapp: null,
    booking: { ...DEFAULT_BOOKING },
    calendar: { selectedCalendarIds: [], allDayEvents: "busy" },
    locale: defaultLocale(),
    dateOverrides: [],
    problems: [],
  };
}

function defaultLocale(): LocaleSettings {
  return { ...DEFAULT_LOCALE, clientZones: [...DEFAULT_LOCALE.clientZones] };
}

function readLocale(value: unknown, problems: string[]): LocaleSettings {
  const locale = defaultLocale();
  if (!isRecord(value)) {
    problems.push(SETTINGS_PROBLEMS.locale);
    return locale;
  }
  // Field by field, like booking rules: a damaged zone list should not switch the page to English.
  let damaged = false;
  for (const key of Object.keys(localeShape) as (keyof LocaleSettings)[]) {
    const raw = own(value, key);
    if (raw === undefined) continue;
    const parsed = localeShape[key].safeParse(raw);
    if (parsed.success) (locale as Record<string, unknown>)[key] = parsed.data;
    else damaged = true;
  }
  if (damaged) problems.push(SETTINGS_PROBLEMS.locale);
  return locale;
}

function readWhatsapp(value: unknown, problems: string[]): WhatsApp | null {
  const parsed = whatsappValueSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Saved before a template had to name {date} and {time}: still the provider's own words, so
  // keep them (the page keeps working) and ask for the placeholders.
  const older = whatsappValueSchema
    .extend({ messageTemplate: templateTextField, messageTemplateAr: templateTextField.optional() })
    .safeParse(value);
  if (older.success) {
    problems.push(SETTINGS_PROBLEMS.whatsappTemplate);
    return older.data;
  }
  problems.push(SETTINGS_PROBLEMS.whatsapp);
  // Salvage the number when only the template (e.g. an older placeholder) or the flag is bad:
  // losing the phone would silently unpublish the booking flow.
  if (!isRecord(value)) return null;
  const phone = phoneField.safeParse(own(value, "phoneE164"));
  if (!phone.success) return null;
  const template = templateTextField.safeParse(own(value, "messageTemplate"));
  const templateAr = templateTextField.safeParse(own(value, "messageTemplateAr"));
  return {
    enabled: own(value, "enabled") === true,
    phoneE164: phone.data,
    messageTemplate: template.success ? template.data : DEFAULT_WHATSAPP_TEMPLATE,
    ...(templateAr.success ? { messageTemplateAr: templateAr.data } : {}),
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
  for (const key of Object.keys(bookingShape) as (keyof typeof bookingShape)[]) {
    const raw = own(value, key);
    if (raw === undefined) continue; // added in a later version: default, nothing to report
    const parsed = bookingShape[key].safeParse(raw);
    if (parsed.success) booking[key] = parsed.data;
    else damaged = true;
  }
  const step = own(value, "stepMinutes");
  if (step !== undefined) {
    const parsed = stepMinutesField.safeParse(step);
    if (parsed.success && parsed.data !== undefined) booking.stepMinutes = parsed.data;
    else damaged = true;
  }
  if (damaged) problems.push(SETTINGS_PROBLEMS.booking);
  return booking;
}

function readCalendar(value: unknown, problems: string[]): Settings["calendar"] {
  const parsed = calendarValueSchema.safeParse(value);
  if (parsed.success) return { selectedCalendarIds: parsed.data.selectedCalendarIds, allDayEvents: parsed.data.allDayEvents ?? "busy" };
  problems.push(SETTINGS_PROBLEMS.calendar);
  const allDay = allDayEventsField.safeParse(isRecord(value) ? own(value, "allDayEvents") : undefined);
  // Keep the entries that are still usable rather than dropping the whole selection.
  const items = isRecord(value) ? own(value, "selectedCalendarIds") : undefined;
  const ids: string[] = [];
  if (Array.isArray(items)) {
    for (const item of items) {
      if (typeof item === "string" && isHttpUrl(item.trim()) && !ids.includes(item.trim())) ids.push(item.trim());
    }
  }
  // A damaged switch counts as "busy": an all-day event must not free a day by accident.
  return { selectedCalendarIds: ids.slice(0, MAX_SELECTED_CALENDARS), allDayEvents: allDay.success ? allDay.data : "busy" };
}

function readDateOverrides(value: unknown, problems: string[]): DateOverride[] {
  const parsed = dateOverridesValueSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(SETTINGS_PROBLEMS.dateOverrides);
  if (!Array.isArray(value)) return [];
  // Keep every readable entry that does not share a date with an earlier kept one.
  const kept: DateOverride[] = [];
  for (const item of value.slice(0, MAX_DATE_OVERRIDES)) {
    const one = dateOverrideSchema.safeParse(item);
    if (!one.success) continue;
    if (kept.some((k) => k.from <= one.data.to && one.data.from <= k.to)) continue;
    kept.push(one.data);
  }
  return kept.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
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

  const locale = own(root, "locale");
  if (locale !== undefined && locale !== null) settings.locale = readLocale(locale, problems);
  const dateOverrides = own(root, "dateOverrides");
  if (dateOverrides !== undefined && dateOverrides !== null) settings.dateOverrides = readDateOverrides(dateOverrides, problems);

  const displayName = own(root, "displayName");
  if (displayName !== undefined && displayName !== null) {
    const parsed = displayNameField.safeParse(displayName);
    if (parsed.success) {
      if (parsed.data !== undefined) settings.displayName = parsed.data;
    } else {
      problems.push(SETTINGS_PROBLEMS.displayName);
    }
  }
  const profile = own(root, "profile");
  if (profile !== undefined && profile !== null) {
    const read = readProfile(profile, problems);
    if (Object.keys(read).length > 0) settings.profile = read;
  }
  return settings;
}

/** Field by field, like booking rules: one damaged text should not hide the others. */
function readProfile(value: unknown, problems: string[]): ProfileDetails {
  const parsed = profileDetailsValueSchema.safeParse(value);
  const result: ProfileDetails = {};
  if (parsed.success) {
    for (const [key, text] of Object.entries(parsed.data)) if (text !== undefined) result[key as keyof ProfileDetails] = text;
    return result;
  }
  problems.push(SETTINGS_PROBLEMS.profile);
  if (!isRecord(value)) return result;
  for (const key of Object.keys(profileDetailsShape) as (keyof typeof profileDetailsShape)[]) {
    const field = profileDetailsShape[key].safeParse(own(value, key));
    if (field.success && field.data !== undefined) result[key] = field.data;
  }
  const photo = profileDetailsValueSchema.shape.photo.safeParse(own(value, "photo"));
  if (photo.success && photo.data !== undefined) result.photo = photo.data;
  return result;
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
