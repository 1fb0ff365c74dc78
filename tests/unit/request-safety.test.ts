import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/modules/auth/auth.server";
import { originCheck } from "~/server/origin.server";

describe("safeRedirect: only paths inside the app", () => {
  it.each(["/settings", "/settings/hours?x=1", "/c/demo"])("keeps %s", (to) => expect(safeRedirect(to)).toBe(to));
  it.each(["//evil.com", "https://evil.com", "/\\evil.com", "evil", "", "/\nSet-Cookie:x", null, undefined])("refuses %s", (to) =>
    expect(safeRedirect(to as string)).toBe("/settings"),
  );
});

describe("originCheck: cross-site posts are refused", () => {
  it("allows safe methods and same-origin posts", () => {
    expect(originCheck("GET", { origin: "https://evil.com", host: "app.test" })).toBeNull();
    expect(originCheck("POST", { origin: "http://app.test", host: "app.test" })).toBeNull();
    expect(originCheck("POST", { host: "app.test" })).toBeNull();
  });
  it("refuses another origin, a null origin, and a malformed one", () => {
    expect(originCheck("POST", { origin: "https://evil.com", host: "app.test" })).toMatch(/another site/);
    expect(originCheck("POST", { origin: "null", host: "app.test" })).toMatch(/another site/);
    expect(originCheck("DELETE", { origin: "::::", host: "app.test" })).toMatch(/another site/);
  });
  it("behind a trusted proxy compares with X-Forwarded-Host", () => {
    const headers = { origin: "https://book.example.com", host: "10.0.0.5:3000", "x-forwarded-host": "book.example.com" };
    expect(originCheck("POST", headers)).toBeNull();
    expect(originCheck("POST", { ...headers, origin: "https://evil.com" })).toMatch(/another site/);
  });
});
