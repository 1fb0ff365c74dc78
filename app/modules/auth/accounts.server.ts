import bcrypt from "bcryptjs";
import type { Database } from "~/server/db.server";

/**
 * Local accounts in auth.users, for the embedded and plain-Postgres modes. This module plays the
 * part Supabase Auth plays in production, so it works on auth.users directly (as GoTrue does),
 * never on the public tables.
 */
export type Account = { id: string; email: string };

const BCRYPT_COST = 10;
// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync("not-a-real-password", BCRYPT_COST);

export async function createAccount(db: Database, email: string, password: string): Promise<Account | "exists"> {
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  try {
    const [row] = await db.query<Account>(
      `insert into auth.users (email, encrypted_password, aud, role, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
       values ($1, $2, 'authenticated', 'authenticated', now(), '{"provider":"email","providers":["email"]}', '{}')
       returning id, email`,
      [email, hash],
    );
    return row;
  } catch (err) {
    if ((err as { code?: string }).code === "23505") return "exists";
    throw err;
  }
}

export async function verifyPassword(db: Database, email: string, password: string): Promise<Account | null> {
  const [row] = await db.query<{ id: string; email: string; encrypted_password: string | null }>(
    "select id, email, encrypted_password from auth.users where lower(email) = $1",
    [email],
  );
  const ok = await bcrypt.compare(password, row?.encrypted_password ?? DUMMY_HASH);
  return ok && row ? { id: row.id, email: row.email } : null;
}

export async function findAccount(db: Database, id: string): Promise<Account | null> {
  const [row] = await db.query<Account>("select id, email from auth.users where id = $1", [id]);
  return row ?? null;
}

export async function setPassword(db: Database, userId: string, password: string): Promise<void> {
  const hash = await bcrypt.hash(password, BCRYPT_COST);
  await db.query("update auth.users set encrypted_password = $2, updated_at = now() where id = $1", [userId, hash]);
}

/** For a signed-in user changing their password: the current one must be right. */
export async function checkPassword(db: Database, userId: string, password: string): Promise<boolean> {
  const [row] = await db.query<{ encrypted_password: string | null }>("select encrypted_password from auth.users where id = $1", [userId]);
  return bcrypt.compare(password, row?.encrypted_password ?? DUMMY_HASH);
}
