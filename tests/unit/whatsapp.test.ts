import { describe, expect, test } from "vitest";
import { DateTime, Settings } from "luxon";
import { fillTemplate, formatSlotForMessage, waLink } from "~/modules/booking-page/whatsapp";
import { DEFAULT_WHATSAPP_TEMPLATE } from "~/modules/settings/schemas";

describe("fillTemplate", () => {
  test("fills the default template", () => {
    expect(fillTemplate(DEFAULT_WHATSAPP_TEMPLATE, { date: "Thu 3 Dec", time: "10:00" })).toBe("Hi! Can I book Thu 3 Dec at 10:00?");
  });
  test("replaces every occurrence", () => {
    expect(fillTemplate("{date} {time} / {date} {time}", { date: "D", time: "T" })).toBe("D T / D T");
  });
  test("leaves unknown placeholders and plain braces alone", () => {
    expect(fillTemplate("{name} on {date}", { date: "D", time: "T" })).toBe("{name} on D");
    expect(fillTemplate("{Date} {date", { date: "D", time: "T" })).toBe("{Date} {date");
  });
  test("template without placeholders is unchanged", () => {
    expect(fillTemplate("Hello", { date: "D", time: "T" })).toBe("Hello");
  });
  test("values are inserted literally ($ patterns are not expanded)", () => {
    expect(fillTemplate("x {date} y", { date: "$& $1 $$", time: "T" })).toBe("x $& $1 $$ y");
  });
});

describe("waLink", () => {
  test("digits only, text URL-encoded", () => {
    expect(waLink("+971500000000", "Hi! Can I book Thu 3 Dec at 10:00?")).toBe(
      "https://wa.me/971500000000?text=Hi!%20Can%20I%20book%20Thu%203%20Dec%20at%2010%3A00%3F",
    );
  });
  test("encodes &, #, + and non-ASCII so they survive as text", () => {
    const text = "A&B #1 + ça 👍";
    const url = new URL(waLink("+441234567890", text));
    expect(url.searchParams.get("text")).toBe(text);
    expect(waLink("+441234567890", text)).toContain(`?text=${encodeURIComponent(text)}`);
  });
  test("no ?text= without text", () => {
    expect(waLink("+971500000000")).toBe("https://wa.me/971500000000");
    expect(waLink("+971500000000", "")).toBe("https://wa.me/971500000000");
    expect(waLink("+971500000000", "   ")).toBe("https://wa.me/971500000000");
  });
  test("strips formatting from the number", () => {
    expect(waLink("+971 50-000.0000")).toBe("https://wa.me/971500000000");
  });
  test("refuses a number without digits instead of linking to a contact picker", () => {
    expect(() => waLink("")).toThrow(RangeError);
    expect(() => waLink("+")).toThrow(/no digits/);
  });
});

describe("formatSlotForMessage", () => {
  test("provider's zone, en-GB short format", () => {
    const start = DateTime.fromISO("2026-12-03T10:00", { zone: "Asia/Dubai" }).toMillis();
    expect(formatSlotForMessage(start, "Asia/Dubai")).toEqual({ date: "Thu 3 Dec", time: "10:00" });
  });
  test("the same instant reads differently in another zone (date can change)", () => {
    const start = DateTime.fromISO("2026-12-03T01:30", { zone: "Asia/Dubai" }).toMillis();
    expect(formatSlotForMessage(start, "Europe/London")).toEqual({ date: "Wed 2 Dec", time: "21:30" });
  });
  test("24-hour time with leading zero, day without leading zero", () => {
    const start = DateTime.fromISO("2026-06-07T08:05", { zone: "Europe/Berlin" }).toMillis();
    expect(formatSlotForMessage(start, "Europe/Berlin")).toEqual({ date: "Sun 7 Jun", time: "08:05" });
    const evening = DateTime.fromISO("2026-06-07T23:45", { zone: "Europe/Berlin" }).toMillis();
    expect(formatSlotForMessage(evening, "Europe/Berlin").time).toBe("23:45");
  });
  test("DST: wall-clock time in the zone on both sides of a change", () => {
    const before = DateTime.fromISO("2026-03-28T10:00", { zone: "Europe/Berlin" }).toMillis();
    const after = DateTime.fromISO("2026-03-30T10:00", { zone: "Europe/Berlin" }).toMillis();
    expect(formatSlotForMessage(before, "Europe/Berlin")).toEqual({ date: "Sat 28 Mar", time: "10:00" });
    expect(formatSlotForMessage(after, "Europe/Berlin")).toEqual({ date: "Mon 30 Mar", time: "10:00" });
  });
  test("does not depend on luxon's default zone or locale", () => {
    const zone = Settings.defaultZone;
    const locale = Settings.defaultLocale;
    try {
      Settings.defaultZone = "America/New_York";
      Settings.defaultLocale = "fr-FR";
      const start = Date.UTC(2026, 11, 3, 6, 0);
      expect(formatSlotForMessage(start, "Asia/Dubai")).toEqual({ date: "Thu 3 Dec", time: "10:00" });
    } finally {
      Settings.defaultZone = zone;
      Settings.defaultLocale = locale;
    }
  });
  test("unknown zone or invalid instant throws instead of sending 'Invalid DateTime'", () => {
    expect(() => formatSlotForMessage(Date.UTC(2026, 0, 1), "Mars/Base")).toThrow(/unknown time zone/);
    expect(() => formatSlotForMessage(Number.NaN, "Asia/Dubai")).toThrow(/invalid instant/);
  });
});

describe("fillTemplate with {ref}", () => {
  test("the default template carries the reference", () => {
    expect(fillTemplate(DEFAULT_WHATSAPP_TEMPLATE, { date: "Thu 3 Dec", time: "10:00", ref: "K7Q2" })).toBe(
      "Hi! Can I book Thu 3 Dec at 10:00? (ref K7Q2)",
    );
  });
  test("without a reference (nothing held) the bracketed part goes, a bare {ref} becomes empty", () => {
    expect(fillTemplate(DEFAULT_WHATSAPP_TEMPLATE, { date: "Thu 3 Dec", time: "10:00" })).toBe("Hi! Can I book Thu 3 Dec at 10:00?");
    expect(fillTemplate("Booking {date} [{ref}] ok", { date: "D", time: "T" })).toBe("Booking D ok");
    expect(fillTemplate("Ref:{ref} {date}", { date: "D", time: "T" })).toBe("Ref: D");
    // Control: brackets without {ref} are the provider's text and stay.
    expect(fillTemplate("{date} (morning) {ref}", { date: "D", time: "T" })).toBe("D (morning) ");
  });
  test("templates saved before {ref} existed read as before", () => {
    expect(fillTemplate("Hi! Can I book {date} at {time}?", { date: "D", time: "T", ref: "K7Q2" })).toBe("Hi! Can I book D at T?");
  });
});
