import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BusyUnavailableError, clearBusyCache, getBusyCached, invalidateBusyCache } from "~/modules/calendar/busy-cache.server";

const WINDOW = { start: Date.UTC(2026, 11, 1), end: Date.UTC(2026, 11, 15) };
const BUSY = [{ start: Date.UTC(2026, 11, 2, 9), end: Date.UTC(2026, 11, 2, 10) }];

beforeEach(() => {
  clearBusyCache();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-12-01T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("busy-time cache (TTL 60 s, stale 3 h by default)", () => {
  it("one fetch in flight per provider however many visitors arrive", async () => {
    let release!: () => void;
    const fetch = vi.fn(() => new Promise<typeof BUSY>((resolve) => (release = () => resolve(BUSY))));
    const visitors = Array.from({ length: 200 }, () => getBusyCached("p1", "k", WINDOW, fetch));
    await Promise.resolve();
    release();
    const results = await Promise.all(visitors);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.busy === BUSY && !r.stale)).toBe(true);
  });

  it("serves from cache while fresh and refetches after the TTL", async () => {
    const fetch = vi.fn(async () => BUSY);
    await getBusyCached("p1", "k", WINDOW, fetch);
    vi.setSystemTime(Date.now() + 59_000);
    await getBusyCached("p1", "k", WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 2_000);
    await getBusyCached("p1", "k", WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("fails closed: serves the last good copy while young, then refuses", async () => {
    await getBusyCached("p1", "k", WINDOW, async () => BUSY);
    const down = vi.fn(async () => {
      throw new Error("calendar server down");
    });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const stale = await getBusyCached("p1", "k", WINDOW, down);
    expect(stale).toMatchObject({ busy: BUSY, stale: true });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    await expect(getBusyCached("p1", "k", WINDOW, down)).rejects.toBeInstanceOf(BusyUnavailableError);
  });

  it("with nothing cached, a failure is 'unavailable', never an empty (all free) list", async () => {
    await expect(getBusyCached("p2", "k", WINDOW, async () => Promise.reject(new Error("401")))).rejects.toBeInstanceOf(
      BusyUnavailableError,
    );
  });

  it("a changed selection (key) or an invalidation forces a fresh fetch", async () => {
    const fetch = vi.fn(async () => BUSY);
    await getBusyCached("p1", "k", WINDOW, fetch);
    await getBusyCached("p1", "k2", WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    invalidateBusyCache("p1");
    await getBusyCached("p1", "k2", WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("a window beyond the cached one is fetched, not assumed free", async () => {
    const fetch = vi.fn(async () => BUSY);
    await getBusyCached("p1", "k", WINDOW, fetch);
    await getBusyCached("p1", "k", { start: WINDOW.start, end: WINDOW.end + 3 * 86_400_000 }, fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("a fetch that was running when the selection changed is not kept", async () => {
    let release!: () => void;
    const slow = vi.fn(() => new Promise<typeof BUSY>((resolve) => (release = () => resolve(BUSY))));
    const pending = getBusyCached("p1", "k", WINDOW, slow);
    await Promise.resolve();
    invalidateBusyCache("p1");
    release();
    await pending;
    const fetch = vi.fn(async () => []);
    await getBusyCached("p1", "k", WINDOW, fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("busy-time cache: the tap's freshness (maxAgeMs, waitMs)", () => {
  it("refreshes a copy older than maxAgeMs even inside the TTL", async () => {
    const fetch = vi.fn(async () => BUSY);
    await getBusyCached("p1", "k", WINDOW, fetch);
    vi.setSystemTime(Date.now() + 20_000);
    await getBusyCached("p1", "k", WINDOW, fetch, Date.now(), { maxAgeMs: 30_000 });
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 11_000);
    await getBusyCached("p1", "k", WINDOW, fetch, Date.now(), { maxAgeMs: 30_000 });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("waits at most waitMs, then serves the last good copy as stale; without a copy it fails", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
    vi.setSystemTime(new Date("2026-12-01T00:00:00Z"));
    await getBusyCached("p1", "k", WINDOW, async () => BUSY);
    vi.setSystemTime(Date.now() + 40_000);
    const hanging = () => new Promise<typeof BUSY>(() => {});
    const served = getBusyCached("p1", "k", WINDOW, hanging, Date.now(), { maxAgeMs: 30_000, waitMs: 50 });
    const failed = getBusyCached("p2", "k", WINDOW, hanging, Date.now(), { maxAgeMs: 30_000, waitMs: 50 });
    failed.catch(() => {});
    await vi.advanceTimersByTimeAsync(60);
    expect(await served).toMatchObject({ busy: BUSY, stale: true });
    await expect(failed).rejects.toBeInstanceOf(BusyUnavailableError);
  });
});
