import { describe, expect, test } from "vitest";
import { parseWithZod } from "@conform-to/zod/v4";
import { SLUG_MESSAGES, SLUG_RULES, isReservedSlug, normalizeSlug, slugProblem, slugSchema } from "~/modules/settings/slug";
import { profileSchema } from "~/modules/settings/schemas";

function messagesFor(input: unknown): string[] {
  const result = slugSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("slugSchema: accepted", () => {
  test.each([
    ["abc", "abc"],
    ["anna-yoga", "anna-yoga"],
    ["a1-b2-c3", "a1-b2-c3"],
    ["123", "123"],
    ["x".repeat(40), "x".repeat(40)],
    // Normalised before checking: trimmed and lowercased.
    ["  Anna-Yoga  ", "anna-yoga"],
    ["DEMO-TRAINER", "demo-trainer"],
    // Contains a reserved word but is not one.
    ["settings-page", "settings-page"],
    ["my-app", "my-app"],
  ])("%j -> %j", (input, expected) => {
    expect(slugSchema.parse(input)).toBe(expected);
  });
});

describe("slugSchema: refused", () => {
  test.each([
    ["", SLUG_MESSAGES.required],
    ["   ", SLUG_MESSAGES.required],
    ["ab", SLUG_MESSAGES.tooShort],
    ["x".repeat(41), SLUG_MESSAGES.tooLong],
    ["-abc", SLUG_MESSAGES.edgeHyphen],
    ["abc-", SLUG_MESSAGES.edgeHyphen],
    ["ab--cd", SLUG_MESSAGES.doubleHyphen],
    ["anna yoga", SLUG_MESSAGES.spaces],
  ])("%j -> %j", (input, message) => {
    expect(messagesFor(input)).toEqual([message]);
  });

  test("names the characters that are not allowed", () => {
    expect(messagesFor("anna_yoga!")).toEqual(["“_”, “!” are not allowed: use only letters a–z, numbers 0–9 and hyphens"]);
    expect(messagesFor("café")).toEqual(["“é” is not allowed: use only letters a–z, numbers 0–9 and hyphens"]);
    expect(messagesFor("a.b.c")).toEqual(["“.” is not allowed: use only letters a–z, numbers 0–9 and hyphens"]);
  });

  test.each(SLUG_RULES.reserved.map((word) => [word]))("reserved word %j", (word) => {
    // Single-letter "c" is too short anyway; the first applicable rule wins.
    const expected = word.length < SLUG_RULES.minLength ? SLUG_MESSAGES.tooShort : SLUG_MESSAGES.reserved;
    expect(messagesFor(word)).toEqual([expected]);
    expect(isReservedSlug(word)).toBe(true);
  });

  test("reserved words are refused whatever the case or padding", () => {
    expect(messagesFor(" Settings ")).toEqual([SLUG_MESSAGES.reserved]);
    expect(messagesFor("ADMIN")).toEqual([SLUG_MESSAGES.reserved]);
    expect(isReservedSlug(" API ")).toBe(true);
    expect(isReservedSlug("anna")).toBe(false);
  });

  test("non-strings are refused with the 'choose' message", () => {
    for (const input of [undefined, null, 42, {}, []]) expect(messagesFor(input)).toEqual([SLUG_MESSAGES.required]);
  });

  test("exactly the reserved list from the brief", () => {
    expect([...SLUG_RULES.reserved].sort()).toEqual(
      [
        "settings",
        "login",
        "logout",
        "signup",
        "api",
        "c",
        "admin",
        "auth",
        "healthz",
        "static",
        "build",
        "assets",
        "public",
        "www",
        "app",
        "help",
        "support",
        "about",
        "terms",
        "privacy",
      ].sort(),
    );
  });
});

describe("helpers", () => {
  test("normalizeSlug trims and lowercases", () => {
    expect(normalizeSlug("  Anna-Yoga ")).toBe("anna-yoga");
  });
  test("slugProblem returns null for a good slug", () => {
    expect(slugProblem("anna-yoga")).toBeNull();
    expect(slugProblem("about")).toBe(SLUG_MESSAGES.reserved);
  });
  test("SLUG_RULES.pattern matches what the schema accepts", () => {
    expect(SLUG_RULES.pattern.test("anna-yoga")).toBe(true);
    expect(SLUG_RULES.pattern.test("anna--yoga")).toBe(false);
    expect(SLUG_RULES.pattern.test("-anna")).toBe(false);
    expect(SLUG_RULES.pattern.test("Anna")).toBe(false);
  });
});

describe("through conform (profile form)", () => {
  function submit(slug: string) {
    const formData = new FormData();
    formData.set("publicSlug", slug);
    const submission = parseWithZod(formData, { schema: profileSchema });
    return { status: submission.status, error: submission.status === "error" ? submission.error : undefined, submission };
  }
  test("accepts and normalises", () => {
    const { submission } = submit("  My-Studio ");
    expect(submission.status).toBe("success");
    expect(submission.status === "success" && submission.value.publicSlug).toBe("my-studio");
  });
  test("empty input -> choose message", () => {
    expect(submit("").error?.publicSlug).toEqual([SLUG_MESSAGES.required]);
  });
  test("reserved -> reserved message", () => {
    expect(submit("Login").error?.publicSlug).toEqual([SLUG_MESSAGES.reserved]);
  });
});
