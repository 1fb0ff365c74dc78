/**
 * Security headers on every route, from the real server (`node server.mjs`, as `npm start` runs
 * it: compression, static files, ETag rewriting and all). Headers do not depend on the database
 * backend, so this runs once, in the embedded project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, signIn, startAppServer } from "../support/app-server";
import { rawRequest } from "../support/http-raw";
import { backend } from "../support/test-db";

const DEMO = { email: "demo@example.com", password: "demo-password-123" };

describe.runIf(backend === "embedded")("security headers on every route (real server)", () => {
  let server: AppServer;
  let cookie = "";
  beforeAll(async () => {
    server = await startAppServer({ startTimeoutMs: 180_000 });
    cookie = (await signIn(server.url, DEMO.email, DEMO.password)).cookie();
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function get(path: string, opts: { signedIn?: boolean; headers?: Record<string, string> } = {}) {
    const res = await fetch(server.url + path, {
      redirect: "manual",
      headers: { ...(opts.signedIn ? { Cookie: cookie } : {}), ...opts.headers },
    });
    return { res, text: await res.text() };
  }

  function expectCommon(h: Headers, what: string) {
    expect(h.get("x-content-type-options"), what).toBe("nosniff");
    expect(h.get("referrer-policy"), what).toBe(what.startsWith("/reset-password") ? "no-referrer" : "strict-origin-when-cross-origin");
    expect(h.get("strict-transport-security"), what).toBe("max-age=31536000; includeSubDomains");
    const csp = h.get("content-security-policy") ?? "";
    expect(csp, what).toMatch(/frame-ancestors /);
    expect(csp, what).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp, what).not.toMatch(/unsafe-eval/);
    return csp;
  }

  it("/ (plain HTML, no script): the strict policy all the same", async () => {
    const { res, text } = await get("/");
    expect(res.status).toBe(200);
    expect(expectCommon(res.headers, "/")).toContain("frame-ancestors 'none'");
    expect(text).not.toMatch(/<script/i);
  });

  const PAGES: [string, number, boolean][] = [
    ["/login", 200, false],
    ["/signup", 200, false],
    ["/forgot-password", 200, false],
    ["/reset-password?token=not-a-real-token-0000000000", 200, false],
    ["/settings", 200, true],
    ["/settings/hours", 200, true],
    ["/settings/whatsapp", 200, true],
    ["/settings/booking", 200, true],
    ["/settings/calendar", 200, true],
    ["/settings/password", 200, true],
    ["/no-such-page", 404, false],
  ];

  it.each(PAGES)("%s: strict CSP with a fresh nonce on every inline and module script", async (path, status, signedIn) => {
    const { res, text } = await get(path, { signedIn });
    expect(res.status).toBe(status);
    const csp = expectCommon(res.headers, path);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, csp).toBeTruthy();
    const scripts = [...text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A new nonce per response.
    const again = await get(path, { signedIn });
    expect(again.res.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("redirects, refusals and assets carry the headers too", async () => {
    const anonSettings = await get("/settings");
    expect(anonSettings.res.status).toBe(302);
    expectCommon(anonSettings.res.headers, "302");
    for (const path of ["/healthz", "/favicon.svg", "/logout", "/auth/confirm"]) {
      const { res } = await get(path);
      expectCommon(res.headers, path);
    }
    const asset = /href="(\/build\/[^"]+\.css)"/.exec((await get("/login")).text)?.[1];
    expect(asset).toBeTruthy();
    expectCommon((await get(asset!)).res.headers, asset!);
    const crossSite = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.c&password=x",
      redirect: "manual",
    });
    expect(crossSite.status).toBe(403);
    expectCommon(crossSite.headers, "403");
    const json = await rawRequest(server.url, { path: "/login", body: "{}", headers: { "Content-Type": "application/json" } });
    expect(json.status).toBe(415);
    expect(json.headers["x-content-type-options"]).toBe("nosniff");
    const huge = await rawRequest(server.url, {
      path: "/login",
      body: "",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "20000000" },
    });
    expect(huge.status).toBe(413);
    const chunked = await rawRequest(server.url, {
      path: "/login",
      body: "x=" + "a".repeat(100_000),
      chunked: true,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(chunked.status).toBe(413);
  });

  it("a chunked sign-in under the limit works through the real server", async () => {
    const body = new URLSearchParams({ ...DEMO, redirectTo: "/settings" }).toString();
    const res = await rawRequest(server.url, {
      path: "/login",
      body,
      chunked: true,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/settings");
  });

  it("the public page: no script, CSP says so, no nonce; ETag, 304 and cacheability intact", async () => {
    const first = await get("/c/demo-trainer", { headers: { "Accept-Encoding": "gzip" } });
    expect(first.res.status).toBe(200);
    const csp = expectCommon(first.res.headers, "/c/");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("nonce-");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first.text).not.toMatch(/<script/i);
    expect(first.res.headers.get("cache-control")).toMatch(/^public, /);
    expect(first.res.headers.get("set-cookie")).toBeNull();
    const etag = first.res.headers.get("etag");
    expect(etag).toMatch(/^"/);
    const second = await get("/c/demo-trainer", { headers: { "Accept-Encoding": "gzip" } });
    expect(second.res.headers.get("content-security-policy")).toBe(csp);
    expect(second.res.headers.get("etag")).toBe(etag);
    expect(second.text).toBe(first.text);
    const revalidated = await get("/c/demo-trainer", { headers: { "If-None-Match": etag!, "Accept-Encoding": "gzip" } });
    expect(revalidated.res.status).toBe(304);
    expect(revalidated.res.headers.get("content-security-policy")).toBe(csp);
    const missing = await get("/c/no-such-provider");
    expect(missing.res.status).toBe(404);
    expect(expectCommon(missing.res.headers, "/c/ 404")).toContain("script-src 'none'");
  });
});
