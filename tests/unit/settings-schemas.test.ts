import { describe, expect, test } from "vitest";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import {
  BOOKING_LIMITS,
  DEFAULT_BOOKING,
  DEFAULT_LOCALE,
  DEFAULT_WHATSAPP_TEMPLATE,
  SETTINGS_MESSAGES as M,
  TEMPLATE_MAX_LENGTH,
  bookingSchema,
  calendarSelectionSchema,
  normalizePhone,
  profileSchema,
  settingsValueSchemas,
  unknownPlaceholderMessage,
  whatsappSchema,
  workingHoursSchema,
  HOURS_MESSAGES as H,
  allDayEventsSchema,
  dateOverridesFormSchema,
  deriveLegacyHours,
  findZoneByCity,
  weeklySchema,
} from "~/modules/settings/schemas";
import { applyHoursIntent, applyTimeOffIntent, parseHoursIntent, parseTimeOffIntent } from "~/modules/settings/grid-intents";
import { PUBLISH_PROBLEMS, publishProblems } from "~/modules/settings/publish";
import { SETTINGS_PROBLEMS, readSettings } from "~/modules/settings/stored";
import { sectionVersion } from "~/modules/settings/version";
import { SLUG_MESSAGES } from "~/modules/settings/slug";

type Entries = Record<string, string | string[]>;

function formData(entries: Entries): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) {
    for (const item of Array.isArray(value) ? value : [value]) data.append(name, item);
  }
  return data;
}

/** Parses the way the route does (conform on client and server): value on success, errors by field otherwise. */
function submit<S extends z.ZodType>(schema: S, entries: Entries) {
  const submission = parseWithZod(formData(entries), { schema });
  return submission.status === "success"
    ? { value: submission.value as z.output<S>, error: undefined }
    : { value: undefined, error: submission.error as Record<string, string[] | null> };
}

/** Plain-object parse: errors keyed like conform ("end", "days"). */
function plain<S extends z.ZodType>(schema: S, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data as z.output<S>, error: undefined };
  const error: Record<string, string[]> = {};
  for (const issue of result.error.issues) (error[issue.path.join(".")] ??= []).push(issue.message);
  return { value: undefined, error };
}

const STORED = {
  displayName: "Demo Personal Trainer",
  workingHours: { timezone: "Asia/Dubai", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
  whatsapp: { enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi! Can I book {date} at {time}?" },
  calendar: { selectedCalendarIds: ["https://caldav.icloud.com/123/calendars/work/"], allDayEvents: "busy" },
  dateOverrides: [{ from: "2026-12-24", to: "2026-12-26", ranges: [], note: "Family" }],
  booking: { slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 14 },
};

/* ------------------------------------------------------------------------------------------- */

// The seed's keys (days x start-end): still what a stored value without `weekly` means.
const legacyHours = settingsValueSchemas.workingHours;

describe("workingHours without weekly (the seed's shape)", () => {
  const valid = { timezone: "Asia/Dubai", days: ["1", "2", "3", "4", "5"], start: "09:00", end: "17:00" };

  describe("accepted", () => {
    test("form: checkbox strings become sorted ISO weekdays", () => {
      expect(submit(legacyHours, { ...valid, days: ["5", "1", "3"] }).value).toEqual({
        timezone: "Asia/Dubai",
        days: [1, 3, 5],
        start: "09:00",
        end: "17:00",
      });
    });
    test("form: a single ticked day (conform sends a lone value, not an array)", () => {
      expect(submit(legacyHours, { ...valid, days: "7" }).value?.days).toEqual([7]);
    });
    test("form: all seven days", () => {
      expect(submit(legacyHours, { ...valid, days: ["1", "2", "3", "4", "5", "6", "7"] }).value?.days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
    test.each(["Asia/Dubai", "Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5"])("zone %s", (zone) => {
      expect(submit(legacyHours, { ...valid, timezone: zone }).value?.timezone).toBe(zone);
    });
    test("zone case is normalised, surrounding spaces trimmed", () => {
      expect(submit(legacyHours, { ...valid, timezone: " asia/dubai " }).value?.timezone).toBe("Asia/Dubai");
    });
    test.each([
      ["00:00", "23:59"],
      ["09:00", "09:01"],
      ["9:00", "17:30"],
    ])("times %s-%s", (start, end) => {
      const value = submit(legacyHours, { ...valid, start, end }).value;
      expect(value?.start).toBe(start.padStart(5, "0"));
      expect(value?.end).toBe(end);
    });
    test("plain object in the stored shape parses to itself", () => {
      expect(plain(legacyHours, STORED.workingHours).value).toEqual(STORED.workingHours);
    });
    test("plain object with string days is coerced too", () => {
      expect(plain(legacyHours, { ...STORED.workingHours, days: ["2", 1] }).value?.days).toEqual([1, 2]);
    });
  });

  describe("refused", () => {
    test.each(["Mars/Base", "Europe/Berln", "GMT+4 Dubai", "+04:00", "   "])("zone %j", (timezone) => {
      expect(submit(legacyHours, { ...valid, timezone }).error?.timezone).toEqual([M.timezone]);
    });
    test("missing zone (empty select)", () => {
      expect(submit(legacyHours, { ...valid, timezone: "" }).error?.timezone).toEqual([M.timezone]);
      expect(plain(legacyHours, { ...STORED.workingHours, timezone: 4 }).error?.timezone).toEqual([M.timezone]);
    });
    test("no day ticked", () => {
      const { days: _days, ...noDays } = valid;
      expect(submit(legacyHours, noDays).error?.days).toEqual([M.daysRequired]);
      expect(plain(legacyHours, { ...STORED.workingHours, days: [] }).error?.days).toEqual([M.daysRequired]);
      expect(plain(legacyHours, { ...STORED.workingHours, days: undefined }).error?.days).toEqual([M.daysRequired]);
    });
    test.each([["0"], ["8"], ["-1"], ["1.5"], ["monday"], [""]])("day %j", (day) => {
      expect(submit(legacyHours, { ...valid, days: ["1", day] }).error?.days).toEqual([M.dayInvalid]);
    });
    test("non-integer / wrong-type days in plain objects", () => {
      for (const day of [0, 8, 2.5, null, true, {}]) {
        expect(plain(legacyHours, { ...STORED.workingHours, days: [1, day] }).error?.days).toEqual([M.dayInvalid]);
      }
    });
    test("duplicate days", () => {
      expect(submit(legacyHours, { ...valid, days: ["1", "2", "1"] }).error?.days).toEqual([M.dayDuplicate]);
      expect(plain(legacyHours, { ...STORED.workingHours, days: [3, "3"] }).error?.days).toEqual([M.dayDuplicate]);
    });
    // "9am" and "09.00" are accepted since the fields follow the provider's clock (tests/unit/locale.test.ts).
    test.each(["25:00", "24:00", "12:60", "9", "13pm", "0900", "09:00:00", "", "ab:cd", " 9 : 00"])("time %j", (time) => {
      expect(submit(legacyHours, { ...valid, start: time }).error?.start).toEqual([M.time]);
      expect(submit(legacyHours, { ...valid, end: time }).error?.end).toEqual([M.time]);
    });
    test("end equal to start, or before it: error on end", () => {
      expect(submit(legacyHours, { ...valid, start: "10:00", end: "10:00" }).error).toEqual({ end: [M.endAfterStart] });
      expect(submit(legacyHours, { ...valid, start: "18:00", end: "09:00" }).error).toEqual({ end: [M.endAfterStart] });
      expect(plain(legacyHours, { ...STORED.workingHours, start: "17:00", end: "09:00" }).error).toEqual({
        end: [M.endAfterStart],
      });
    });
    test("'9:00' vs '10:00' compares as times, not as text", () => {
      expect(submit(legacyHours, { ...valid, start: "9:00", end: "10:00" }).value?.start).toBe("09:00");
    });
    test("order check is skipped when a time is itself invalid (one message per problem)", () => {
      expect(submit(legacyHours, { ...valid, start: "99:00", end: "09:00" }).error).toEqual({ start: [M.time] });
    });
    test("every independent problem is reported at once", () => {
      expect(submit(legacyHours, { timezone: "Nowhere", start: "18:00", end: "17:00" }).error).toEqual({
        timezone: [M.timezone],
        days: [M.daysRequired],
        end: [M.endAfterStart],
      });
    });
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("whatsappSchema", () => {
  const valid = { enabled: "on", phoneE164: "+971 50 123 4567", messageTemplate: DEFAULT_WHATSAPP_TEMPLATE };

  describe("phone accepted and normalised", () => {
    test.each([
      ["+971 50 123 4567", "+971501234567"],
      ["+971-50-123-4567", "+971501234567"],
      ["+971.50.123.4567", "+971501234567"],
      ["(+971) 50 123 4567", "+971501234567"],
      ["+971 (50) 123-4567", "+971501234567"],
      ["00971 50 123 4567", "+971501234567"],
      ["  +971501234567  ", "+971501234567"],
      ["+44 (0)20 7946 0958", "+442079460958"],
      ["+1 [415] 555–0100", "+14155550100"],
      ["+12345678", "+12345678"], // 8 digits: the shortest allowed
      ["+123456789012345", "+123456789012345"], // 15 digits: the E.164 maximum
    ])("%j -> %j", (input, expected) => {
      expect(submit(whatsappSchema, { ...valid, phoneE164: input }).value?.phoneE164).toBe(expected);
      expect(normalizePhone(input)).toBe(expected);
    });
  });

  describe("phone refused", () => {
    test.each([
      "050 123 4567", // local: country unknown
      "971501234567", // no + or 00: refused rather than guessed
      "+0971501234567", // country codes never start with 0
      "000971501234567",
      "+1234567", // 7 digits
      "+1234567890123456", // 16 digits
      "+971 50 ABC 4567",
      "+971 50 123 4567 ext 2",
      "++971501234567",
      "+971/50/1234567",
      "+",
      "",
    ])("%j", (input) => {
      expect(submit(whatsappSchema, { ...valid, phoneE164: input }).error?.phoneE164).toEqual([M.phone]);
    });
    test("missing or non-string in plain objects", () => {
      expect(plain(whatsappSchema, { ...STORED.whatsapp, phoneE164: undefined }).error?.phoneE164).toEqual([M.phone]);
      expect(plain(whatsappSchema, { ...STORED.whatsapp, phoneE164: 971500000000 }).error?.phoneE164).toEqual([M.phone]);
    });
  });

  describe("enabled checkbox", () => {
    test("'on' is true, absent is false", () => {
      expect(submit(whatsappSchema, valid).value?.enabled).toBe(true);
      const { enabled: _enabled, ...off } = valid;
      expect(submit(whatsappSchema, off).value?.enabled).toBe(false);
    });
    test("plain booleans", () => {
      expect(plain(whatsappSchema, { ...STORED.whatsapp, enabled: false }).value?.enabled).toBe(false);
      expect(plain(whatsappSchema, { ...STORED.whatsapp, enabled: true }).value?.enabled).toBe(true);
    });
    test("anything else in a plain object is refused", () => {
      expect(plain(whatsappSchema, { ...STORED.whatsapp, enabled: "yes" }).error?.enabled).toEqual([M.checkbox]);
    });
    test("the number is required even when WhatsApp is off", () => {
      expect(submit(whatsappSchema, { phoneE164: "", messageTemplate: "x" }).error?.phoneE164).toEqual([M.phone]);
    });
  });

  describe("template", () => {
    test.each([
      DEFAULT_WHATSAPP_TEMPLATE,
      "Hello, is {date} at {time} free?",
      "{time} {date} {time}",
      "Unpaired braces are plain text: } or { or {date {date} {time}",
      "{date}{time}" + "x".repeat(TEMPLATE_MAX_LENGTH - 12),
      "Line one\nLine two on {date} {time}",
    ])("accepted: %j", (template) => {
      expect(submit(whatsappSchema, { ...valid, messageTemplate: template }).value?.messageTemplate).toBe(template);
    });
    test.each(["Hello, is {date} free?", "Booking at {time}", "No placeholders at all"])(
      "refused without both {date} and {time}: %j",
      (template) => {
        expect(submit(whatsappSchema, { ...valid, messageTemplate: template }).error?.messageTemplate).toEqual([
          M.templateNeedsDateAndTime,
        ]);
      },
    );
    test("trimmed; browser line breaks (CRLF) stored as LF", () => {
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "  Hi {date} {time}  \n" }).value?.messageTemplate).toBe(
        "Hi {date} {time}",
      );
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "Hi\r\n{date} {time}" }).value?.messageTemplate).toBe("Hi\n{date} {time}");
    });
    test("required", () => {
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "" }).error?.messageTemplate).toEqual([M.templateRequired]);
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "   " }).error?.messageTemplate).toEqual([M.templateRequired]);
      expect(plain(whatsappSchema, { ...STORED.whatsapp, messageTemplate: undefined }).error?.messageTemplate).toEqual([
        M.templateRequired,
      ]);
    });
    test("at most 300 characters", () => {
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "x".repeat(TEMPLATE_MAX_LENGTH + 1) }).error?.messageTemplate).toEqual([
        M.templateTooLong,
      ]);
    });
    test("an unknown placeholder is named", () => {
      expect(submit(whatsappSchema, { ...valid, messageTemplate: "Hi {name}, {date}?" }).error?.messageTemplate).toEqual([
        "Unknown placeholder {name}: use {date}, {time} and {ref}",
      ]);
    });
    test("each unknown placeholder is listed once, in order", () => {
      expect(
        submit(whatsappSchema, { ...valid, messageTemplate: "{name} {Date} {date} {name} { time } {}" }).error?.messageTemplate,
      ).toEqual(["name", "Date", " time ", ""].map(unknownPlaceholderMessage));
    });
    test("too long and unknown placeholder are both reported", () => {
      const template = `{foo} ${"x".repeat(TEMPLATE_MAX_LENGTH)}`;
      expect(submit(whatsappSchema, { ...valid, messageTemplate: template }).error?.messageTemplate).toEqual([
        M.templateTooLong,
        unknownPlaceholderMessage("foo"),
      ]);
    });
  });

  test("plain object in the stored shape parses to itself; version optional", () => {
    expect(plain(settingsValueSchemas.whatsapp, STORED.whatsapp).value).toEqual(STORED.whatsapp);
    expect(plain(whatsappSchema, { ...STORED.whatsapp, version: "v" }).value).toEqual({ ...STORED.whatsapp, version: "v" });
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("bookingSchema", () => {
  const valid = { slotMinutes: "60", bufferMinutes: "0", minNoticeHours: "2", horizonDays: "14" };
  // The step is optional and has its own tests below.
  const fields = (Object.keys(BOOKING_LIMITS) as (keyof typeof BOOKING_LIMITS)[]).filter((f) => f !== "stepMinutes");

  test("DEFAULT_BOOKING is {60, 0, 2, 14} and valid", () => {
    expect(DEFAULT_BOOKING).toEqual({ slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 14 });
    expect(plain(bookingSchema, DEFAULT_BOOKING).value).toEqual(DEFAULT_BOOKING);
    expect(Object.isFrozen(DEFAULT_BOOKING)).toBe(true);
  });
  test("form strings become numbers", () => {
    expect(submit(bookingSchema, { ...valid, version: "t" }).value).toEqual({ ...DEFAULT_BOOKING, version: "t" });
  });
  test("plain numbers and numeric strings", () => {
    expect(plain(bookingSchema, STORED.booking).value).toEqual(STORED.booking);
    expect(plain(bookingSchema, { ...valid, slotMinutes: " 30 " }).value).toEqual({ ...DEFAULT_BOOKING, slotMinutes: 30 });
  });

  describe.each(fields)("%s", (field) => {
    const { min, max } = BOOKING_LIMITS[field];
    test(`accepts ${min} and ${max}`, () => {
      expect(submit(bookingSchema, { ...valid, [field]: String(min) }).value?.[field]).toBe(min);
      expect(submit(bookingSchema, { ...valid, [field]: String(max) }).value?.[field]).toBe(max);
      expect(plain(bookingSchema, { ...DEFAULT_BOOKING, [field]: max }).value?.[field]).toBe(max);
    });
    test(`refuses ${min - 1}, ${max + 1}, fractions and text with a range message`, () => {
      for (const bad of [String(min - 1), String(max + 1), `${min}.5`, "ten", "1e9"]) {
        const error = submit(bookingSchema, { ...valid, [field]: bad }).error?.[field];
        expect(error, bad).toHaveLength(1);
        expect(error?.[0], bad).toMatch(new RegExp(`whole number of \\w+ from ${min} to ${max}$`));
      }
      expect(plain(bookingSchema, { ...DEFAULT_BOOKING, [field]: Number.NaN }).error?.[field]).toHaveLength(1);
      expect(plain(bookingSchema, { ...DEFAULT_BOOKING, [field]: true }).error?.[field]).toHaveLength(1);
    });
    test("an emptied input asks for a value (no silent default)", () => {
      const error = submit(bookingSchema, { ...valid, [field]: "" }).error?.[field];
      expect(error).toHaveLength(1);
      expect(error?.[0]).toMatch(/^Enter /);
      const { [field]: _omitted, ...rest } = DEFAULT_BOOKING;
      expect(plain(bookingSchema, rest).error?.[field]?.[0]).toMatch(/^Enter /);
    });
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("profileSchema", () => {
  test("form: slug normalised, display name trimmed, checkbox", () => {
    expect(submit(profileSchema, { publicSlug: " Anna-Yoga ", displayName: "  Anna  ", isPublic: "on", version: "x" }).value).toEqual({
      publicSlug: "anna-yoga",
      displayName: "Anna",
      isPublic: true,
      version: "x",
    });
  });
  test("display name optional; whitespace-only means none; unticked is false", () => {
    expect(submit(profileSchema, { publicSlug: "anna" }).value).toEqual({ publicSlug: "anna", isPublic: false });
    expect(submit(profileSchema, { publicSlug: "anna", displayName: "   " }).value?.displayName).toBeUndefined();
  });
  test("display name of 80 characters accepted, 81 refused", () => {
    expect(submit(profileSchema, { publicSlug: "anna", displayName: "n".repeat(80) }).value?.displayName).toHaveLength(80);
    expect(submit(profileSchema, { publicSlug: "anna", displayName: "n".repeat(81) }).error?.displayName).toEqual([M.displayNameTooLong]);
    // The limit applies after trimming.
    expect(submit(profileSchema, { publicSlug: "anna", displayName: ` ${"n".repeat(80)} ` }).value?.displayName).toHaveLength(80);
  });
  test("slug rules apply", () => {
    expect(submit(profileSchema, { publicSlug: "" }).error?.publicSlug).toEqual([SLUG_MESSAGES.required]);
    expect(submit(profileSchema, { publicSlug: "help" }).error?.publicSlug).toEqual([SLUG_MESSAGES.reserved]);
  });
  test("plain objects", () => {
    expect(plain(profileSchema, { publicSlug: "anna", displayName: "Anna", isPublic: true }).value).toEqual({
      publicSlug: "anna",
      displayName: "Anna",
      isPublic: true,
    });
    expect(plain(profileSchema, { publicSlug: "anna", displayName: 5 }).error?.displayName).toEqual([M.displayNameType]);
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("calendarSelectionSchema", () => {
  const url = (i: number) => `https://caldav.example.com/cal/${i}/`;

  test("no checkbox ticked is an empty selection", () => {
    expect(submit(calendarSelectionSchema, {}).value).toEqual({ selectedCalendarIds: [] });
    expect(plain(calendarSelectionSchema, {}).value).toEqual({ selectedCalendarIds: [] });
  });
  test("one or several, http or https, duplicates dropped", () => {
    expect(submit(calendarSelectionSchema, { selectedCalendarIds: url(1) }).value?.selectedCalendarIds).toEqual([url(1)]);
    expect(
      submit(calendarSelectionSchema, { selectedCalendarIds: [url(1), "http://localhost:5232/u/cal/", url(1)], version: "v" }).value,
    ).toEqual({ selectedCalendarIds: [url(1), "http://localhost:5232/u/cal/"], version: "v" });
  });
  test("50 accepted, 51 refused", () => {
    const fifty = Array.from({ length: 50 }, (_, i) => url(i));
    expect(submit(calendarSelectionSchema, { selectedCalendarIds: fifty }).value?.selectedCalendarIds).toHaveLength(50);
    expect(submit(calendarSelectionSchema, { selectedCalendarIds: [...fifty, url(50)] }).error?.selectedCalendarIds).toEqual([
      M.tooManyCalendars,
    ]);
  });
  test.each(["ftp://example.com/cal", "javascript:alert(1)", "not a url", "caldav.example.com/cal", "mailto:a@b.c", "https://"])(
    "refused: %j",
    (bad) => {
      expect(submit(calendarSelectionSchema, { selectedCalendarIds: [url(1), bad] }).error?.selectedCalendarIds).toEqual([M.calendarUrl]);
    },
  );
  test("plain objects: stored shape, and wrong types refused", () => {
    expect(plain(calendarSelectionSchema, STORED.calendar).value).toEqual({ selectedCalendarIds: STORED.calendar.selectedCalendarIds });
    expect(plain(calendarSelectionSchema, { selectedCalendarIds: [42] }).error?.selectedCalendarIds).toEqual([M.calendarUrl]);
    expect(plain(calendarSelectionSchema, { selectedCalendarIds: "https://x.example/" }).error?.selectedCalendarIds).toEqual([
      M.calendarUrl,
    ]);
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("readSettings", () => {
  test("the stored shape reads back unchanged, without problems", () => {
    expect(readSettings(STORED)).toEqual({ ...STORED, locale: DEFAULT_LOCALE, problems: [] });
  });
  test("a JSON string of the stored shape reads too", () => {
    expect(readSettings(JSON.stringify(STORED))).toEqual({ ...STORED, locale: DEFAULT_LOCALE, problems: [] });
  });
  test("missing sections: null/defaults, no problems", () => {
    const empty = {
      workingHours: null,
      whatsapp: null,
      booking: DEFAULT_BOOKING,
      calendar: { selectedCalendarIds: [], allDayEvents: "busy" },
      locale: DEFAULT_LOCALE,
      dateOverrides: [],
      problems: [],
    };
    expect(readSettings({})).toEqual(empty);
    expect(readSettings(null)).toEqual(empty);
    expect(readSettings(undefined)).toEqual(empty);
    expect(readSettings({ workingHours: null, whatsapp: null, booking: null, calendar: null, displayName: null })).toEqual(empty);
  });
  test("the returned booking is a copy (callers may mutate it)", () => {
    const settings = readSettings({});
    settings.booking.slotMinutes = 5;
    expect(DEFAULT_BOOKING.slotMinutes).toBe(60);
  });

  const garbage: [string, unknown][] = [
    ["number", 42],
    ["NaN", Number.NaN],
    ["boolean", true],
    ["empty string", ""],
    ["non-JSON string", "garbage"],
    ["JSON array string", "[1,2]"],
    ["JSON number string", "7"],
    ["array", [1, 2, 3]],
    ["empty array", []],
    ["function", () => 1],
    ["symbol", Symbol("x")],
    ["bigint", 10n],
    ["Date", new Date(0)],
  ];
  test.each(garbage)("root garbage (%s): defaults plus one hint", (_label, raw) => {
    const settings = readSettings(raw);
    expect(settings.workingHours).toBeNull();
    expect(settings.whatsapp).toBeNull();
    expect(settings.booking).toEqual(DEFAULT_BOOKING);
    expect(settings.calendar).toEqual({ selectedCalendarIds: [], allDayEvents: "busy" });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.root]);
  });

  test("nested garbage in every section: never throws, one hint per section", () => {
    const settings = readSettings({
      workingHours: { from: "09:00", to: "17:00" }, // an older shape
      whatsapp: [1, 2],
      booking: "sixty",
      calendar: { selectedCalendarIds: { 0: "https://x.example/" } },
      displayName: { first: "A" },
    });
    expect(settings).toEqual({
      workingHours: null,
      whatsapp: null,
      booking: DEFAULT_BOOKING,
      calendar: { selectedCalendarIds: [], allDayEvents: "busy" },
      locale: DEFAULT_LOCALE,
      dateOverrides: [],
      problems: [
        SETTINGS_PROBLEMS.workingHours,
        SETTINGS_PROBLEMS.whatsapp,
        SETTINGS_PROBLEMS.booking,
        SETTINGS_PROBLEMS.calendar,
        SETTINGS_PROBLEMS.displayName,
      ],
    });
  });

  test.each<[string, unknown]>([
    ["string", "9 to 5"],
    ["number", 0],
    ["end before start", { ...STORED.workingHours, start: "18:00", end: "09:00" }],
    ["bad zone", { ...STORED.workingHours, timezone: "Mars/Base" }],
    ["no days", { ...STORED.workingHours, days: [] }],
    ["deeply nested", { timezone: { a: { b: { c: [] } } }, days: [[[]]], start: {}, end: null }],
  ])("working hours damaged (%s) -> null + hint", (_label, workingHours) => {
    const settings = readSettings({ ...STORED, workingHours });
    expect(settings.workingHours).toBeNull();
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.workingHours]);
    expect(settings.whatsapp).toEqual(STORED.whatsapp); // other sections unaffected
  });

  test("WhatsApp with a bad template keeps the number, uses the default template, hints", () => {
    const settings = readSettings({ ...STORED, whatsapp: { enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi {name}" } });
    expect(settings.whatsapp).toEqual({ enabled: true, phoneE164: "+971500000000", messageTemplate: DEFAULT_WHATSAPP_TEMPLATE });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.whatsapp]);
  });
  test("WhatsApp with a non-boolean flag keeps the number but is treated as disabled", () => {
    const settings = readSettings({ whatsapp: { enabled: "yes", phoneE164: "+971500000000", messageTemplate: "Hi" } });
    expect(settings.whatsapp).toEqual({ enabled: false, phoneE164: "+971500000000", messageTemplate: "Hi" });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.whatsapp]);
  });
  test("WhatsApp with a bad number -> null + hint", () => {
    const settings = readSettings({ whatsapp: { enabled: true, phoneE164: "0501234567", messageTemplate: "Hi" } });
    expect(settings.whatsapp).toBeNull();
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.whatsapp]);
  });
  test("WhatsApp stored without the enabled flag reads as disabled", () => {
    expect(readSettings({ whatsapp: { phoneE164: "+971500000000", messageTemplate: "Hi" } }).whatsapp?.enabled).toBe(false);
  });

  test("booking: bad fields fall back one by one, good ones are kept", () => {
    const settings = readSettings({ booking: { slotMinutes: 30, bufferMinutes: -5, minNoticeHours: "x", horizonDays: 7 } });
    expect(settings.booking).toEqual({ slotMinutes: 30, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 7 });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.booking]);
  });
  test("booking: fields missing from an older version take defaults silently", () => {
    const settings = readSettings({ booking: { slotMinutes: 45 } });
    expect(settings.booking).toEqual({ ...DEFAULT_BOOKING, slotMinutes: 45 });
    expect(settings.problems).toEqual([]);
  });
  test("calendar: usable entries kept, the rest dropped with a hint", () => {
    const settings = readSettings({ calendar: { selectedCalendarIds: ["https://a.example/1", 5, "ftp://b", "https://a.example/1"] } });
    expect(settings.calendar).toEqual({ selectedCalendarIds: ["https://a.example/1"], allDayEvents: "busy" });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.calendar]);
  });
  test("display name: trimmed, blank ignored, too long refused", () => {
    expect(readSettings({ displayName: "  Anna  " }).displayName).toBe("Anna");
    expect(readSettings({ displayName: "   " })).not.toHaveProperty("displayName");
    const long = readSettings({ displayName: "n".repeat(81) });
    expect(long.displayName).toBeUndefined();
    expect(long.problems).toEqual([SETTINGS_PROBLEMS.displayName]);
  });
  test("unknown keys and a stray version are ignored", () => {
    const settings = readSettings({ ...STORED, somethingNew: 1, workingHours: { ...STORED.workingHours, version: "x" } });
    expect(settings.workingHours).toEqual(STORED.workingHours);
    expect(settings.problems).toEqual([]);
  });
  test("inherited (prototype) keys are not read as settings", () => {
    const raw = Object.create({ workingHours: STORED.workingHours }) as object;
    expect(readSettings(raw).workingHours).toBeNull();
    expect(readSettings(Object.assign(Object.create(null) as object, STORED)).workingHours).toEqual(STORED.workingHours);
  });
  test("hostile objects (throwing getters, proxies) do not throw", () => {
    const throwing = Object.defineProperty({}, "workingHours", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(readSettings(throwing).problems).toEqual([SETTINGS_PROBLEMS.root]);
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        getOwnPropertyDescriptor() {
          throw new Error("boom");
        },
        has() {
          throw new Error("boom");
        },
      },
    );
    expect(readSettings(proxy).problems).toEqual([SETTINGS_PROBLEMS.root]);
  });
  test("fuzz: random nested values never throw and always give the full shape", () => {
    let seed = 42;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const leaves: unknown[] = [null, undefined, 0, -1, 1.5, 1e308, Number.NaN, "", "x", "09:00", "+971500000000", true, false, [], {}];
    const gen = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.4) return leaves[Math.floor(rand() * leaves.length)];
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => gen(depth + 1));
      const keys = [
        "workingHours",
        "whatsapp",
        "booking",
        "calendar",
        "locale",
        "displayName",
        "days",
        "start",
        "end",
        "timezone",
        "phoneE164",
        "enabled",
        "messageTemplate",
        "slotMinutes",
        "selectedCalendarIds",
      ];
      return Object.fromEntries(keys.filter(() => rand() < 0.4).map((k) => [k, gen(depth + 1)]));
    };
    for (let i = 0; i < 500; i++) {
      const settings = readSettings(gen(0));
      expect(
        Object.keys(settings)
          .filter((k) => k !== "displayName")
          .sort(),
      ).toEqual(["booking", "calendar", "dateOverrides", "locale", "problems", "whatsapp", "workingHours"]);
      expect(Array.isArray(settings.dateOverrides)).toBe(true);
      expect(Number.isInteger(settings.booking.slotMinutes)).toBe(true);
      expect(Array.isArray(settings.calendar.selectedCalendarIds)).toBe(true);
    }
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("sectionVersion", () => {
  test("short hex token", () => {
    expect(sectionVersion(STORED.workingHours)).toMatch(/^[0-9a-f]{8}$/);
  });
  test("independent of key order, stable across calls", () => {
    const a = { timezone: "Asia/Dubai", days: [1, 2], start: "09:00", end: "17:00" };
    const b = { end: "17:00", start: "09:00", days: [1, 2], timezone: "Asia/Dubai" };
    expect(sectionVersion(a)).toBe(sectionVersion(b));
    expect(sectionVersion({ x: { b: 1, a: 2 } })).toBe(sectionVersion({ x: { a: 2, b: 1 } }));
    expect(sectionVersion(a)).toBe(sectionVersion(structuredClone(a)));
  });
  test("changes when the data changes (values, array order, types)", () => {
    const base = sectionVersion(STORED.workingHours);
    expect(sectionVersion({ ...STORED.workingHours, end: "17:30" })).not.toBe(base);
    expect(sectionVersion({ ...STORED.workingHours, days: [2, 1, 3, 4, 5] })).not.toBe(base);
    expect(sectionVersion({ a: 1 })).not.toBe(sectionVersion({ a: "1" }));
    expect(sectionVersion({ a: 1 })).not.toBe(sectionVersion({ b: 1 }));
  });
  test("missing and null are the same ('nothing stored'); undefined keys are ignored like JSON", () => {
    expect(sectionVersion(undefined)).toBe(sectionVersion(null));
    expect(sectionVersion({ a: 1, b: undefined })).toBe(sectionVersion({ a: 1 }));
    expect(sectionVersion({})).not.toBe(sectionVersion(null));
  });
  test("matches 32-bit FNV-1a of the canonical JSON", () => {
    const fnv1a = (text: string) => {
      let hash = 0x811c9dc5;
      for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193);
      return (hash >>> 0).toString(16).padStart(8, "0");
    };
    expect(fnv1a("")).toBe("811c9dc5"); // published test vector
    expect(fnv1a("a")).toBe("e40c292c"); // published test vector
    expect(sectionVersion({ b: [1, "é"], a: true })).toBe(fnv1a('{"a":true,"b":[1,"é"]}'));
  });
  test("odd values do not throw", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const value of [cyclic, 10n, Number.NaN, Infinity, () => 1, Symbol("s"), new Date(0), [undefined]]) {
      expect(sectionVersion(value)).toMatch(/^[0-9a-f]{8}$/);
    }
  });
});

/* ------------------------------------------------------------------------------------------- */

describe("publishProblems", () => {
  const complete = readSettings(STORED);

  test("nothing missing", () => {
    expect(publishProblems(complete, "demo-trainer")).toEqual([]);
  });
  test("everything missing", () => {
    expect(publishProblems(readSettings({}), null)).toEqual([
      PUBLISH_PROBLEMS.slug,
      PUBLISH_PROBLEMS.workingHours,
      PUBLISH_PROBLEMS.whatsapp,
    ]);
  });
  test.each([null, "", "   "])("no slug (%j)", (slug) => {
    expect(publishProblems(complete, slug)).toEqual(["Choose a public address"]);
  });
  test("a stored slug that no longer passes the rules says why", () => {
    expect(publishProblems(complete, "admin")).toEqual([SLUG_MESSAGES.reserved]);
  });
  test("no working hours", () => {
    expect(publishProblems({ ...complete, workingHours: null }, "demo")).toEqual(["Set your working hours"]);
  });
  test("no WhatsApp, or WhatsApp disabled", () => {
    expect(publishProblems({ ...complete, whatsapp: null }, "demo")).toEqual(["Add your WhatsApp number"]);
    expect(publishProblems({ ...complete, whatsapp: { ...STORED.whatsapp, enabled: false } }, "demo")).toEqual([
      "Add your WhatsApp number",
    ]);
  });
  test("damaged stored sections block publishing the same way as missing ones", () => {
    const damaged = readSettings({ ...STORED, workingHours: "broken", whatsapp: { phoneE164: "nope" } });
    expect(publishProblems(damaged, "demo")).toEqual([PUBLISH_PROBLEMS.workingHours, PUBLISH_PROBLEMS.whatsapp]);
  });
});

/* ------------------------------------------------------------------------------------------- */
/* Issue 9: the week grid, time off, step, all-day events                                      */
/* ------------------------------------------------------------------------------------------- */

const EMPTY_WEEK = { "1": [], "2": [], "3": [], "4": [], "5": [], "6": [], "7": [] };

describe("workingHoursSchema (the week grid form)", () => {
  const grid = (extra: Entries = {}): Entries => ({
    timezone: "Asia/Dubai",
    "weekly.1[0].start": "06:00",
    "weekly.1[0].end": "10:00",
    "weekly.1[1].start": "17:00",
    "weekly.1[1].end": "21:00",
    "weekly.5[0].start": "20:00",
    "weekly.5[0].end": "01:00",
    ...extra,
  });

  test("a split Monday and an overnight Friday: weekly is the truth, the seed's keys derived from it", () => {
    expect(submit(workingHoursSchema, grid({ version: "v1" })).value).toEqual({
      timezone: "Asia/Dubai",
      days: [1, 5],
      start: "06:00",
      end: "10:00",
      weekly: {
        ...EMPTY_WEEK,
        "1": [
          { start: "06:00", end: "10:00" },
          { start: "17:00", end: "21:00" },
        ],
        "5": [{ start: "20:00", end: "01:00" }],
      },
      version: "v1",
    });
  });
  test("ranges are stored sorted by start, '9:00' padded", () => {
    const value = submit(workingHoursSchema, {
      timezone: "UTC",
      "weekly.2[0].start": "14:00",
      "weekly.2[0].end": "15:00",
      "weekly.2[1].start": "9:00",
      "weekly.2[1].end": "10:00",
    }).value;
    expect(value?.weekly["2"]).toEqual([
      { start: "09:00", end: "10:00" },
      { start: "14:00", end: "15:00" },
    ]);
    expect([value?.start, value?.end]).toEqual(["09:00", "10:00"]);
  });
  test("an overnight first range is cut at 23:59 for the seed's keys (start stays before end)", () => {
    const value = submit(workingHoursSchema, { timezone: "UTC", "weekly.3[0].start": "20:00", "weekly.3[0].end": "00:00" }).value;
    expect(value).toMatchObject({ days: [3], start: "20:00", end: "23:59" });
    expect(value?.weekly["3"]).toEqual([{ start: "20:00", end: "00:00" }]);
  });
  test.each([
    ["Dubai", "Asia/Dubai"],
    ["london", "Europe/London"],
    ["New York", "America/New_York"],
    ["  new_york ", "America/New_York"],
    ["Abu Dhabi", "Asia/Dubai"],
    ["asia/dubai", "Asia/Dubai"],
  ])("the zone may be typed as a city: %j -> %s", (typed, zone) => {
    expect(submit(workingHoursSchema, grid({ timezone: typed })).value?.timezone).toBe(zone);
    expect(findZoneByCity("Atlantis")).toBeNull();
  });
  test("an unknown place is refused with a hint, every other problem reported too", () => {
    const { error } = submit(workingHoursSchema, grid({ timezone: "Atlantis", "weekly.1[1].end": "25:00" }));
    expect(error?.timezone).toEqual([H.zoneNotFound("Atlantis")]);
    expect(error?.["weekly.1[1].end"]).toEqual([M.time]);
  });
  test("no range on any day is refused", () => {
    expect(submit(workingHoursSchema, { timezone: "UTC" }).error).toEqual({ weekly: [H.noHours] });
  });
  test("overlapping ranges of one day are refused on that day", () => {
    const { error } = submit(workingHoursSchema, grid({ "weekly.1[1].start": "09:00" }));
    expect(error).toEqual({ "weekly.1": [H.overlap("09:00–21:00", "06:00–10:00")] });
  });
  test("an overnight range counts into the next day, Sunday's into Monday", () => {
    const saturday = submit(workingHoursSchema, grid({ "weekly.6[0].start": "00:30", "weekly.6[0].end": "03:00" }));
    expect(saturday.error).toEqual({ "weekly.6": [H.overlap("00:30–03:00", "Friday 20:00–01:00")] });
    const sunday = submit(workingHoursSchema, grid({ "weekly.7[0].start": "22:00", "weekly.7[0].end": "07:00" }));
    expect(sunday.error).toEqual({ "weekly.1": [H.overlap("06:00–10:00", "Sunday 22:00–07:00")] });
    // Control: touching is not overlapping.
    expect(submit(workingHoursSchema, grid({ "weekly.6[0].start": "01:00", "weekly.6[0].end": "03:00" })).error).toBeUndefined();
  });
  test("at most 6 ranges a day", () => {
    const six: Entries = { timezone: "UTC" };
    for (let i = 0; i < 7; i++) {
      six[`weekly.4[${i}].start`] = `${String(i * 2).padStart(2, "0")}:00`;
      six[`weekly.4[${i}].end`] = `${String(i * 2 + 1).padStart(2, "0")}:00`;
    }
    expect(submit(workingHoursSchema, six).error).toEqual({ "weekly.4": [H.tooManyRanges] });
    delete six["weekly.4[6].start"];
    delete six["weekly.4[6].end"];
    expect(submit(workingHoursSchema, six).value?.weekly["4"]).toHaveLength(6);
  });
});

describe("stored workingHours with weekly (readers)", () => {
  const weekly = { ...EMPTY_WEEK, "2": [{ start: "06:00", end: "10:00" }], "6": [{ start: "20:00", end: "01:00" }] };
  test("the seed's keys are re-derived from weekly on reading, whatever was stored beside it", () => {
    const stored = { timezone: "Asia/Dubai", days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "23:59", weekly };
    expect(readSettings({ workingHours: stored }).workingHours).toEqual({
      timezone: "Asia/Dubai",
      days: [2, 6],
      start: "06:00",
      end: "10:00",
      weekly,
    });
  });
  test("a missing weekday key means no hours that day; a stored value without weekly keeps today's meaning", () => {
    const { "6": _sat, ...partial } = weekly;
    expect(readSettings({ workingHours: { ...STORED.workingHours, weekly: partial } }).workingHours?.weekly?.["6"]).toEqual([]);
    expect(readSettings({ workingHours: STORED.workingHours }).workingHours).toEqual(STORED.workingHours);
  });
  test("damaged weekly -> null + hint (never half a week)", () => {
    for (const bad of [{ ...weekly, "2": [{ start: "25:00", end: "10:00" }] }, { ...weekly, "2": "06:00-10:00" }, EMPTY_WEEK]) {
      const settings = readSettings({ workingHours: { ...STORED.workingHours, weekly: bad } });
      expect(settings.workingHours).toBeNull();
      expect(settings.problems).toEqual([SETTINGS_PROBLEMS.workingHours]);
    }
  });
  test("deriveLegacyHours follows the contract", () => {
    expect(
      deriveLegacyHours(
        weeklySchema.parse({
          "3": [
            { start: "17:00", end: "21:00" },
            { start: "06:00", end: "10:00" },
          ],
        }),
      ),
    ).toEqual({
      days: [3],
      start: "06:00",
      end: "10:00",
    });
    expect(deriveLegacyHours(weeklySchema.parse({}))).toBeNull();
  });
});

describe("dateOverridesFormSchema (the time-off form)", () => {
  const off = {
    "overrides[0].from": "2026-04-06",
    "overrides[0].to": "2026-04-12",
    "overrides[0].kind": "off",
    "overrides[0].note": "Holiday",
  };
  test("a week off and a special date, stored sorted by date with ranges only for special hours", () => {
    const value = submit(dateOverridesFormSchema, {
      ...off,
      "overrides[0].ranges[0].start": "09:00", // typed before choosing "day off": dropped
      "overrides[0].ranges[0].end": "10:00",
      "overrides[1].from": "2026-03-20",
      "overrides[1].kind": "hours",
      "overrides[1].ranges[0].start": "20:30",
      "overrides[1].ranges[0].end": "01:30",
      version: "v",
    }).value;
    expect(value).toEqual({
      dateOverrides: [
        { from: "2026-03-20", to: "2026-03-20", ranges: [{ start: "20:30", end: "01:30" }], note: "" },
        { from: "2026-04-06", to: "2026-04-12", ranges: [], note: "Holiday" },
      ],
      version: "v",
    });
  });
  test("no entries saves an empty list", () => {
    expect(submit(dateOverridesFormSchema, {}).value).toEqual({ dateOverrides: [], version: undefined });
  });
  test("the last day before the first is refused", () => {
    expect(submit(dateOverridesFormSchema, { ...off, "overrides[0].to": "2026-04-05" }).error).toEqual({
      "overrides[0].to": [H.toBeforeFrom],
    });
  });
  test("overlapping dates are refused on the later entry (control: adjacent dates are fine)", () => {
    const second = { "overrides[1].from": "2026-04-12", "overrides[1].to": "2026-04-13", "overrides[1].kind": "off" };
    expect(submit(dateOverridesFormSchema, { ...off, ...second }).error).toEqual({
      "overrides[1].from": [H.overrideOverlap("2026-04-06", "2026-04-12")],
    });
    expect(submit(dateOverridesFormSchema, { ...off, ...second, "overrides[1].from": "2026-04-13" }).value?.dateOverrides).toHaveLength(2);
  });
  test("special hours need a range; bad dates and times are refused", () => {
    expect(submit(dateOverridesFormSchema, { ...off, "overrides[0].kind": "hours" }).error).toEqual({
      "overrides[0].kind": [H.specialHoursEmpty],
    });
    expect(submit(dateOverridesFormSchema, { ...off, "overrides[0].from": "2026-02-30" }).error?.["overrides[0].from"]).toEqual([
      H.dateFormat,
    ]);
    expect(
      submit(dateOverridesFormSchema, {
        ...off,
        "overrides[0].kind": "hours",
        "overrides[0].ranges[0].start": "9",
        "overrides[0].ranges[0].end": "10:00",
      }).error?.["overrides[0].ranges[0].start"],
    ).toEqual([M.time]);
  });
  test("a note longer than 200 characters is refused", () => {
    expect(submit(dateOverridesFormSchema, { ...off, "overrides[0].note": "x".repeat(201) }).error).toEqual({
      "overrides[0].note": [H.noteTooLong],
    });
  });
  test("the stored list is read back; overlapping stored entries keep the first with a hint", () => {
    const list = [
      { from: "2026-04-06", to: "2026-04-12", ranges: [], note: "" },
      { from: "2026-04-10", to: "2026-04-10", ranges: [{ start: "10:00", end: "11:00" }], note: "" },
      { from: "2026-05-01", to: "2026-05-01", ranges: [], note: "" },
    ];
    expect(readSettings({ dateOverrides: [list[0], list[2]] })).toMatchObject({ dateOverrides: [list[0], list[2]], problems: [] });
    const damaged = readSettings({ dateOverrides: [...list, { from: "soon" }] });
    expect(damaged.dateOverrides).toEqual([list[0], list[2]]);
    expect(damaged.problems).toEqual([SETTINGS_PROBLEMS.dateOverrides]);
    expect(readSettings({ dateOverrides: "none" })).toMatchObject({ dateOverrides: [], problems: [SETTINGS_PROBLEMS.dateOverrides] });
  });
});

describe("booking.stepMinutes and calendar.allDayEvents", () => {
  const valid = { slotMinutes: "60", bufferMinutes: "0", minNoticeHours: "2", horizonDays: "14" };
  test("step: 5 to 240, empty means the slot length (absent)", () => {
    expect(submit(bookingSchema, { ...valid, stepMinutes: "30" }).value?.stepMinutes).toBe(30);
    expect(submit(bookingSchema, { ...valid, stepMinutes: "5" }).value?.stepMinutes).toBe(5);
    expect(submit(bookingSchema, { ...valid, stepMinutes: "240" }).value?.stepMinutes).toBe(240);
    // Stored JSON drops the undefined key: absent, as the contract says.
    expect(JSON.stringify(submit(bookingSchema, { ...valid, stepMinutes: "" }).value)).not.toContain("stepMinutes");
    for (const bad of ["4", "241", "7.5", "often"]) {
      expect(submit(bookingSchema, { ...valid, stepMinutes: bad }).error?.stepMinutes, bad).toEqual([
        "Slots must start every 5 to 240 minutes",
      ]);
    }
  });
  test("step in stored booking: read when valid, default (absent) when missing, hint when damaged", () => {
    expect(readSettings({ booking: { ...STORED.booking, stepMinutes: 15 } }).booking.stepMinutes).toBe(15);
    expect(readSettings({ booking: STORED.booking }).booking).not.toHaveProperty("stepMinutes");
    const damaged = readSettings({ booking: { ...STORED.booking, stepMinutes: 1 } });
    expect(damaged.booking).toEqual(STORED.booking);
    expect(damaged.problems).toEqual([SETTINGS_PROBLEMS.booking]);
  });
  test("allDayEvents: busy or as-marked; absent or damaged reads as busy", () => {
    expect(submit(allDayEventsSchema, { allDayEvents: "as-marked" }).value?.allDayEvents).toBe("as-marked");
    expect(submit(allDayEventsSchema, { allDayEvents: "free" }).error?.allDayEvents).toHaveLength(1);
    expect(readSettings({ calendar: { selectedCalendarIds: [], allDayEvents: "as-marked" } }).calendar.allDayEvents).toBe("as-marked");
    expect(readSettings({ calendar: { selectedCalendarIds: [] } }).calendar.allDayEvents).toBe("busy");
    const damaged = readSettings({ calendar: { selectedCalendarIds: [], allDayEvents: "sometimes" } });
    expect(damaged.calendar.allDayEvents).toBe("busy");
    expect(damaged.problems).toEqual([SETTINGS_PROBLEMS.calendar]);
  });
});

describe("grid actions without JavaScript (add, remove, copy)", () => {
  const payload = {
    timezone: "Dubai",
    weekly: {
      "1": [
        { start: "06:00", end: "10:00" },
        { start: "17:00", end: "21:00" },
      ],
    },
    version: "v",
  };
  test("intents are parsed strictly", () => {
    expect(parseHoursIntent("add:3")).toEqual({ type: "add", day: "3" });
    expect(parseHoursIntent("remove:1:0")).toEqual({ type: "remove", day: "1", index: 0 });
    expect(parseHoursIntent("copy:7")).toEqual({ type: "copy", day: "7" });
    for (const bad of ["add:8", "remove:1", "copy", "save", null, "remove:1:x"]) expect(parseHoursIntent(bad), String(bad)).toBeNull();
    expect(parseTimeOffIntent("remove-range:2:1")).toEqual({ type: "remove-range", index: 2, range: 1 });
    expect(parseTimeOffIntent("remove-override:x")).toBeNull();
  });
  test("add suggests the hour after the last range; remove drops one; copy gives every day the same ranges; typed values kept", () => {
    const added = applyHoursIntent(payload, { type: "add", day: "1" });
    expect((added.weekly as Record<string, unknown[]>)["1"]).toEqual([...payload.weekly["1"], { start: "22:00", end: "23:00" }]);
    expect(added.timezone).toBe("Dubai");
    expect((applyHoursIntent(payload, { type: "add", day: "2" }).weekly as Record<string, unknown[]>)["2"]).toEqual([
      { start: "09:00", end: "17:00" },
    ]);
    expect((applyHoursIntent(payload, { type: "remove", day: "1", index: 0 }).weekly as Record<string, unknown[]>)["1"]).toEqual([
      payload.weekly["1"][1],
    ]);
    const copied = applyHoursIntent(payload, { type: "copy", day: "1" }).weekly as Record<string, unknown[]>;
    for (const day of ["1", "2", "3", "4", "5", "6", "7"]) expect(copied[day]).toEqual(payload.weekly["1"]);
    expect(payload.weekly["1"]).toHaveLength(2); // the input is not changed
  });
  test("time off: add an entry for today, add and remove ranges, remove an entry", () => {
    let p: Record<string, unknown> = { overrides: [] };
    p = applyTimeOffIntent(p, { type: "add-override" }, "2026-03-01");
    expect(p.overrides).toEqual([{ from: "2026-03-01", to: "2026-03-01", kind: "off", ranges: [], note: "" }]);
    p = applyTimeOffIntent(p, { type: "add-range", index: 0 }, "2026-03-01");
    expect(p.overrides).toEqual([
      { from: "2026-03-01", to: "2026-03-01", kind: "hours", ranges: [{ start: "09:00", end: "17:00" }], note: "" },
    ]);
    p = applyTimeOffIntent(p, { type: "remove-range", index: 0, range: 0 }, "2026-03-01");
    expect((p.overrides as { ranges: unknown[] }[])[0].ranges).toEqual([]);
    p = applyTimeOffIntent(p, { type: "remove-override", index: 0 }, "2026-03-01");
    expect(p.overrides).toEqual([]);
  });
});

test("an overlap on one day is reported together with a malformed time on another", () => {
  const { error } = submit(workingHoursSchema, {
    timezone: "UTC",
    "weekly.1[0].start": "06:00",
    "weekly.1[0].end": "10:00",
    "weekly.1[1].start": "09:00",
    "weekly.1[1].end": "12:00",
    "weekly.2[0].start": "25:00",
    "weekly.2[0].end": "17:00",
  });
  expect(error).toEqual({ "weekly.1": [H.overlap("09:00–12:00", "06:00–10:00")], "weekly.2[0].start": [M.time] });
});
