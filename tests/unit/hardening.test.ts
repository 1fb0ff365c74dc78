import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nextAllowedAt, THROTTLE_HARD, THROTTLE_SOFT } from "~/modules/auth/throttle.server";
import { plainInteger, safeText, textMessages, textProblem } from "~/modules/settings/fields";
import { readSettings, SETTINGS_PROBLEMS } from "~/modules/settings/stored";
import { bodyLimitFor, bodyRefusal, contentSecurityPolicy, DEFAULT_BODY_LIMIT, PHOTO_MAX_BYTES } from "~/server/hardening.server";

describe("safeText: the shared character rules", () => {
  const single = textMessages("The name");
  const multi = textMessages("The message", true);
  it.each([
    ["NUL", "a\u0000b", single.control],
    ["ESC", "a\u001bb", single.control],
    ["BEL", "a\u0007", single.control],
    ["tab", "a\tb", single.control],
    ["line feed (single-line)", "a\nb", single.control],
    ["DEL", "a\u007f", single.control],
    ["C1 U+0080", "a\u0080", single.control],
    ["C1 U+009F", "a\u009f", single.control],
    ["LRE", "\u202aa", single.bidi],
    ["RLE", "\u202ba", single.bidi],
    ["PDF", "a\u202c", single.bidi],
    ["LRO", "\u202da", single.bidi],
    ["RLO", "\u202ea", single.bidi],
    ["LRI", "\u2066a", single.bidi],
    ["RLI", "\u2067a", single.bidi],
    ["FSI", "\u2068a", single.bidi],
    ["PDI", "a\u2069", single.bidi],
    ["lone high surrogate", "a\ud800b", single.broken],
    ["lone low surrogate", "a\udc00", single.broken],
    ["U+FFFD", "a\ufffd", single.broken],
  ])("refuses %s", (_what, value, message) => {
    expect(textProblem(value, { label: "The name" })).toBe(message);
  });
  it.each(["Anna", "Ä Ö ü ß", "محمد", "Anna \u200f(RLM is fine)", "emoji 🎉 pair", "日本語"])("accepts %j", (value) => {
    expect(textProblem(value, { label: "The name" })).toBeNull();
  });
  it("multi-line fields allow line breaks, normalise CRLF, and refuse the other controls", () => {
    const schema = safeText({ label: "The message", multiline: true });
    expect(schema.parse("a\r\nb\rc\nd")).toBe("a\nb\nc\nd");
    expect(schema.safeParse("a\tb").error?.issues[0].message).toBe(multi.control);
    expect(schema.safeParse("a\u0000").error?.issues[0].message).toBe(multi.control);
  });
  it("the field's own rules run after, on clean text only", () => {
    const schema = safeText({ label: "The name" }, z.string().trim().min(3, "too short"));
    expect(schema.safeParse("  ab  ").error?.issues.map((i) => i.message)).toEqual(["too short"]);
    expect(schema.safeParse("a\u0000").error?.issues.map((i) => i.message)).toEqual([textMessages("The name").control]);
    expect(schema.safeParse(42).error?.issues[0].message).toBe("The name must be text");
  });
});

describe("plainInteger: plain decimal digits only", () => {
  const n = plainInteger(0, 100, { required: "REQ", range: "RANGE" });
  it.each([
    ["60", 60],
    [" 60 ", 60],
    ["007", 7],
    ["0", 0],
    [42, 42],
  ] as const)("%j → %j", (input, value) => expect(n.parse(input)).toBe(value));
  it.each(["0x3C", "1e2", "60.0", "+60", "６０", "6 0", "\t60", "60\n", "Infinity", "NaN", "-0x1", "1_000"])("refuses %j", (input) => {
    expect(n.safeParse(input).error?.issues[0].message).toBe("RANGE");
  });
  it("empty or missing asks for a value; out of range says the range", () => {
    expect(n.safeParse("").error?.issues[0].message).toBe("REQ");
    expect(n.safeParse(undefined).error?.issues[0].message).toBe("REQ");
    expect(n.safeParse("101").error?.issues[0].message).toBe("RANGE");
    expect(n.safeParse("-1").error?.issues[0].message).toBe("RANGE");
    expect(n.safeParse(1.5).error?.issues[0].message).toBe("RANGE");
  });
});

describe("stored WhatsApp templates from before {date}/{time} were required", () => {
  it("are kept, with a hint, instead of being replaced or crashing", () => {
    const settings = readSettings({ whatsapp: { enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi, can I book?" } });
    expect(settings.whatsapp).toEqual({ enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi, can I book?" });
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.whatsappTemplate]);
  });
  it("a stored display name with a bidi override is flagged, not shown", () => {
    const settings = readSettings({ displayName: "Anna \u202eevil" });
    expect(settings.displayName).toBeUndefined();
    expect(settings.problems).toEqual([SETTINGS_PROBLEMS.displayName]);
  });
});

describe("request bodies: decided from the headers, before reading", () => {
  const form = { "content-type": "application/x-www-form-urlencoded", "content-length": "10" };
  it("forms pass; multipart too", () => {
    expect(bodyRefusal("POST", form, DEFAULT_BODY_LIMIT)).toBeNull();
    expect(
      bodyRefusal("POST", { "content-type": "multipart/form-data; boundary=x", "content-length": "10" }, DEFAULT_BODY_LIMIT),
    ).toBeNull();
    expect(
      bodyRefusal("POST", { "content-type": "Application/X-WWW-Form-Urlencoded;charset=UTF-8", "content-length": "1" }, 100),
    ).toBeNull();
  });
  it("an empty body needs no type (a bare POST /logout)", () => {
    expect(bodyRefusal("POST", {}, DEFAULT_BODY_LIMIT)).toBeNull();
    expect(bodyRefusal("POST", { "content-length": "0" }, DEFAULT_BODY_LIMIT)).toBeNull();
  });
  it.each(["application/json", "text/plain", "application/xml", "", "application/x-www-form-urlencodedx"])("415 for %j", (type) => {
    expect(bodyRefusal("POST", { "content-type": type, "content-length": "5" }, DEFAULT_BODY_LIMIT)?.status).toBe(415);
  });
  it("413 over the limit, and for a length that is not a number", () => {
    expect(bodyRefusal("POST", { ...form, "content-length": String(DEFAULT_BODY_LIMIT + 1) }, DEFAULT_BODY_LIMIT)?.status).toBe(413);
    expect(bodyRefusal("POST", { ...form, "content-length": String(DEFAULT_BODY_LIMIT) }, DEFAULT_BODY_LIMIT)).toBeNull();
    expect(bodyRefusal("POST", { ...form, "content-length": "1e9" }, DEFAULT_BODY_LIMIT)?.status).toBe(413);
  });
  it("GET and HEAD are never refused", () => {
    expect(bodyRefusal("GET", { "content-type": "application/json", "content-length": "999999" }, 1)).toBeNull();
  });
  it("limits are per path prefix: the photo upload gets more", () => {
    expect(bodyLimitFor("/settings")).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor("/settings/photo")).toBe(PHOTO_MAX_BYTES + 64 * 1024);
    expect(bodyLimitFor("/settings/photograph")).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor("/upload/x", { "/upload": 10 })).toBe(10);
  });
});

describe("content security policy", () => {
  it("app pages: scripts only from the site and with the nonce; no framing", () => {
    const csp = contentSecurityPolicy("/settings", "abc", undefined);
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline'; script");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("object-src 'none'");
  });
  it("the public page: no script at all, no nonce, framing only where the operator allows it", () => {
    expect(contentSecurityPolicy("/c/anna", "abc", undefined)).toContain("script-src 'none'");
    expect(contentSecurityPolicy("/c/anna", "abc", undefined)).not.toContain("nonce");
    expect(contentSecurityPolicy("/c/anna", null, undefined)).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy("/c/anna", null, "https://partner.example 'self'")).toContain(
      "frame-ancestors https://partner.example 'self'",
    );
    // The allow-list never applies to the signed-in pages.
    expect(contentSecurityPolicy("/settings", "n", "https://partner.example")).toContain("frame-ancestors 'none'");
  });
});

describe("throttle delays", () => {
  const cfg = { baseMs: 1000, lockMs: 900_000 };
  it("none before 5 failures, then 1 s, 2 s, 4 s … capped at half the lock, and a 15-minute lock at 20", () => {
    expect(nextAllowedAt(THROTTLE_SOFT - 1, 0, cfg)).toBe(0);
    expect(nextAllowedAt(5, 0, cfg)).toBe(1000);
    expect(nextAllowedAt(6, 0, cfg)).toBe(2000);
    expect(nextAllowedAt(9, 0, cfg)).toBe(16_000);
    expect(nextAllowedAt(19, 0, cfg)).toBe(450_000);
    expect(nextAllowedAt(THROTTLE_HARD, 0, cfg)).toBe(900_000);
    expect(nextAllowedAt(50, 0, cfg)).toBe(900_000);
  });
});
