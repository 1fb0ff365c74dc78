/**
 * Holds and bookings on both backends: the exclusion constraint under concurrent taps (PGlite
 * serialises; PostgreSQL 15 is the real race), RLS and column grants, abuse limits, expiry, and
 * the booking route's server logic (tapSlot) against the database with an injected clock.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { withAnon, withService, withUser, type Database } from "~/server/db.server";
import { resetEnvCache } from "~/server/env.server";
import { activeBookingIntervals, HOLD_LIMITS, placeHold } from "~/modules/booking-page/holds.server";
import { nearestFree, tapSlot } from "~/modules/booking-page/book.server";
import { formatStartParam } from "~/modules/booking-page/book-links";
import { clearBusyCache } from "~/modules/calendar/busy-cache.server";
import { backend, createUser, migratedDatabase } from "../support/test-db";

process.env.HOLD_SALT = "db-test-hold-salt-0123456789abcdef0123456789";
process.env.HOLD_MINUTES = "20";
resetEnvCache();

let db: Database;
let drop: () => Promise<void>;
const ZONE = "Asia/Dubai";
const HOUR = 3_600_000;
const HOLD_MS = 20 * 60_000;

const SETTINGS = {
  workingHours: { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" },
  whatsapp: { enabled: true, phoneE164: "+971501234567", messageTemplate: "Hi! Can I book {date} at {time}? (ref {ref})" },
  booking: { slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 14 },
};

async function publishedProvider(settings: object = SETTINGS) {
  const owner = await createUser(db);
  const slug = `p-${crypto.randomBytes(4).toString("hex")}`;
  const [row] = await db.query<{ id: string }>(
    "insert into public.providers (owner_user_id, public_slug, is_public, timezone, settings) values ($1, $2, true, $3, $4::jsonb) returning id",
    [owner, slug, ZONE, JSON.stringify(settings)],
  );
  return { owner, slug, id: row.id };
}

/** A fixed "now": Monday 2026-12-07 08:00 in Dubai; tomorrow 10:00 local is on the grid. */
const NOW = DateTime.fromISO("2026-12-07T08:00", { zone: ZONE }).toMillis();
const at = (day: number, hour: number) => DateTime.fromISO("2026-12-07T00:00", { zone: ZONE }).plus({ days: day, hours: hour }).toMillis();
const hashOf = (n: number | string) => crypto.createHash("sha256").update(`client-${n}`).digest("hex");
const hold = (providerId: string, start: number, client: number | string, now = NOW, end = start + HOUR, bufferMs = 0) =>
  placeHold(db, { providerId, startMs: start, endMs: end, clientHash: hashOf(client), now, holdMs: HOLD_MS, bufferMs });

beforeAll(async () => {
  ({ db, drop } = await migratedDatabase());
  clearBusyCache();
});
afterAll(() => drop());

describe(`holds (${backend})`, () => {
  it("20 concurrent taps on one slot: exactly one hold, 19 taken", async () => {
    const p = await publishedProvider();
    const start = at(1, 10);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => hold(p.id, start, `race-${i}`)));
    const held = results.filter((r) => r.kind === "held");
    expect(held).toHaveLength(1);
    expect(results.filter((r) => r.kind === "taken")).toHaveLength(19);
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from public.bookings where provider_id = $1", [p.id]);
    expect(n).toBe(1);
    // Control: the next slot is still free for anyone.
    expect((await hold(p.id, at(1, 11), "race-control")).kind).toBe("held");
  });

  it("an overlapping (not equal) hold is refused too; touching is fine", async () => {
    const p = await publishedProvider();
    expect((await hold(p.id, at(1, 10), "a")).kind).toBe("held");
    expect((await hold(p.id, at(1, 10) + 30 * 60_000, "b")).kind).toBe("taken");
    expect((await hold(p.id, at(1, 11), "c")).kind).toBe("held");
  });

  it("the buffer counts: concurrent taps on slots closer than the buffer get one hold; slots a buffer apart both hold", async () => {
    const p = await publishedProvider();
    const buffer = 15 * 60_000;
    // 10:00-11:00 and 11:00-12:00 with a 15-minute buffer: only one may win, whichever is first.
    const results = await Promise.all([
      hold(p.id, at(5, 10), "buf-a", NOW, at(5, 11), buffer),
      hold(p.id, at(5, 11), "buf-b", NOW, at(5, 12), buffer),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(["held", "taken"]);
    // The slot before the held one also needs the buffer before it: 08:45-09:45 ends within 15 minutes of 10:00.
    const winner = results[0].kind === "held" ? at(5, 10) : at(5, 11);
    expect((await hold(p.id, winner - HOUR - 15 * 60_000 + 1, "buf-c", NOW, winner - 15 * 60_000 + 1, buffer)).kind).toBe("taken");
    // Controls: a slot exactly a buffer after the held one's end, and one ending a buffer before its start.
    expect((await hold(p.id, winner + HOUR + buffer, "buf-d", NOW, winner + 2 * HOUR + buffer, buffer)).kind).toBe("held");
    expect((await hold(p.id, winner - HOUR - buffer, "buf-e", NOW, winner - buffer, buffer)).kind).toBe("held");
  });

  it("a lapsed hold frees the slot: not busy any more, and a new tap takes it", async () => {
    const p = await publishedProvider();
    const start = at(1, 12);
    const window = { start: NOW, end: NOW + 14 * 24 * HOUR };
    expect((await hold(p.id, start, "x")).kind).toBe("held");
    expect(await activeBookingIntervals(db, p.id, window, NOW + HOLD_MS - 1)).toEqual([{ start, end: start + HOUR }]);
    expect(await activeBookingIntervals(db, p.id, window, NOW + HOLD_MS)).toEqual([]);
    expect((await hold(p.id, start, "y", NOW + HOLD_MS - 1)).kind).toBe("taken");
    expect((await hold(p.id, start, "y", NOW + HOLD_MS)).kind).toBe("held");
    const states = await db.query<{ state: string }>("select state from public.bookings where provider_id = $1 order by created_at", [
      p.id,
    ]);
    expect(states.map((r) => r.state)).toEqual(["expired", "held"]);
  });

  it(`limits: at most ${HOLD_LIMITS.activePerProvider} active holds per address per provider`, async () => {
    const p = await publishedProvider();
    for (let h = 9; h < 9 + HOLD_LIMITS.activePerProvider; h++) expect((await hold(p.id, at(2, h), "greedy")).kind).toBe("held");
    expect(await hold(p.id, at(2, 13), "greedy")).toEqual({ kind: "limited", limit: "active-per-provider" });
    // Control: another address may hold that slot; and once the greedy holds lapse, the address may hold again.
    expect((await hold(p.id, at(2, 13), "modest")).kind).toBe("held");
    expect((await hold(p.id, at(2, 14), "greedy", NOW + HOLD_MS)).kind).toBe("held");
  });

  it(`limits: at most ${HOLD_LIMITS.perHour} holds per address per hour, across providers`, async () => {
    const providers = await Promise.all(Array.from({ length: 4 }, () => publishedProvider()));
    let made = 0;
    for (const p of providers)
      for (let h = 9; h < 12 && made < HOLD_LIMITS.perHour; h++, made++) expect((await hold(p.id, at(3, h), "busy")).kind).toBe("held");
    expect(made).toBe(HOLD_LIMITS.perHour);
    expect(await hold(providers[3].id, at(3, 15), "busy")).toEqual({ kind: "limited", limit: "per-hour" });
    // Control: an hour later the address may hold again.
    expect((await hold(providers[3].id, at(3, 15), "busy", NOW + HOUR + 1)).kind).toBe("held");
  });

  it("RLS: the provider reads and updates their own rows (state only); nobody else, and nobody inserts but the server", async () => {
    const p = await publishedProvider();
    const other = await createUser(db);
    const r = await hold(p.id, at(4, 10), "rls");
    expect(r.kind).toBe("held");
    const id = (r as { id: string }).id;
    await withUser(db, p.owner, async (tx) => {
      expect(await tx.query("select id from public.bookings")).toHaveLength(1);
      expect(await tx.query("update public.bookings set state = 'released' where id = $1 returning 1", [id])).toHaveLength(1);
    });
    await expect(
      withUser(db, p.owner, (tx) => tx.query("update public.bookings set start_at = now() where id = $1", [id])),
    ).rejects.toThrow();
    await expect(
      withUser(db, p.owner, (tx) => tx.query("update public.bookings set client_hash = 'x' where id = $1", [id])),
    ).rejects.toThrow();
    await expect(
      withUser(db, p.owner, (tx) =>
        tx.query(
          "insert into public.bookings (provider_id, start_at, end_at, reference, expires_at, client_hash) values ($1, now(), now() + interval '1 hour', 'ABCD', now(), 'x')",
          [p.id],
        ),
      ),
    ).rejects.toThrow();
    await expect(withUser(db, p.owner, (tx) => tx.query("delete from public.bookings where id = $1", [id]))).rejects.toThrow();
    await withUser(db, other, async (tx) => {
      expect(await tx.query("select id from public.bookings")).toHaveLength(0);
      expect(await tx.query("update public.bookings set state = 'held' returning 1")).toHaveLength(0);
    });
    await expect(withAnon(db, (tx) => tx.query("select id from public.bookings"))).rejects.toThrow();
    // Control: the service path sees it.
    expect(await withService(db, (tx) => tx.query("select id from public.bookings where id = $1", [id]))).toHaveLength(1);
  });
});

describe(`the tap (${backend})`, () => {
  const tap = (slug: string, start: number | string, opts: { client?: string; preview?: boolean; now?: number; query?: string } = {}) =>
    tapSlot({
      slug,
      start: typeof start === "number" ? formatStartParam(start) : start,
      clientAddress: opts.client ?? "203.0.113.7",
      preview: opts.preview ?? false,
      query: opts.query ?? "",
      now: opts.now ?? NOW,
      db,
    });

  it("holds a free slot and redirects to WhatsApp with the reference", async () => {
    const p = await publishedProvider();
    const out = await tap(p.slug, at(1, 10), { query: "?lang=de" });
    expect(out.kind).toBe("redirect");
    const { location, reference } = out as { location: string; reference: string };
    expect(reference).toMatch(/^[A-Z0-9]{4}$/);
    expect(decodeURIComponent(location)).toBe(
      `https://wa.me/971501234567?text=Hi! Can I book Tue 8 Dec at 10:00 Dubai time? (ref ${reference})`,
    );
    const [row] = await db.query<{ reference: string; state: string; client_hash: string }>(
      "select reference, state, client_hash from public.bookings where provider_id = $1",
      [p.id],
    );
    expect(row.reference).toBe(reference);
    expect(row.state).toBe("held");
    expect(row.client_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.client_hash).not.toContain("203.0.113.7");

    // A second tap: 409 with the three nearest free times (same kind of links, lang kept).
    const again = await tap(p.slug, at(1, 10), { client: "198.51.100.1", query: "?lang=de" });
    expect(again.kind).toBe("taken");
    const alternatives = (again as { view: { alternatives: { href: string; label: string }[] } }).view.alternatives;
    expect(alternatives.map((a) => a.label)).toEqual([
      "Tuesday 8 December at 09:00",
      "Tuesday 8 December at 11:00",
      "Tuesday 8 December at 12:00",
    ]);
    expect(alternatives[0].href).toBe(`/c/${p.slug}/book/${formatStartParam(at(1, 9))}?lang=de`);
  });

  it("never holds for a previewer (bot); the same tap by a person does", async () => {
    const p = await publishedProvider();
    expect((await tap(p.slug, at(1, 10), { preview: true })).kind).toBe("preview");
    expect(await db.query("select 1 from public.bookings where provider_id = $1", [p.id])).toHaveLength(0);
    expect((await tap(p.slug, at(1, 10))).kind).toBe("redirect");
  });

  it("404 for a slot that never existed; a slot inside the notice by now is taken, not 404", async () => {
    const p = await publishedProvider();
    for (const start of [
      "2026-12-08T06:00", // not the format
      "2026-02-30T06:00Z", // no such day
      formatStartParam(at(1, 10) + 15 * 60_000), // off the grid
      formatStartParam(at(1, 8)), // before working hours
      formatStartParam(at(0, 7)), // in the past
      formatStartParam(at(15, 10)), // beyond the horizon
    ]) {
      expect(await tap(p.slug, start), start).toEqual({ kind: "not-found" });
    }
    expect(await tap("no-such-provider", at(1, 10))).toEqual({ kind: "not-found" });
    expect((await tap(p.slug, at(0, 9))).kind).toBe("taken"); // 09:00 today: on the grid, but 2 h notice from 08:00
    expect(await db.query("select 1 from public.bookings where provider_id = $1", [p.id])).toHaveLength(0);
    expect((await tap(p.slug, at(0, 10))).kind).toBe("redirect"); // control: 10:00 today is bookable
  });

  it("over the limit the tap still opens WhatsApp, without a reference and without a hold", async () => {
    const p = await publishedProvider();
    for (let h = 9; h < 12; h++) expect((await tap(p.slug, at(5, h), { client: "192.0.2.9" })).kind).toBe("redirect");
    const out = await tap(p.slug, at(5, 13), { client: "192.0.2.9" });
    expect(out).toEqual({ kind: "redirect", reference: null, location: expect.stringContaining("https://wa.me/971501234567?text=") });
    expect(decodeURIComponent((out as { location: string }).location)).toBe(
      "https://wa.me/971501234567?text=Hi! Can I book Sat 12 Dec at 13:00 Dubai time?",
    );
    expect(await db.query("select 1 from public.bookings where provider_id = $1", [p.id])).toHaveLength(3);
    // Control: the same address as IPv4-mapped IPv6 is the same client; another address is not.
    expect((await tap(p.slug, at(5, 14), { client: "::ffff:192.0.2.9" })).kind === "redirect").toBe(true);
    expect(await db.query("select 1 from public.bookings where provider_id = $1", [p.id])).toHaveLength(3);
    await tap(p.slug, at(5, 14), { client: "192.0.2.10" });
    expect(await db.query("select 1 from public.bookings where provider_id = $1", [p.id])).toHaveLength(4);
  });

  it("nearestFree picks the closest on either side (ties: the earlier), in time order", () => {
    const slots = [1, 2, 3, 7, 8].map((h) => ({ startMs: h * HOUR, endMs: (h + 1) * HOUR, date: "d", time: `${h}` }));
    expect(nearestFree(slots, 5 * HOUR).map((s) => s.time)).toEqual(["2", "3", "7"]);
  });
});
