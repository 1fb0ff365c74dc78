import crypto from "node:crypto";
import { createCookie, type Cookie } from "@remix-run/node";
import type { Account } from "./accounts.server";
import type { Database } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { getSessionSecrets } from "~/server/session-secret.server";

/**
 * Local-account sessions, stored in app_private.sessions so they can be revoked: the cookie holds
 * a random id (signed with SESSION_SECRET), the table only its SHA-256. Like accounts.server.ts,
 * this plays Supabase Auth's part and works on its own table as the owner.
 */
export const SESSION_IDLE_SECONDS = 60 * 60 * 24 * 30;
// last_seen_at (and the cookie's lifetime) move forward at most this often: no write per request.
const TOUCH_EVERY_MS = 60 * 60 * 1000;

let cookie: Cookie | undefined;
let cookieFor: unknown;
function sessionCookie(): Cookie {
  const env = getEnv();
  if (cookie && cookieFor === env) return cookie;
  cookieFor = env;
  cookie = createCookie("__session", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: env.NODE_ENV === "production",
    secrets: getSessionSecrets(),
    maxAge: SESSION_IDLE_SECONDS,
  });
  return cookie;
}

const hash = (id: string) => crypto.createHash("sha256").update(id).digest("base64url");

/** The session id in the request's cookie, if its signature holds. */
async function cookieSessionId(request: Request): Promise<string | null> {
  const header = request.headers.get("Cookie");
  if (!header?.includes("__session=")) return null;
  const value: unknown = await sessionCookie().parse(header);
  // Cookies from before sessions were stored held {userId}: not a session id, so signed out.
  return typeof value === "string" && /^[A-Za-z0-9_-]{40,64}$/.test(value) ? value : null;
}

export async function createSession(db: Database, userId: string): Promise<string> {
  const id = crypto.randomBytes(32).toString("base64url");
  await db.query("insert into app_private.sessions (id_hash, user_id) values ($1, $2)", [hash(id), userId]);
  // Housekeeping on sign-in: this user's idle sessions are gone for good.
  await db.query("delete from app_private.sessions where user_id = $1 and last_seen_at < $2", [userId, idleCutoff()]);
  return sessionCookie().serialize(id);
}

function idleCutoff(now = Date.now()): Date {
  return new Date(now - SESSION_IDLE_SECONDS * 1000);
}

/**
 * The account of the request's session, or null (no cookie, bad signature, revoked, idle for 30
 * days, account deleted). `refresh` is a Set-Cookie that extends the cookie when the session was touched.
 */
export async function readSession(db: Database, request: Request): Promise<{ user: Account; refresh: string | null } | null> {
  const id = await cookieSessionId(request);
  if (!id) return null;
  const [row] = await db.query<{ id: string; email: string; last_seen_at: Date }>(
    `select u.id, u.email, s.last_seen_at from app_private.sessions s join auth.users u on u.id = s.user_id
     where s.id_hash = $1 and s.last_seen_at > $2`,
    [hash(id), idleCutoff()],
  );
  if (!row) return null;
  let refresh: string | null = null;
  if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_EVERY_MS) {
    await db.query("update app_private.sessions set last_seen_at = now() where id_hash = $1", [hash(id)]);
    refresh = await sessionCookie().serialize(id);
  }
  return { user: { id: row.id, email: row.email }, refresh };
}

/** Deletes the request's session; returns the Set-Cookie that clears the cookie. */
export async function endSession(db: Database, request: Request): Promise<string> {
  const id = await cookieSessionId(request);
  if (id) await db.query("delete from app_private.sessions where id_hash = $1", [hash(id)]);
  return clearCookie();
}

/** Deletes every session of the user, or every one but the request's own. */
export async function endUserSessions(db: Database, userId: string, keep?: Request): Promise<number> {
  const keepId = keep ? await cookieSessionId(keep) : null;
  const rows = await db.query("delete from app_private.sessions where user_id = $1 and id_hash <> $2 returning 1", [
    userId,
    keepId ? hash(keepId) : "",
  ]);
  return rows.length;
}

export function clearCookie(): Promise<string> {
  return sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}
