import path from "node:path";
import { openEmbedded, openPostgres, type Database } from "./db.server";
import { getEnv, type Env } from "./env.server";
import { migrate } from "./migrate.server";

declare global {
  // Survives module reloads in `remix dev`, so one process keeps one database handle.
  // eslint-disable-next-line no-var
  var __db: Promise<Database> | undefined;
}

export function migrationPaths(appRoot: string) {
  return {
    migrationsDir: path.join(appRoot, "supabase", "migrations"),
    bootstrapFile: path.join(appRoot, "supabase", "local", "auth_bootstrap.sql"),
    seedFile: path.join(appRoot, "supabase", "seed.sql"),
  };
}

export function openDatabase(env: Env): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL, env.DATABASE_POOL_MAX) : openEmbedded(env.dataDir);
}

/** The process-wide database. Migrated by boot() before the server listens. */
export function getDb(): Promise<Database> {
  global.__db ??= openDatabase(getEnv());
  return global.__db;
}

export async function migrateDatabase(db: Database, env: Env, log: (l: string) => void) {
  return migrate(db, { ...migrationPaths(env.appRoot), log });
}
