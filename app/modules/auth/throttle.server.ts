import crypto from "node:crypto";
import type { Database } from "~/server/db.server";
import { getEnv } from "~/server/env.server";

/**
 * Sign-in and sign-up throttling, stored in the database so every replica sees the same counts.
 * Per key (an account's email hash, a client address): after SOFT failures each further attempt
 * waits base × 2^(failures − SOFT), capped at half the lock; after HARD failures the key is locked
 * for the lock duration. Counts start again once the last failure is older than the lock duration
 * (the cap keeps every delay shorter than that, so patient guessing still reaches the lock).
 *
 * An attempt is counted *before* the password is checked and taken back when it succeeds, in one
 * row-locking statement per key: 50 parallel guesses cannot all slip through the check at once.
 */
export const THROTTLE_SOFT = 5;
export const THROTTLE_HARD = 20;

export type ThrottleConfig = { baseMs: number; lockMs: number };

export function throttleConfig(): ThrottleConfig {
  const env = getEnv();
  return { baseMs: env.AUTH_DELAY_BASE_MS, lockMs: env.AUTH_LOCK_SECONDS * 1000 };
}

/** When a key with this many failures may try again (ms since epoch). Pure; the SQL below mirrors it. */
export function nextAllowedAt(failures: number, lastFailureAt: number, cfg: ThrottleConfig): number {
  if (failures >= THROTTLE_HARD) return lastFailureAt + cfg.lockMs;
  if (failures >= THROTTLE_SOFT) return lastFailureAt + Math.min(cfg.baseMs * 2 ** (failures - THROTTLE_SOFT), cfg.lockMs / 2);
  return 0;
}

export const accountKey = (kind: "login", email: string) =>
  `${kind}:account:${crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("base64url")}`;
export const addressKey = (kind: "login" | "signup", address: string) => `${kind}:address:${address}`;

export type Attempt = { ok: true; keys: string[] } | { ok: false; retryAfterSeconds: number };

/**
 * Counts an attempt against every key, unless one of them is still waiting; then nothing is
 * counted and the caller answers 429 with Retry-After.
 */
export async function beginAttempt(db: Database, keys: string[], now = Date.now(), cfg = throttleConfig()): Promise<Attempt> {
  return db.transaction(async (tx) => {
    const counted: string[] = [];
    for (const key of [...keys].sort()) {
      // Inserts or increments only when the key is not waiting (the WHERE of DO UPDATE); no row
      // back means it is. The row lock serialises parallel attempts on the same key.
      const rows = await tx.query<{ failures: number }>(
        `insert into app_private.auth_throttles as t (key, failures, last_failure_at) values ($1, 1, $2)
         on conflict (key) do update set
           failures = case when t.last_failure_at <= $2 - make_interval(secs => $4::double precision / 1000) then 1 else t.failures + 1 end,
           last_failure_at = $2
         where not (
           (t.failures >= $6 and t.last_failure_at + make_interval(secs => $4::double precision / 1000) > $2)
           or (t.failures >= $5 and t.last_failure_at
                 + make_interval(secs => least($3::double precision * power(2, t.failures - $5), $4::double precision / 2) / 1000) > $2)
         )
         returning failures`,
        [key, new Date(now), cfg.baseMs, cfg.lockMs, THROTTLE_SOFT, THROTTLE_HARD],
      );
      if (rows.length === 0) {
        // Waiting: undo what this attempt counted on the keys before, and say for how long.
        const rows2 = await tx.query<{ failures: number; last_failure_at: Date }>(
          "select failures, last_failure_at from app_private.auth_throttles where key = $1",
          [key],
        );
        for (const k of counted) await undo(tx, k);
        const until = rows2[0] ? nextAllowedAt(rows2[0].failures, new Date(rows2[0].last_failure_at).getTime(), cfg) : now;
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
      }
      counted.push(key);
    }
    return { ok: true, keys: counted };
  });
}

async function undo(tx: { query: Database["query"] }, key: string) {
  await tx.query("update app_private.auth_throttles set failures = greatest(failures - 1, 0) where key = $1", [key]);
}

/**
 * The attempt succeeded: the account's count starts again; a client address only gets this
 * attempt back (one valid account must not wipe an address's record of guesses at others).
 */
export async function attemptSucceeded(db: Database, keys: { reset?: string[]; undo?: string[] }) {
  for (const key of keys.reset ?? []) await db.query("delete from app_private.auth_throttles where key = $1", [key]);
  for (const key of keys.undo ?? []) await undo(db, key);
}

export function tooManyAttemptsMessage(seconds: number, what: "sign-in" | "sign-up"): string {
  const wait = seconds < 90 ? `${seconds} second${seconds === 1 ? "" : "s"}` : `${Math.ceil(seconds / 60)} minutes`;
  return `Too many ${what} attempts. Wait ${wait}, then try again.`;
}
