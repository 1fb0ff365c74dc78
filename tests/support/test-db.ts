import crypto from "node:crypto";
import path from "node:path";
import { inject } from "vitest";
import { openEmbedded, openPostgres, type Database } from "~/server/db.server";
import { migrate, migrationPaths, type MigrateOptions } from "~/server/migrate.server";

export const ROOT = path.resolve(__dirname, "../..");
// The migrator's own file list: tests migrate exactly what the app migrates.
export const { migrationsDir: MIGRATIONS_DIR, bootstrapFile: BOOTSTRAP_FILE } = migrationPaths(ROOT);

export const backend = (process.env.TEST_DB_BACKEND ?? "embedded") as "embedded" | "postgres";

/**
 * A fresh, empty database on the backend this project runs on: an in-memory PGlite, or a new
 * database on the suite's PostgreSQL 15 server (dropped afterwards).
 */
export async function freshDatabase(): Promise<{ db: Database; drop: () => Promise<void> }> {
  if (backend === "embedded") {
    const db = await openEmbedded(undefined);
    return { db, drop: () => db.close() };
  }
  const baseUrl = inject("pgUrl");
  const name = `t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = await openPostgres(baseUrl, 1);
  await admin.exec(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 20);
  return {
    db,
    async drop() {
      await db.close();
      await admin.exec(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}

export function migrateTestDb(db: Database, extra: Partial<MigrateOptions> = {}) {
  return migrate(db, { migrationsDir: MIGRATIONS_DIR, bootstrapFile: BOOTSTRAP_FILE, ...extra });
}

/** A migrated database plus helpers to make users the way auth would. */
export async function migratedDatabase() {
  const fresh = await freshDatabase();
  await migrateTestDb(fresh.db);
  return fresh;
}

export async function createUser(db: Database, email = `${crypto.randomUUID()}@example.com`): Promise<string> {
  const [row] = await db.query<{ id: string }>("insert into auth.users (email) values ($1) returning id", [email]);
  return row.id;
}
