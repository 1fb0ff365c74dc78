import fs from "node:fs";
import { getDb } from "./db.server";
import { migrateDatabase, migrationPaths } from "./migrate.server";
import { getEnv } from "./env.server";

export const DEMO_ACCOUNT = { email: "demo@example.com", password: "demo-password-123", slug: "demo-trainer" };

/**
 * Everything that must hold before the first request: valid environment, a migrated database,
 * demo data on a brand-new local database, secrets available. Throws with a readable message.
 */
export async function boot(log: (line: string) => void = (l) => console.log(l)) {
  const env = getEnv();
  const started = Date.now();
  log(`[boot] mode=${env.mode}${env.mode === "embedded" ? ` data=${env.dataDir}` : ""}`);
  const db = await getDb();
  const { applied } = await migrateDatabase(db, env, (l) => log(`[migrate] ${l}`));
  if (applied.length === 0) log("[migrate] database is up to date");

  const isNewDatabase = applied.some((f) => f === firstMigrationFile(env.appRoot));
  // A demo account with a published password has no place in production unless asked for.
  const seedDemo = env.DEMO_SEED ? env.DEMO_SEED === "true" : env.mode === "embedded" && env.NODE_ENV !== "production";
  if (isNewDatabase && seedDemo) {
    await db.exec(fs.readFileSync(migrationPaths(env.appRoot).seedFile, "utf8"));
    log(`[boot] demo provider created: sign in as ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password}, public page /c/${DEMO_ACCOUNT.slug}`);
  }
  // Fail at start-up, not at the first calendar connection, when keys are missing in production.
  const { getKeyring } = await import("./keyring.server");
  getKeyring();
  if (env.mode !== "supabase") {
    const { getSessionSecrets } = await import("./session-secret.server");
    getSessionSecrets();
  }
  if (env.DATABASE_URL) {
    const { startProviderEventsBridge } = await import("./provider-events-pg.server");
    await startProviderEventsBridge(env, log);
  }
  log(`[boot] ready in ${Date.now() - started} ms`);
  return { env, db };
}

function firstMigrationFile(appRoot: string) {
  return fs
    .readdirSync(migrationPaths(appRoot).migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .sort()[0];
}

export async function migrateCommand() {
  const env = getEnv();
  const db = await getDb();
  try {
    const { applied } = await migrateDatabase(db, env, (l) => console.log(`[migrate] ${l}`));
    console.log(applied.length ? `[migrate] ${applied.length} migration(s) applied` : "[migrate] nothing to apply");
  } finally {
    await db.close();
  }
}
