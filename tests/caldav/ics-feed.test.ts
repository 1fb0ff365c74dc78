/**
 * ICS subscription feeds over real HTTP (a local server): webcal:// handling, masking, conditional
 * GET, the size limit, redirects, the SSRF guard and the verify-before-store rules.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedError, fetchFeedText, maskFeedUrl, normalizeFeedUrl, verifyFeedText } from "~/modules/calendar/ics-feeds.server";
import { REAL_WORLD } from "../support/ical-fixtures";

const FEED = REAL_WORLD.xWrTimezone;
let server: Server;
let base: string;
const seen: { path: string; inm: string | null; ims: string | null }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "/";
    seen.push({ path, inm: (req.headers["if-none-match"] as string) ?? null, ims: (req.headers["if-modified-since"] as string) ?? null });
    if (path === "/etag.ics") {
      if (req.headers["if-none-match"] === '"v1"') return res.writeHead(304).end();
      return res.writeHead(200, { "content-type": "text/calendar", etag: '"v1"' }).end(FEED);
    }
    if (path === "/modified.ics") {
      const lm = "Wed, 02 Dec 2026 10:00:00 GMT";
      if (req.headers["if-modified-since"] === lm) return res.writeHead(304).end();
      return res.writeHead(200, { "content-type": "text/calendar", "last-modified": lm }).end(FEED);
    }
    if (path === "/big.ics") {
      // No Content-Length: the limit must hold while streaming.
      res.writeHead(200, { "content-type": "text/calendar" });
      const chunk = "X".repeat(1024 * 1024);
      for (let i = 0; i < 11; i++) res.write(chunk);
      return res.end();
    }
    if (path === "/redirect.ics") return res.writeHead(302, { location: "/etag.ics" }).end();
    if (path === "/loop.ics") return res.writeHead(302, { location: "/loop.ics" }).end();
    if (path === "/gone.ics") return res.writeHead(404).end("not found");
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("no port");
  base = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const open = { timeoutMs: 5000, allowPrivate: true };

async function feedError(p: Promise<unknown>): Promise<FeedError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    return err as FeedError;
  }
  throw new Error("expected a FeedError");
}

describe("feed addresses", () => {
  it("webcal:// is read as https://; only http(s) without credentials is accepted", () => {
    expect(normalizeFeedUrl(" webcal://p01-caldav.icloud.com/published/2/SECRET ")).toBe(
      "https://p01-caldav.icloud.com/published/2/SECRET",
    );
    expect(normalizeFeedUrl("https://calendar.google.com/calendar/ical/x/private-abc/basic.ics")).toBe(
      "https://calendar.google.com/calendar/ical/x/private-abc/basic.ics",
    );
    expect(normalizeFeedUrl("ftp://example.com/a.ics")).toBeNull();
    expect(normalizeFeedUrl("https://user:pw@example.com/a.ics")).toBeNull();
    expect(normalizeFeedUrl("not a url")).toBeNull();
  });

  it("the hint never contains the secret part of the address", () => {
    const hint = maskFeedUrl("https://calendar.google.com/calendar/ical/me%40gmail.com/private-0123456789abcdef/basic.ics");
    expect(hint).toBe("calendar.google.com/….ics");
    expect(hint).not.toContain("private-0123456789abcdef");
  });
});

describe("fetching a feed", () => {
  it("conditional GET with ETag: the second read is a 304 and serves the kept body", async () => {
    const first = await fetchFeedText(`${base}/etag.ics`, { ...open, cacheKey: "ics-feed:etag" });
    expect(first).toEqual({ text: FEED, notModified: false });
    const second = await fetchFeedText(`${base}/etag.ics`, { ...open, cacheKey: "ics-feed:etag" });
    expect(second).toEqual({ text: FEED, notModified: true });
    expect(seen.filter((s) => s.path === "/etag.ics").map((s) => s.inm)).toEqual([null, '"v1"']);
  });

  it("conditional GET with Last-Modified (If-Modified-Since)", async () => {
    await fetchFeedText(`${base}/modified.ics`, { ...open, cacheKey: "ics-feed:modified" });
    const again = await fetchFeedText(`${base}/modified.ics`, { ...open, cacheKey: "ics-feed:modified" });
    expect(again.notModified).toBe(true);
    // Without a kept body nothing conditional is asked.
    expect((await fetchFeedText(`${base}/modified.ics`, open)).notModified).toBe(false);
    expect(seen.filter((s) => s.path === "/modified.ics").map((s) => s.ims)).toEqual([null, "Wed, 02 Dec 2026 10:00:00 GMT", null]);
  });

  it("more than 10 MB is refused while streaming; a larger limit reads it", async () => {
    expect((await feedError(fetchFeedText(`${base}/big.ics`, open))).reason).toBe("too-large");
    expect((await fetchFeedText(`${base}/big.ics`, { ...open, maxBytes: 12 * 1024 * 1024 })).text.length).toBe(11 * 1024 * 1024);
  });

  it("follows a redirect, refuses a redirect loop, reports a vanished feed", async () => {
    expect((await fetchFeedText(`${base}/redirect.ics`, open)).text).toBe(FEED);
    expect((await feedError(fetchFeedText(`${base}/loop.ics`, open))).message).toMatch(/redirects too often/);
    expect((await feedError(fetchFeedText(`${base}/gone.ics`, open))).reason).toBe("gone");
  });

  it("the SSRF guard refuses loopback unless private networks are allowed", async () => {
    const err = await feedError(fetchFeedText(`${base}/etag.ics`, { timeoutMs: 5000, allowPrivate: false }));
    expect(err.message).toMatch(/private network/);
  });

  it("a server that does not answer times out", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      expect((await feedError(fetchFeedText(`http://127.0.0.1:${port}/x.ics`, { timeoutMs: 300, allowPrivate: true }))).reason).toBe(
        "timeout",
      );
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});

describe("verify before storing", () => {
  it("accepts iCalendar with a VEVENT or an empty VCALENDAR, and names the calendar", () => {
    expect(verifyFeedText(FEED, "Europe/Berlin")).toEqual({ ok: true, name: "Exported" });
    expect(verifyFeedText("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n", "Europe/Berlin")).toEqual({
      ok: true,
      name: null,
    });
  });

  it("refuses HTML, task-only calendars and calendars with an unreadable event (naming it)", () => {
    expect(verifyFeedText("<html>login</html>", "Europe/Berlin").ok).toBe(false);
    const tasks = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    expect(verifyFeedText(tasks, "Europe/Berlin").ok).toBe(false);
    const broken =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Broken lunch\r\nDTEND:20261209T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    const result = verifyFeedText(broken, "Europe/Berlin");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain("Broken lunch");
  });
});
