/**
 * Issue 13: the link preview card, the Status image and the QR codes (real satori, sharp and
 * qrcode), and the words on the card.
 */
import sharp from "sharp";
import { describe, expect, test } from "vitest";
import {
  dayWord,
  initials,
  nextFreeLabel,
  previewDescription,
  sessionLabel,
  shareText,
  waShareLink,
} from "~/modules/booking-page/profile-card";
import { CARD, clip, qrPng, qrSvg, renderCard, renderStatus, STATUS } from "~/modules/booking-page/share-images.server";
import { nextStep, problemHref, PUBLISH_PROBLEMS, publishSteps } from "~/modules/settings/publish";
import { readSettings } from "~/modules/settings/stored";

const INPUT = {
  name: "Kim Lindberg",
  headline: "Personal trainer · JLT and Marina",
  initials: "KL",
  facts: ["60-minute sessions", "Dubai Marina", "AED 350"],
  nextFree: ["Tomorrow 07:00", "Tomorrow 08:00", "Thu 3 Dec 10:00"],
  host: "book.example.com",
};

/** A noisy photo: the worst case for JPEG size. */
async function noisyPhoto() {
  const raw = Buffer.alloc(512 * 512 * 3);
  let seed = 42;
  for (let i = 0; i < raw.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    raw[i] = seed & 0xff;
  }
  return sharp(raw, { raw: { width: 512, height: 512, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe("preview card", () => {
  test("1200×630 JPEG under 300 kB, with initials", async () => {
    const jpeg = await renderCard({ ...INPUT, photoJpeg: null });
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe("jpeg");
    expect([meta.width, meta.height]).toEqual([CARD.width, CARD.height]);
    expect(jpeg.length).toBeLessThan(300_000);
  }, 30_000);

  test("with a worst-case (noise) photo it still stays under 300 kB, and differs from the initials card", async () => {
    const withPhoto = await renderCard({ ...INPUT, photoJpeg: await noisyPhoto() });
    const withoutPhoto = await renderCard({ ...INPUT, photoJpeg: null });
    const meta = await sharp(withPhoto).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 1200, 630]);
    expect(withPhoto.length).toBeLessThan(300_000);
    expect(withPhoto.equals(withoutPhoto)).toBe(false);
  }, 30_000);

  test("the Status image is 1080×1920 JPEG", async () => {
    const jpeg = await renderStatus({ ...INPUT, photoJpeg: null, url: "https://book.example.com/c/kim" });
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", STATUS.width, STATUS.height]);
  }, 30_000);

  test("QR codes: SVG and PNG of the link", async () => {
    const svg = await qrSvg("https://book.example.com/c/kim");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("<path");
    const png = await qrPng("https://book.example.com/c/kim", 600);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 600, 600]);
    // Another link gives another code (control).
    expect(await qrSvg("https://book.example.com/c/someone-else")).not.toBe(svg);
  });

  test("clip shortens at a word with an ellipsis, and leaves short text alone", () => {
    expect(clip("short", 10)).toBe("short");
    expect(clip("Personal trainer in Dubai Marina", 20)).toBe("Personal trainer…");
  });
});

describe("card words", () => {
  test("initials", () => {
    expect(initials("Kim Lindberg")).toBe("KL");
    expect(initials("anna-yoga")).toBe("AY");
    expect(initials("Madonna")).toBe("M");
    expect(initials("Dr. Ana María de la Cruz")).toBe("DC");
    expect(initials("   ")).toBe("?");
  });

  test("session and next free labels in the provider's zone", () => {
    const now = Date.parse("2026-12-02T20:30:00Z"); // Thu 3 Dec 00:30 in Dubai
    const zone = "Asia/Dubai";
    expect(sessionLabel(60)).toBe("60-minute sessions");
    expect(nextFreeLabel(Date.parse("2026-12-03T03:00:00Z"), zone, now)).toBe("today 07:00");
    expect(nextFreeLabel(Date.parse("2026-12-04T03:00:00Z"), zone, now)).toBe("tomorrow 07:00");
    expect(nextFreeLabel(Date.parse("2026-12-07T05:30:00Z"), zone, now)).toBe("Mon 7 Dec 09:30");
    expect(dayWord("2026-12-03", zone, now)).toBe("Today");
    expect(dayWord("2026-12-04", zone, now)).toBe("Tomorrow");
    expect(dayWord("2026-12-05", zone, now)).toBe("Sat 5 Dec");
  });

  test("preview description", () => {
    expect(previewDescription({ nextFree: "tomorrow 07:00", session: "60-minute sessions", location: "Dubai", fallback: "x" })).toBe(
      "Next free: tomorrow 07:00 · 60-minute sessions · Dubai",
    );
    expect(previewDescription({ nextFree: null, session: "45-minute sessions", fallback: "Book by WhatsApp" })).toBe(
      "Book by WhatsApp · 45-minute sessions",
    );
  });

  test("Share on WhatsApp: the link is in the prefilled text", () => {
    const href = waShareLink(shareText("Kim", "https://book.example.com/c/kim"));
    expect(href.startsWith("https://wa.me/?text=")).toBe(true);
    expect(decodeURIComponent(href.split("text=")[1])).toBe("Book a session with Kim:\nhttps://book.example.com/c/kim");
  });
});

describe("first run steps", () => {
  test("each missing item links to its section", () => {
    const steps = publishSteps(readSettings({}), null);
    expect(steps).toEqual([
      { text: PUBLISH_PROBLEMS.slug, href: "/settings#address" },
      { text: PUBLISH_PROBLEMS.workingHours, href: "/settings/hours" },
      { text: PUBLISH_PROBLEMS.whatsapp, href: "/settings/whatsapp" },
    ]);
    expect(problemHref("This address is reserved")).toBe("/settings#address");
  });

  test("next step: the first missing item, then publish, then calendar, then share", () => {
    const hours = { timezone: "Asia/Dubai", days: [1], start: "09:00", end: "17:00" };
    const whatsapp = { enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi {date} {time}" };
    expect(nextStep(readSettings({ whatsapp }), "kim", false).href).toBe("/settings/hours");
    const ready = readSettings({ workingHours: hours, whatsapp });
    expect(nextStep(ready, "kim", false)).toEqual({ text: "Publish your page", href: "/settings#publish" });
    expect(nextStep(ready, "kim", true).href).toBe("/settings/calendar");
    const withCalendar = readSettings({ workingHours: hours, whatsapp, calendar: { selectedCalendarIds: ["https://cal.example.com/a/"] } });
    expect(nextStep(withCalendar, "kim", true).href).toBe("/settings#share");
  });
});
