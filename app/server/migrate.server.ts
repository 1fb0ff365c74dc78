import fs from "node:fs";
import path from "node:path";
import type { Database } from "./db.server";
import type { Env } from "./env.server";

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    readonly cause: unknown,
  ) {
    super(`Migration ${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "MigrationError";
  }
}

export type MigrationFile = { version: string; name: string; file: string; sql: string };

// Same ledger the Supabase CLI keeps, so `supabase db push` and the app agree on what is applied.
const LEDGER = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text not null primary key,
  statements text[],
  name text
);`;

// Serialises migrators of several replicas starting together; any constant works.
const LOCK_KEY = 724_310_551;

export function listMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const [, version, name] = /^(\d+)_([\w-]+)\.sql$/.exec(file)!;
      return { version, name, file, sql: fs.readFileSync(path.join(dir, file), "utf8") };
    });
}

export type MigrateOptions = {
  migrationsDir: string;
  bootstrapFile: string;
  /** Apply migrations up to and including this version (tests of the data movement). */
  target?: string;
  log?: (line: string) => void;
};

export async function migrate(db: Database, opts: MigrateOptions): Promise<{ applied: string[]; bootstrapped: boolean }> {
  const log = opts.log ?? (() => {});
  let bootstrapped = false;

  // Supabase already has schema auth; only a bare database gets the local stand-in.
  const [{ has_auth }] = await db.query<{ has_auth: boolean }>("select to_regnamespace('auth') is not null as has_auth");
  if (!has_auth) {
    const sql = fs.readFileSync(opts.bootstrapFile, "utf8");
    try {
      await db.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY]);
        const [again] = await tx.query<{ has_auth: boolean }>("select to_regnamespace('auth') is not null as has_auth");
        if (!again.has_auth) await tx.exec(sql);
      });
    } catch (err) {
      throw new MigrationError(path.basename(opts.bootstrapFile), err);
    }
    bootstrapped = true;
    log(`applied local auth bootstrap (${path.basename(opts.bootstrapFile)})`);
  }

  await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.exec(LEDGER);
  });

  const applied: string[] = [];
  for (const m of listMigrations(opts.migrationsDir)) {
    if (opts.target && m.version > opts.target) break;
    try {
      const did = await db.transaction(async (tx) => {
        await tx.query("select pg_advisory_xact_lock($1)", [LOCK_KEY]);
        const done = await tx.query("select 1 from supabase_migrations.schema_migrations where version = $1", [m.version]);
        if (done.length > 0) return false;
        await tx.exec(m.sql);
        await tx.query("insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)", [
          m.version,
          m.name,
          [m.sql],
        ]);
        return true;
      });
      if (did) {
        applied.push(m.file);
        log(`applied ${m.file}`);
      }
    } catch (err) {
      throw new MigrationError(m.file, err);
    }
  }
  return { applied, bootstrapped };
}

/** Where the migrator finds its files; the test support and the boot use the same list. */
export function migrationPaths(appRoot: string) {
  return {
    migrationsDir: path.join(appRoot, "supabase", "migrations"),
    bootstrapFile: path.join(appRoot, "supabase", "local", "auth_bootstrap.sql"),
    seedFile: path.join(appRoot, "supabase", "seed.sql"),
  };
}

export async function migrateDatabase(db: Database, env: Env, log: (l: string) => void) {
  return migrate(db, { ...migrationPaths(env.appRoot), log });
}
