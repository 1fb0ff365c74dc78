import crypto from "node:crypto";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import { withService, type Database, type Queryable } from "~/server/db.server";

/**
 * The public side of holds and bookings, on the service path (RLS bypassed; listed in
 * eslint.config.js SERVICE_ROLE_FILES). Two things only:
 * - reading the active holds and bookings of a published provider as busy intervals (times only);
 * - placing a hold, after the booking route checked the slot against the calendar and the grid.
 * Why the service role and not a SECURITY DEFINER function granted to anon: the slot check (grid,
 * calendar, bots) happens in the server, so no client may insert by itself; with Supabase, anything
 * granted to anon is callable by every visitor holding the public anon key.
 */

/** Limits of one client address; the counts live in the database, so they hold across replicas. */
export const HOLD_LIMITS = { activePerProvider: 3, perHour: 10 } as const;

/** Unambiguous characters only (no 0/O, 1/I/L): the client may read the code aloud or retype it. */
const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const REFERENCE_LENGTH = 4;
const REFERENCE_ATTEMPTS = 5;

export function newReference(): string {
  let out = "";
  for (let i = 0; i < REFERENCE_LENGTH; i++) out += REFERENCE_ALPHABET[crypto.randomInt(REFERENCE_ALPHABET.length)];
  return out;
}

/** Active = confirmed, or held and not yet expired at `now`. The one definition, shared with the provider's list. */
export const ACTIVE_SQL = "(b.state = 'confirmed' or (b.state = 'held' and b.expires_at > $NOW))";
export const activeAt = (param: string) => ACTIVE_SQL.replace("$NOW", param);

export async function activeBookingIntervals(
  db: Database,
  providerId: string,
  window: { start: number; end: number },
  now: number,
): Promise<BusyInterval[]> {
  const rows = await withService(db, (tx) =>
    tx.query<{ s: string; e: string }>(
      `select (extract(epoch from b.start_at) * 1000)::bigint::text as s, (extract(epoch from b.end_at) * 1000)::bigint::text as e
       from public.bookings b
       where b.provider_id = $1 and b.end_at > $2 and b.start_at < $3 and ${activeAt("$4")}`,
      [providerId, new Date(window.start), new Date(window.end), new Date(now)],
    ),
  );
  return rows.map((r) => ({ start: Number(r.s), end: Number(r.e) }));
}

export type PlaceHoldInput = {
  providerId: string;
  startMs: number;
  endMs: number;
  clientHash: string;
  now: number;
  holdMs: number;
  /** The provider's buffer: the slot blocks this long after its end as well (bookings_no_overlap_with_buffer). */
  bufferMs: number;
};

export type PlaceHoldResult =
  | { kind: "held"; id: string; reference: string; expiresAt: number }
  | { kind: "taken" }
  | { kind: "limited"; limit: "active-per-provider" | "per-hour" };

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

/**
 * One transaction: the client's limits (under a lock per address, so a burst from one address
 * cannot slip past them on another replica), expire this slot's lapsed holds, insert. The
 * exclusion constraint bookings_no_overlap decides between concurrent taps on one slot: every
 * other insert waits for the first to commit, then fails with 23P01 and becomes "taken".
 */
export async function placeHold(db: Database, input: PlaceHoldInput): Promise<PlaceHoldResult> {
  const now = new Date(input.now);
  const start = new Date(input.startMs);
  const end = new Date(input.endMs);
  const blockedUntil = new Date(input.endMs + input.bufferMs);
  return withService(db, async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtextextended('slotline-hold:' || $1, 0))", [input.clientHash]);
    const [counts] = await tx.query<{ active: number; hour: number }>(
      `select count(*) filter (where b.provider_id = $2 and b.state = 'held' and b.expires_at > $3)::int as active,
              count(*) filter (where b.created_at > $3::timestamptz - interval '1 hour')::int as hour
       from public.bookings b where b.client_hash = $1 and b.created_at > $3::timestamptz - interval '1 day'`,
      [input.clientHash, input.providerId, now],
    );
    if (counts.active >= HOLD_LIMITS.activePerProvider) return { kind: "limited", limit: "active-per-provider" };
    if (counts.hour >= HOLD_LIMITS.perHour) return { kind: "limited", limit: "per-hour" };

    // Holds that lapsed still block in the constraint until marked; mark the ones in the way.
    await tx.query(
      `update public.bookings set state = 'expired'
       where provider_id = $1 and state = 'held' and expires_at <= $2
         and tstzrange(start_at, coalesce(blocked_until, end_at), '[)') && tstzrange($3, $4, '[)')`,
      [input.providerId, now, start, blockedUntil],
    );
    return insertHold(tx, input, now, start, end, blockedUntil);
  });
}

async function insertHold(
  tx: Queryable,
  input: PlaceHoldInput,
  now: Date,
  start: Date,
  end: Date,
  blockedUntil: Date,
): Promise<PlaceHoldResult> {
  const expires = new Date(input.now + input.holdMs);
  for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
    const reference = newReference();
    // A savepoint keeps the transaction usable after a refused insert (the other backend's
    // transaction would be aborted otherwise).
    await tx.query("savepoint place_hold");
    try {
      const [row] = await tx.query<{ id: string }>(
        `insert into public.bookings (provider_id, start_at, end_at, blocked_until, state, reference, created_at, expires_at, client_hash)
         values ($1, $2, $3, $4, 'held', $5, $6, $7, $8) returning id`,
        [input.providerId, start, end, blockedUntil, reference, now, expires, input.clientHash],
      );
      await tx.query("release savepoint place_hold");
      return { kind: "held", id: row.id, reference, expiresAt: expires.getTime() };
    } catch (err) {
      await tx.query("rollback to savepoint place_hold");
      if (pgCode(err) === "23P01") return { kind: "taken" };
      // The reference is taken for this provider (1 in ~900k per earlier booking): draw again.
      if (pgCode(err) === "23505") continue;
      throw err;
    }
  }
  throw new Error("Could not draw an unused booking reference");
}
