import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  BusyUnavailableError,
  busyCacheStats,
  clearBusyCache,
  forgetBusy,
  getBusyCached,
  markBusyForRefresh,
  type CalendarBusyResult,
  type CalendarFetch,
} from "~/modules/calendar/busy-cache.server";
import { resetEnvCache } from "~/server/env.server";

const WINDOW = { start: Date.UTC(2026, 11, 1), end: Date.UTC(2026, 11, 15) };
const A = "https://cal.example/a/";
const B = "https://cal.example/b/";
const BUSY_A = [{ start: Date.UTC(2026, 11, 2, 9), end: Date.UTC(2026, 11, 2, 10) }];
const BUSY_B = [{ start: Date.UTC(2026, 11, 3, 9), end: Date.UTC(2026, 11, 3, 10) }];
const BOTH = { key: "Europe/Berlin", calendars: [A, B] };
const ONLY_A = { key: "Europe/Berlin", calendars: [A] };
const TTL = 60_000;
const ENV_KEYS = ["BUSY_CACHE_TTL_SECONDS", "BUSY_STALE_SECONDS", "CALDAV_PUBLIC_WAIT_MS", "CALDAV_TIMEOUT_MS", "PUBLIC_CACHE_MAX_MB"];

/** Answers every calendar with its fixture (or per-calendar overrides). */
function calendars(over: Record<string, Partial<CalendarBusyResult>> = {}): CalendarFetch {
  return async (urls) => urls.map((u) => ({ calendarUrl: u, busy: u === A ? BUSY_A : BUSY_B, ...over[u] }));
}
/** A calendar server that never answers (holds the connection), until release(). */
function hanging() {
  let release: () => void = () => {};
  const fn = vi.fn<CalendarFetch>(
    (urls) => new Promise<CalendarBusyResult[]>((resolve) => (release = () => resolve(urls.map((u) => ({ calendarUrl: u, busy: [] }))))),
  );
  return { fn, release: () => release() };
}
const sorted = (r: { busy: { start: number }[] }) => r.busy.map((b) => b.start).sort();
const flush = () => new Promise((r) => setTimeout(r, 0));

function setEnv(values: Record<string, string>) {
  for (const [k, v] of Object.entries(values)) process.env[k] = v;
  resetEnvCache();
  clearBusyCache();
}

beforeEach(() => {
  for (const k of ENV_KEYS) delete process.env[k];
  resetEnvCache();
  clearBusyCache();
});
afterEach(() => {
  vi.useRealTimers();
  for (const k of ENV_KEYS) delete process.env[k];
  resetEnvCache();
});

describe("busy cache: single flight and freshness (TTL 60 s, stale 3 h)", () => {
  it("one fetch in flight per provider however many visitors arrive", async () => {
    const slow = hanging();
    const visitors = Array.from({ length: 200 }, () => getBusyCached("p1", BOTH, WINDOW, slow.fn));
    await flush();
    slow.release();
    const results = await Promise.all(visitors);
    expect(slow.fn).toHaveBeenCalledTimes(1);
    expect(results.every((r) => !r.stale && !r.refreshing)).toBe(true);
  });

  it("serves the copy while fresh; after the TTL serves it at once and refreshes once in the background", async () => {
    const t0 = Date.now();
    const fetch = vi.fn(calendars());
    const first = await getBusyCached("p1", BOTH, WINDOW, fetch, t0);
    expect(first).toMatchObject({ stale: false, refreshing: false });
    expect(first.freshUntil).toBeGreaterThanOrEqual(t0 + TTL - 1000);
    await getBusyCached("p1", BOTH, WINDOW, fetch, t0 + TTL - 1000);
    expect(fetch).toHaveBeenCalledTimes(1);

    // Past the TTL with a server that holds the connection: nobody waits.
    const slow = hanging();
    const started = performance.now();
    const later = await Promise.all(Array.from({ length: 50 }, () => getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 1000)));
    expect(performance.now() - started).toBeLessThan(200);
    expect(later.every((r) => r.refreshing && !r.stale)).toBe(true);
    expect(sorted(later[0])).toEqual(sorted(first));
    expect(slow.fn).toHaveBeenCalledTimes(1);
    slow.release();
    await flush();
    // The refresh filled the cache: fresh again, no new fetch.
    const after = await getBusyCached("p1", BOTH, WINDOW, fetch, Date.now());
    expect(after).toMatchObject({ refreshing: false, stale: false, busy: [] });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("a refresh that hangs past its own timeout turns the copy 'stale'; the visitor still never waits", async () => {
    setEnv({ CALDAV_TIMEOUT_MS: "1000" });
    const t0 = Date.now();
    await getBusyCached("p1", BOTH, WINDOW, calendars(), t0);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const slow = hanging();
    const during = await getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 1);
    expect(during).toMatchObject({ stale: false, refreshing: true });
    await vi.advanceTimersByTimeAsync(1001);
    const after = await getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 2);
    expect(after).toMatchObject({ stale: true, busy: [...BUSY_A, ...BUSY_B] });
    // The timed-out refresh freed the slot: this visit started the next one.
    expect(slow.fn).toHaveBeenCalledTimes(2);
  });

  it("fails closed: serves the last good copy (stale) until the stale limit, then refuses", async () => {
    const t0 = Date.now();
    await getBusyCached("p1", BOTH, WINDOW, calendars(), t0);
    const down = vi.fn<CalendarFetch>(async () => {
      throw new Error("calendar server down");
    });
    const first = await getBusyCached("p1", BOTH, WINDOW, down, t0 + 2 * 3600_000);
    expect(first).toMatchObject({ stale: false, refreshing: true });
    await flush();
    const stale = await getBusyCached("p1", BOTH, WINDOW, down, t0 + 2 * 3600_000);
    expect(stale).toMatchObject({ stale: true });
    expect(sorted(stale)).toEqual([BUSY_A[0].start, BUSY_B[0].start]);
    await expect(getBusyCached("p1", BOTH, WINDOW, down, t0 + 4 * 3600_000)).rejects.toBeInstanceOf(BusyUnavailableError);
  });

  it("with nothing cached, a failure is 'unavailable', never an empty (all free) list", async () => {
    await expect(getBusyCached("p2", BOTH, WINDOW, async () => Promise.reject(new Error("401")))).rejects.toBeInstanceOf(
      BusyUnavailableError,
    );
    // Positive control: the same provider with a working server gets its busy times.
    expect(sorted(await getBusyCached("p2", BOTH, WINDOW, calendars()))).toEqual([BUSY_A[0].start, BUSY_B[0].start]);
  });

  it("with no copy and a hanging server: waits CALDAV_PUBLIC_WAIT_MS, then 'unavailable'; the fetch goes on to fill the cache", async () => {
    setEnv({ CALDAV_PUBLIC_WAIT_MS: "150" });
    const slow = hanging();
    const started = performance.now();
    await expect(getBusyCached("p3", BOTH, WINDOW, slow.fn)).rejects.toThrow(BusyUnavailableError);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1000);
    slow.release();
    await flush();
    const next = await getBusyCached("p3", BOTH, WINDOW, slow.fn);
    expect(next).toMatchObject({ stale: false, refreshing: false, busy: [] });
    expect(slow.fn).toHaveBeenCalledTimes(1);
  });
});

describe("busy cache: saves and selection changes", () => {
  it("a save keeps the last good copy and only marks it for refresh (outage: 'stale', never 'unavailable')", async () => {
    const t0 = Date.now();
    await getBusyCached("p1", BOTH, WINDOW, calendars(), t0);
    markBusyForRefresh("p1");
    const down = vi.fn<CalendarFetch>(async () => {
      throw new Error("calendar server down");
    });
    const served = await getBusyCached("p1", BOTH, WINDOW, down, t0 + 1000);
    expect(served).toMatchObject({ refreshing: true, stale: false });
    expect(down).toHaveBeenCalledTimes(1);
    await flush();
    const stale = await getBusyCached("p1", BOTH, WINDOW, down, t0 + 2000);
    expect(stale).toMatchObject({ stale: true });
    expect(sorted(stale)).toEqual([BUSY_A[0].start, BUSY_B[0].start]);
  });

  it("a save during a running refresh starts a new one (the old one predates the change)", async () => {
    const t0 = Date.now();
    await getBusyCached("p1", BOTH, WINDOW, calendars(), t0);
    const slow = hanging();
    await getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 1);
    await getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 1);
    expect(slow.fn).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 2));
    markBusyForRefresh("p1");
    await getBusyCached("p1", BOTH, WINDOW, slow.fn, t0 + TTL + 2);
    expect(slow.fn).toHaveBeenCalledTimes(2);
  });

  it("a calendar taken out of the selection takes its busy times with it; one added is fetched", async () => {
    const fetch = vi.fn(calendars());
    await getBusyCached("p1", BOTH, WINDOW, fetch);
    const onlyA = await getBusyCached("p1", ONLY_A, WINDOW, fetch);
    expect(sorted(onlyA)).toEqual([BUSY_A[0].start]);
    expect(fetch).toHaveBeenCalledTimes(1);
    const again = await getBusyCached("p1", BOTH, WINDOW, fetch);
    expect(sorted(again)).toEqual([BUSY_A[0].start, BUSY_B[0].start]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("one calendar failing keeps its own last copy (stale) while the other is updated", async () => {
    const t0 = Date.now();
    await getBusyCached("p1", BOTH, WINDOW, calendars(), t0);
    const newA = [{ start: Date.UTC(2026, 11, 4, 9), end: Date.UTC(2026, 11, 4, 10) }];
    const partial = calendars({ [A]: { busy: newA }, [B]: { busy: undefined, error: new Error("B is down") } });
    await getBusyCached("p1", BOTH, WINDOW, partial, t0 + TTL + 1);
    await flush();
    const r = await getBusyCached("p1", BOTH, WINDOW, partial, t0 + TTL + 2);
    expect(r.stale).toBe(true);
    expect(sorted(r)).toEqual([BUSY_B[0].start, newA[0].start]);
  });

  it("a window beyond the cached one is fetched, not assumed free; a new extraction key (zone, all-day rule) means new data", async () => {
    const fetch = vi.fn(calendars());
    await getBusyCached("p1", BOTH, WINDOW, fetch);
    await getBusyCached("p1", BOTH, { start: WINDOW.start, end: WINDOW.end + 3 * 86_400_000 }, fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    await getBusyCached("p1", { ...BOTH, key: "Asia/Dubai|busy" }, WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("is bounded: least recently used providers go once the byte budget is full", async () => {
    setEnv({ PUBLIC_CACHE_MAX_MB: "1" });
    const many = Array.from({ length: 1000 }, (_, i) => ({ start: WINDOW.start + i * 60_000, end: WINDOW.start + i * 60_000 + 1 }));
    const big: CalendarFetch = async (urls) => urls.map((u) => ({ calendarUrl: u, busy: many }));
    for (let i = 0; i < 40; i++) await getBusyCached(`p${i}`, BOTH, WINDOW, big);
    const stats = busyCacheStats();
    expect(stats.bytes).toBeLessThanOrEqual(stats.limit);
    expect(stats.providers).toBeGreaterThan(0);
    expect(stats.providers).toBeLessThan(40);
    // The most recent one is still there (no fetch), the first one is gone (fetched again).
    const fetch = vi.fn(big);
    await getBusyCached("p39", BOTH, WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(0);
    await getBusyCached("p0", BOTH, WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("busy cache: a change of calendar access", () => {
  it("drops the copies (fails closed when the new access cannot read), where a settings save keeps them", async () => {
    await getBusyCached("p1", BOTH, WINDOW, calendars());
    const refused = calendars({ [A]: { busy: undefined, error: new Error("401") }, [B]: { busy: undefined, error: new Error("401") } });
    // Control: a settings save keeps the copy; the failed refresh only marks it stale.
    markBusyForRefresh("p1");
    const kept = await getBusyCached("p1", BOTH, WINDOW, refused);
    expect(kept.busy.length).toBe(2);
    await flush();
    expect((await getBusyCached("p1", BOTH, WINDOW, refused)).stale).toBe(true);
    // A new account that cannot read the selection: nothing old is shown.
    forgetBusy("p1");
    await expect(getBusyCached("p1", BOTH, WINDOW, refused)).rejects.toBeInstanceOf(BusyUnavailableError);
  });
});

describe("busy-time cache: the tap's freshness (maxAgeMs, waitMs)", () => {
  it("refreshes and waits for a copy older than maxAgeMs even inside the TTL", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T00:00:00Z"));
    const fetch = vi.fn(calendars());
    await getBusyCached("p1", BOTH, WINDOW, fetch);
    vi.setSystemTime(Date.now() + 20_000);
    // 20 s old: young enough for the tap, no fetch.
    await getBusyCached("p1", BOTH, WINDOW, fetch, Date.now(), { maxAgeMs: 30_000 });
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 11_000);
    // 31 s old: the tap waits for a new read, and gets it (not stale).
    const tap = await getBusyCached("p1", BOTH, WINDOW, fetch, Date.now(), { maxAgeMs: 30_000 });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(tap).toMatchObject({ stale: false });
    expect(tap.fetchedAt).toBe(Date.now());
  });

  it("waits at most waitMs, then serves the last good copy as stale; without a copy it fails", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    vi.setSystemTime(new Date("2026-12-01T00:00:00Z"));
    await getBusyCached("p1", BOTH, WINDOW, calendars());
    vi.setSystemTime(Date.now() + 40_000);
    const slow = hanging();
    const served = getBusyCached("p1", BOTH, WINDOW, slow.fn, Date.now(), { maxAgeMs: 30_000, waitMs: 50 });
    const failed = getBusyCached("p2", BOTH, WINDOW, slow.fn, Date.now(), { maxAgeMs: 30_000, waitMs: 50 });
    failed.catch(() => {});
    await vi.advanceTimersByTimeAsync(60);
    const copy = await served;
    expect(copy.stale).toBe(true);
    expect(sorted(copy)).toEqual([...BUSY_A, ...BUSY_B].map((b) => b.start).sort());
    await expect(failed).rejects.toBeInstanceOf(BusyUnavailableError);
    // Positive control: the page (no maxAgeMs) is served the same copy at once, not marked stale by the tap.
    const page = await getBusyCached("p1", BOTH, WINDOW, slow.fn);
    expect(page.stale).toBe(false);
    slow.release();
  });
});
