import { describe, expect, it } from "vitest";
import { bookHref, formatStartParam, keptQuery, parseStartParam } from "~/modules/booking-page/book-links";
import { normalizeAddress } from "~/modules/booking-page/client-hash.server";

describe("tap links", () => {
  it("formats and parses the UTC start, minutes only", () => {
    const ms = Date.UTC(2026, 11, 3, 6, 30);
    expect(formatStartParam(ms)).toBe("2026-12-03T06:30Z");
    expect(parseStartParam("2026-12-03T06:30Z")).toBe(ms);
    for (const bad of [
      "2026-12-03T06:30",
      "2026-12-03T06:30:00Z",
      "2026-02-30T06:30Z",
      "2026-12-03T24:00Z",
      "2026-13-01T06:00Z",
      "x",
      "",
    ]) {
      expect(parseStartParam(bad), bad).toBeNull();
    }
  });
  it("keeps lang and tz only, and only harmless values", () => {
    expect(keptQuery("?tz=Europe%2FBerlin&lang=de&utm_source=x")).toBe("?lang=de&tz=Europe%2FBerlin");
    expect(keptQuery("?lang=%22%3E%3Cscript%3E")).toBe("");
    expect(keptQuery("")).toBe("");
    expect(bookHref("demo-trainer", Date.UTC(2026, 11, 3, 6), "?lang=de")).toBe("/c/demo-trainer/book/2026-12-03T06:00Z?lang=de");
  });
});

describe("client address for the limits", () => {
  it("IPv4 and IPv4-mapped IPv6 are one client; IPv6 counts per /64", () => {
    expect(normalizeAddress("::ffff:192.0.2.9")).toBe("192.0.2.9");
    expect(normalizeAddress("2001:db8:1:2:aaaa::1")).toBe(normalizeAddress("2001:0db8:0001:0002:bbbb:cccc:dddd:eeee"));
    expect(normalizeAddress("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(normalizeAddress("2001:db8:1:3::1")).not.toBe(normalizeAddress("2001:db8:1:2::1"));
  });
});
