import { createResetToken, RESET_LINK_MINUTES } from "./password-reset.server";
import { getDb } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { migrateDatabase } from "~/server/migrate.server";

/**
 * `npm run user:reset-password -- <email>` (scripts/reset-password.mjs): prints a one-time link
 * for a local account. Supabase accounts reset through Supabase's own email instead.
 * Returns the process exit code.
 */
export async function createResetLinkCommand(email: string | undefined, print: (line: string) => void = console.log): Promise<number> {
  const env = getEnv();
  if (!email) {
    print("usage: npm run user:reset-password -- <email>");
    return 2;
  }
  if (env.mode === "supabase") {
    print("Accounts are managed by Supabase Auth: use “Forgot password?” on /login or the Supabase dashboard.");
    return 2;
  }
  if (env.mode === "embedded" && (await serverAnswers(env.PORT))) {
    print(`The server is running on port ${env.PORT}; stop it first: the embedded database serves one process at a time.`);
    return 1;
  }
  const db = await getDb();
  try {
    // The reset table arrives with a migration; an operator may run this before the first start.
    await migrateDatabase(db, env, () => {});
    const token = await createResetToken(db, email);
    if (!token) {
      print(`No local account with the email ${email}.`);
      return 1;
    }
    const base = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
    print(`One-time link for ${email}, valid for ${RESET_LINK_MINUTES} minutes (a new link replaces it):`);
    print(`${base}/reset-password?token=${token}`);
    return 0;
  } finally {
    await db.close();
  }
}

async function serverAnswers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
