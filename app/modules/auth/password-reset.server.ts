import crypto from "node:crypto";
import { setPassword } from "./accounts.server";
import { endUserSessions } from "./sessions.server";
import type { Database } from "~/server/db.server";

/**
 * One-time password reset links for local accounts, made by the operator on the command line
 * (`npm run user:reset-password -- <email>`): there is no mail server in local mode. The link
 * carries a random token; the database keeps only its SHA-256, so reading the table gives no link.
 */
export const RESET_LINK_MINUTES = 30;

const hash = (token: string) => crypto.createHash("sha256").update(token).digest("base64url");

export async function createResetToken(db: Database, email: string, now = Date.now()): Promise<string | null> {
  const [user] = await db.query<{ id: string }>("select id from auth.users where lower(email) = lower($1)", [email.trim()]);
  if (!user) return null;
  const token = crypto.randomBytes(32).toString("base64url");
  // A new link replaces any earlier unused one.
  await db.query("delete from app_private.password_resets where user_id = $1", [user.id]);
  await db.query("insert into app_private.password_resets (token_hash, user_id, expires_at) values ($1, $2, $3)", [
    hash(token),
    user.id,
    new Date(now + RESET_LINK_MINUTES * 60_000),
  ]);
  return token;
}

/** Whether a link can still be used (for the page to show the form or say it expired). */
export async function resetTokenValid(db: Database, token: string): Promise<boolean> {
  const rows = await db.query(
    "select 1 from app_private.password_resets where token_hash = $1 and used_at is null and expires_at > now()",
    [hash(token)],
  );
  return rows.length > 0;
}

/** Uses the token (once), sets the password and signs out every session of the account. */
export async function resetPassword(db: Database, token: string, password: string): Promise<boolean> {
  const [row] = await db.query<{ user_id: string }>(
    `update app_private.password_resets set used_at = now()
     where token_hash = $1 and used_at is null and expires_at > now() returning user_id`,
    [hash(token)],
  );
  if (!row) return false;
  await setPassword(db, row.user_id, password);
  await endUserSessions(db, row.user_id);
  return true;
}
