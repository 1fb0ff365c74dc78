/**
 * What a client reads: dates, times and zones per language, digits, clock and zone; the message's
 * {date} and {time}; the visitor's ?lang= and ?tz=; the settings' time-of-day fields; the catalogue.
 */
import { describe, expect, test } from "vitest";
import { DateTime } from "luxon";
import {
  formatDayLong,
  formatOffset,
  formatTime,
  knownZone,
  localDate,
  relativeDay,
  zoneCity,
  type PageFormat,
} from "~/modules/booking-page/locale";
import { ar, en, MESSAGES } from "~/modules/booking-page/messages";
import { fillTemplate, formatSlotForMessage, messageSlotText, zonePlace } from "~/modules/booking-page/whatsapp";
import { workingDays } from "~/modules/booking-page/working-days";
import { computeAvailability } from "~/modules/booking-page/availability";
import {
  DEFAULT_LOCALE,
  DEFAULT_WHATSAPP_TEMPLATE,
  DEFAULT_WHATSAPP_TEMPLATES,
  formatTimeOfDay,
  localeSchema,
  parseTimeOfDay,
  unknownPlaceholders,
  workingHoursSchema,
} from "~/modules/settings/schemas";
import { readSettings, SETTINGS_PROBLEMS } from "~/modules/settings/stored";

const EN24: PageFormat = { lang: "en", digits: "latn", clock: "h24" };
const EN12: PageFormat = { lang: "en", digits: "latn", clock: "h12" };
const AR_LATN24: PageFormat = { lang: "ar", digits: "latn", clock: "h24" };
const AR_ARAB12: PageFormat = { lang: "ar", digits: "arab", clock: "h12" };
const AR_ARAB24: PageFormat = { lang: "ar", digits: "arab", clock: "h24" };

const dubai = (iso: string) => DateTime.fromISO(iso, { zone: "Asia/Dubai" }).toMillis();

describe("dates and times per language, digits and clock", () => {
  const start = dubai("2026-12-03T10:00");
  const evening = dubai("2026-12-03T21:05");

  test("English, 24-hour: the message format providers already receive", () => {
    expect(formatSlotForMessage(start, "Asia/Dubai", EN24)).toEqual({ date: "Thu 3 Dec", time: "10:00" });
    expect(formatSlotForMessage(start, "Asia/Dubai")).toEqual({ date: "Thu 3 Dec", time: "10:00" });
    expect(formatTime(dubai("2026-12-03T08:05"), "Asia/Dubai", EN24)).toBe("08:05");
  });

  test("English, 12-hour", () => {
    expect(formatTime(start, "Asia/Dubai", EN12)).toBe("10:00 am");
    expect(formatTime(evening, "Asia/Dubai", EN12)).toBe("9:05 pm");
    expect(formatTime(dubai("2026-12-03T00:30"), "Asia/Dubai", EN12)).toBe("12:30 am");
    // 24-hour never shows "24:30" after midnight.
    expect(formatTime(dubai("2026-12-03T00:30"), "Asia/Dubai", EN24)).toBe("00:30");
  });

  test("Arabic names through Intl, Latin or Arabic-Indic digits", () => {
    expect(formatSlotForMessage(start, "Asia/Dubai", AR_LATN24)).toEqual({ date: "الخميس، 3 ديسمبر", time: "10:00" });
    expect(formatSlotForMessage(start, "Asia/Dubai", AR_ARAB24)).toEqual({ date: "الخميس، ٣ ديسمبر", time: "١٠:٠٠" });
    expect(formatTime(evening, "Asia/Dubai", AR_ARAB12)).toBe("٩:٠٥ م");
    expect(formatTime(start, "Asia/Dubai", AR_ARAB12)).toBe("١٠:٠٠ ص");
  });

  test("digits apply to Arabic only; English keeps Latin digits", () => {
    expect(formatTime(start, "Asia/Dubai", { ...EN24, digits: "arab" })).toBe("10:00");
  });

  test("day headings: weekday and date, no zone (a date is a date)", () => {
    expect(formatDayLong("2026-12-03", EN24)).toBe("Thursday 3 December");
    expect(formatDayLong("2026-12-03", AR_ARAB24)).toBe("الخميس، ٣ ديسمبر");
    expect(formatDayLong("2026-12-03", AR_LATN24)).toBe("الخميس، 3 ديسمبر");
  });

  test("zone offset labels follow the language and daylight saving time", () => {
    expect(formatOffset(start, "Asia/Dubai", EN24)).toBe("GMT+4");
    expect(formatOffset(start, "Asia/Dubai", AR_ARAB24)).toBe("غرينتش+٤");
    expect(formatOffset(start, "Asia/Kolkata", EN24)).toBe("GMT+5:30");
    expect(formatOffset(dubai("2026-07-01T10:00"), "Europe/London", EN24)).toBe("GMT+1");
    expect(formatOffset(start, "Europe/London", EN24)).toBe("GMT+0");
  });
});

describe("zone names", () => {
  test("English: the city of the zone; Etc zones by their offset", () => {
    expect(zoneCity("Asia/Dubai")).toBe("Dubai");
    expect(zoneCity("America/Argentina/Buenos_Aires")).toBe("Buenos Aires");
    expect(zoneCity("Etc/GMT+5")).toBeNull();
    expect(zoneCity("UTC")).toBeNull();
    const at = dubai("2026-12-03T10:00");
    expect(zonePlace("Asia/Dubai", at, EN24)).toBe("Dubai");
    expect(zonePlace("America/New_York", at, EN24)).toBe("New York");
    // Never "GMT+5" for Etc/GMT+5, whose sign is inverted: Intl names it correctly.
    expect(zonePlace("Etc/GMT+5", at, EN24)).toBe("GMT-05:00");
  });

  test("Arabic: a 'توقيت' phrase, from the catalogue or Intl's generic name", () => {
    const at = dubai("2026-12-03T10:00");
    expect(zonePlace("Asia/Dubai", at, AR_ARAB24)).toBe("توقيت دبي");
    expect(zonePlace("Europe/London", at, AR_ARAB24)).toBe("توقيت لندن");
    // Not in the catalogue: Intl's name, which already starts with the word.
    expect(zonePlace("Europe/Warsaw", at, AR_ARAB24)).toBe("توقيت وسط أوروبا");
    expect(zonePlace("America/Chicago", at, AR_ARAB24)).toMatch(/^(ال)?توقيت /);
  });

  test("the zone line reads 'Times in Dubai (GMT+4)'", () => {
    const at = dubai("2026-12-03T10:00");
    expect(en.timesIn(zonePlace("Asia/Dubai", at, EN24), formatOffset(at, "Asia/Dubai", EN24))).toBe("Times in Dubai (GMT+4)");
    expect(ar.timesIn(zonePlace("Asia/Dubai", at, AR_ARAB24), formatOffset(at, "Asia/Dubai", AR_ARAB24))).toBe(
      "الأوقات بتوقيت دبي (غرينتش+٤)",
    );
  });
});

describe("the WhatsApp message's {date} and {time}", () => {
  test("the time names the provider's zone", () => {
    const text = messageSlotText(dubai("2026-12-03T10:00"), "Asia/Dubai", null, EN24);
    expect(text).toEqual({ date: "Thu 3 Dec", time: "10:00 Dubai time" });
    expect(fillTemplate(DEFAULT_WHATSAPP_TEMPLATE, text)).toBe("Hi! Can I book Thu 3 Dec at 10:00 Dubai time?");
  });

  test("a visitor in another zone on the same date: their time follows", () => {
    const text = messageSlotText(dubai("2026-12-03T10:00"), "Asia/Dubai", "Europe/London", EN24);
    expect(text).toEqual({ date: "Thu 3 Dec", time: "10:00 Dubai time (06:00 London time)" });
  });

  test("a visitor whose date differs from the provider's: their date is named too", () => {
    // 01:30 Thursday in Dubai is 21:30 Wednesday in London.
    const text = messageSlotText(dubai("2026-12-03T01:30"), "Asia/Dubai", "Europe/London", EN12);
    expect(text).toEqual({ date: "Thu 3 Dec", time: "1:30 am Dubai time (Wed 2 Dec, 9:30 pm London time)" });
    // ... and the other way round: 23:00 Thursday in Dubai is Friday in Kiritimati (GMT+14).
    const ahead = messageSlotText(dubai("2026-12-03T23:00"), "Asia/Dubai", "Pacific/Kiritimati", EN24);
    expect(ahead.time).toBe("23:00 Dubai time (Fri 4 Dec, 09:00 Kiritimati time)");
  });

  test("the visitor choosing the provider's own zone adds nothing", () => {
    const start = dubai("2026-12-03T10:00");
    expect(messageSlotText(start, "Asia/Dubai", "Asia/Dubai", EN24)).toEqual(messageSlotText(start, "Asia/Dubai", null, EN24));
  });

  test("Arabic message with Arabic-Indic digits, both zones named in Arabic", () => {
    const text = messageSlotText(dubai("2026-12-03T01:30"), "Asia/Dubai", "Europe/London", AR_ARAB24);
    expect(text).toEqual({ date: "الخميس، ٣ ديسمبر", time: "٠١:٣٠ بتوقيت دبي (الأربعاء، ٢ ديسمبر، ٢١:٣٠ بتوقيت لندن)" });
    expect(fillTemplate(DEFAULT_WHATSAPP_TEMPLATES.ar, messageSlotText(dubai("2026-12-03T10:00"), "Asia/Dubai", null, AR_LATN24))).toBe(
      "مرحبًا! هل يمكنني الحجز يوم الخميس، 3 ديسمبر الساعة 10:00 بتوقيت دبي؟",
    );
  });

  test("default templates: English as before plus the reference (issue 15), Arabic uses only the known placeholders", () => {
    expect(DEFAULT_WHATSAPP_TEMPLATES.en).toBe("Hi! Can I book {date} at {time}? (ref {ref})");
    expect(DEFAULT_WHATSAPP_TEMPLATES.ar).toContain("{ref}");
    expect(unknownPlaceholders(DEFAULT_WHATSAPP_TEMPLATES.ar)).toEqual([]);
    expect(DEFAULT_WHATSAPP_TEMPLATES.ar).toContain("{date}");
    expect(DEFAULT_WHATSAPP_TEMPLATES.ar).toContain("{time}");
  });
});

describe("the visitor's zone and today/tomorrow", () => {
  test("a zone whose date differs from the provider's", () => {
    // 06:30 UTC on 26 Nov: Thursday in Dubai, still Wednesday evening in Los Angeles.
    const now = Date.UTC(2026, 10, 26, 6, 30);
    expect(localDate(now, "Asia/Dubai")).toBe("2026-11-26");
    expect(localDate(now, "America/Los_Angeles")).toBe("2026-11-25");
    expect(relativeDay("2026-11-26", now, "Asia/Dubai")).toBe("today");
    expect(relativeDay("2026-11-26", now, "America/Los_Angeles")).toBe("tomorrow");
    expect(relativeDay("2026-11-27", now, "America/Los_Angeles")).toBeNull();
    expect(relativeDay("2026-11-25", now, "Asia/Dubai")).toBeNull();
  });
});

describe("?tz= is checked against the zones Intl knows", () => {
  test("known zones in any case, canonical spelling", () => {
    expect(knownZone("Europe/London")).toBe("Europe/London");
    expect(knownZone("europe/london")).toBe("Europe/London");
    expect(knownZone("UTC")).toBe("UTC");
  });
  test("anything else is ignored, never an error", () => {
    for (const bad of [null, undefined, "", "Mars/Olympus", "Europe/Londn", "../etc/passwd", "x".repeat(1000), "Europe/London\n"]) {
      expect(knownZone(bad), String(bad)).toBe(bad === "Europe/London\n" ? "Europe/London" : null);
    }
  });
});

describe("catalogues", () => {
  test("English and Arabic have the same texts, none empty", () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const [lang, t] of Object.entries(MESSAGES)) {
      for (const [key, value] of Object.entries(t)) {
        if (typeof value === "string") expect(value.trim(), `${lang}.${key}`).not.toBe("");
      }
    }
    expect(en.dir).toBe("ltr");
    expect(ar.dir).toBe("rtl");
  });
  test("Arabic counts days with its dual", () => {
    expect(ar.noTimes(14, "١٤")).toBe("لا توجد أوقات متاحة خلال الأيام الـ١٤ القادمة.");
    expect(ar.noTimes(2, "٢")).toBe("لا توجد أوقات متاحة خلال اليومين القادمين.");
    expect(en.noTimes(14, "14")).toBe("No free times in the next 14 days.");
  });
  test("the session length reads naturally in both languages (Arabic counts 3-10 with the plural)", () => {
    expect(en.sessionLength(60, "60")).toBe("60-minute sessions");
    expect(ar.sessionLength(60, "٦٠")).toBe("جلسات مدتها ٦٠ دقيقة");
    expect(ar.sessionLength(10, "١٠")).toBe("جلسات مدتها ١٠ دقائق");
    expect(ar.sessionLength(110, "110")).toBe("جلسات مدتها 110 دقائق");
    expect(ar.sessionLength(240, "240")).toBe("جلسات مدتها 240 دقيقة");
  });
});

describe("working days for 'Fully booked'", () => {
  const workingHours = { timezone: "Asia/Dubai", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };
  const rules = { slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 7 };

  test("every working day from today to the horizon, weekends left out", () => {
    const now = dubai("2026-11-26T08:00"); // a Thursday
    expect(workingDays({ workingHours, rules, now }).map((d) => d.date)).toEqual([
      "2026-11-26",
      "2026-11-27",
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
      // Thursday 3 Dec 09:00 is past the horizon (now + 7 days = 08:00), as for the engine.
    ]);
  });

  test("with nothing busy, exactly the days the engine has slots on", () => {
    for (const iso of ["2026-11-26T08:00", "2026-11-26T16:10", "2026-11-28T23:30", "2026-03-29T01:00"]) {
      for (const zone of ["Asia/Dubai", "Europe/Berlin", "America/New_York"]) {
        const hours = { ...workingHours, timezone: zone, days: [1, 3, 5, 6] };
        const now = DateTime.fromISO(iso, { zone }).toMillis();
        const engine = computeAvailability({ workingHours: hours, rules, busy: [], now }).map((d) => d.date);
        expect(
          workingDays({ workingHours: hours, rules, now }).map((d) => d.date),
          `${iso} ${zone}`,
        ).toEqual(engine);
      }
    }
  });

  test("today is left out once its hours are over (counting the notice)", () => {
    const now = dubai("2026-11-26T15:30"); // 17:30 with notice: no 16:00 slot possible
    expect(workingDays({ workingHours, rules, now })[0].date).toBe("2026-11-27");
    const earlier = dubai("2026-11-26T14:00"); // 16:00 still possible
    expect(workingDays({ workingHours, rules, now: earlier })[0].date).toBe("2026-11-26");
  });
});

describe("settings: time of day in either clock", () => {
  test("parses 24- and 12-hour input to HH:MM", () => {
    const cases: [string, string | null][] = [
      ["09:00", "09:00"],
      ["9:00", "09:00"],
      ["17:30", "17:30"],
      ["9:00 AM", "09:00"],
      ["9am", "09:00"],
      ["9 pm", "21:00"],
      ["12:00 AM", "00:00"],
      ["12:30 pm", "12:30"],
      ["5:30 p.m.", "17:30"],
      ["9", null],
      ["13:00 pm", null],
      ["0:30 am", null],
      ["24:00", null],
      ["9:60", null],
      ["nine", null],
      ["", null],
    ];
    for (const [input, expected] of cases) expect(parseTimeOfDay(input), input).toBe(expected);
  });

  test("shows stored times in the provider's clock, and reads them back", () => {
    expect(formatTimeOfDay("09:00", "h24")).toBe("09:00");
    expect(formatTimeOfDay("09:00", "h12")).toBe("9:00 AM");
    expect(formatTimeOfDay("00:15", "h12")).toBe("12:15 AM");
    expect(formatTimeOfDay("12:00", "h12")).toBe("12:00 PM");
    expect(formatTimeOfDay("21:45", "h12")).toBe("9:45 PM");
    for (const t of ["00:00", "00:15", "09:00", "11:59", "12:00", "13:05", "23:59"]) {
      expect(parseTimeOfDay(formatTimeOfDay(t, "h12"))).toBe(t);
    }
  });

  test("the hours form accepts 12-hour times; an end before the start runs past midnight", () => {
    const ok = workingHoursSchema.safeParse({ timezone: "Asia/Dubai", weekly: { "1": [{ start: "9:00 AM", end: "5:00 PM" }] } });
    expect(ok.success && ok.data.weekly?.["1"]).toEqual([{ start: "09:00", end: "17:00" }]);
    const overnight = workingHoursSchema.safeParse({ timezone: "Asia/Dubai", weekly: { "5": [{ start: "8:00 PM", end: "1:00 AM" }] } });
    expect(overnight.success && overnight.data.weekly?.["5"]).toEqual([{ start: "20:00", end: "01:00" }]);
    const garbage = workingHoursSchema.safeParse({ timezone: "Asia/Dubai", weekly: { "1": [{ start: "soon", end: "17:00" }] } });
    expect(garbage.error?.issues.map((i) => i.message)).toEqual(["Enter a time of day, e.g. 09:00 or 9:00 AM"]);
  });
});

describe("settings.locale", () => {
  test("form values parse; zones are checked and deduplicated", () => {
    const parsed = localeSchema.safeParse({
      language: "both",
      digits: "arab",
      clock: "h12",
      clientZones: ["europe/london", "Europe/London"],
    });
    expect(parsed.success && parsed.data).toEqual({ language: "both", digits: "arab", clock: "h12", clientZones: ["Europe/London"] });
    expect(localeSchema.safeParse({ language: "fr", digits: "latn", clock: "h24" }).success).toBe(false);
    expect(localeSchema.safeParse({ language: "en", digits: "latn", clock: "h24", clientZones: ["Mars/Olympus"] }).success).toBe(false);
    expect(localeSchema.safeParse({ language: "en", digits: "latn", clock: "h24" }).success).toBe(true);
  });

  test("reading tolerates a missing or damaged section", () => {
    expect(readSettings({}).locale).toEqual(DEFAULT_LOCALE);
    expect(readSettings({}).problems).toEqual([]);
    const damaged = readSettings({ locale: { language: "ar", clock: "h99", clientZones: "London" } });
    expect(damaged.locale).toMatchObject({ language: "ar", clock: "h24", digits: "latn" });
    expect(damaged.problems).toEqual([SETTINGS_PROBLEMS.locale]);
    expect(readSettings({ locale: "nonsense" }).locale).toEqual(DEFAULT_LOCALE);
  });

  test("the Arabic template is kept when the rest of the WhatsApp section is damaged", () => {
    const s = readSettings({
      whatsapp: { enabled: "yes", phoneE164: "+971500000000", messageTemplate: "x", messageTemplateAr: "مرحبا {date}" },
    });
    expect(s.whatsapp).toMatchObject({ messageTemplateAr: "مرحبا {date}" });
  });
});
