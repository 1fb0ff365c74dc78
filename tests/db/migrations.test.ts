import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "~/server/db.server";
import { listMigrations, MigrationError } from "~/server/migrate.server";
import { createUser, freshDatabase, MIGRATIONS_DIR, migrateTestDb } from "../support/test-db";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fresh(): Promise<Database> {
  const f = await freshDatabase();
  cleanups.push(f.drop);
  return f.db;
}

const [first, providersMigration] = listMigrations(MIGRATIONS_DIR);

describe("data movement: selected_calendar_ids → providers.settings.calendar", () => {
  it("creates one provider per user and moves every selection, then drops the column", async () => {
    const db = await fresh();
    await migrateTestDb(db, { target: first.version });
    expect(providersMigration.name).toBe("providers");

    const [a, b, c] = [await createUser(db), await createUser(db), await createUser(db)];
    // a: two integrations with overlapping selections; b: no selection; c: an empty one.
    await db.query(
      `insert into public.integrations (user_id, integration_type, selected_calendar_ids, created_at) values
        ($1, 'icloud', array['https://x/cal/home/', 'https://x/cal/work/'], '2026-01-01'),
        ($1, 'caldav', array['https://y/cal/gym/', 'https://x/cal/work/'], '2026-01-02'),
        ($2, 'icloud', null, now()),
        ($3, 'icloud', '{}', now())`,
      [a, b, c],
    );
    // Up to the providers migration only: later migrations (e.g. provider_photos) are not about this.
    const { applied } = await migrateTestDb(db, { target: providersMigration.version });
    expect(applied).toEqual([providersMigration.file]);

    const rows = await db.query<{ owner_user_id: string; settings: Record<string, unknown> }>(
      "select owner_user_id, settings from public.providers",
    );
    const byUser = new Map(rows.map((r) => [r.owner_user_id, r.settings]));
    expect(rows).toHaveLength(3);
    expect(byUser.get(a)).toEqual({
      calendar: { selectedCalendarIds: ["https://x/cal/home/", "https://x/cal/work/", "https://y/cal/gym/"] },
    });
    expect(byUser.get(b)).toEqual({});
    expect(byUser.get(c)).toEqual({});
    const cols = await db.query(
      "select 1 from information_schema.columns where table_name = 'integrations' and column_name = 'selected_calendar_ids'",
    );
    expect(cols).toHaveLength(0);
    // The integrations themselves are untouched.
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from public.integrations");
    expect(n).toBe(4);
  });

  it("runs on a database whose integrations never had the column", async () => {
    const db = await fresh();
    await migrateTestDb(db, { target: first.version });
    await db.exec("alter table public.integrations drop column selected_calendar_ids");
    const user = await createUser(db);
    await db.query("insert into public.integrations (user_id, integration_type) values ($1, 'icloud')", [user]);
    await migrateTestDb(db);
    const rows = await db.query<{ settings: unknown }>("select settings from public.providers where owner_user_id = $1", [user]);
    expect(rows).toEqual([{ settings: {} }]);
  });
});

describe("migrator", () => {
  it("records versions in the Supabase CLI ledger and a second run applies nothing", async () => {
    const db = await fresh();
    const firstRun = await migrateTestDb(db);
    expect(firstRun.bootstrapped).toBe(true);
    expect(firstRun.applied).toEqual(listMigrations(MIGRATIONS_DIR).map((m) => m.file));
    const ledger = await db.query<{ version: string; name: string }>(
      "select version, name from supabase_migrations.schema_migrations order by version",
    );
    expect(ledger).toEqual(listMigrations(MIGRATIONS_DIR).map((m) => ({ version: m.version, name: m.name })));
    const second = await migrateTestDb(db);
    expect(second).toEqual({ applied: [], bootstrapped: false });
  });

  it("does not apply the local auth bootstrap where an auth schema exists (Supabase)", async () => {
    const db = await fresh();
    await migrateTestDb(db);
    const again = await migrateTestDb(db);
    expect(again.bootstrapped).toBe(false);
  });

  it("a broken migration changes nothing, is reported by file name, and later runs still work", async () => {
    const db = await fresh();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    for (const m of listMigrations(MIGRATIONS_DIR)) fs.writeFileSync(path.join(dir, m.file), m.sql);
    await migrateTestDb(db, { migrationsDir: dir });
    fs.writeFileSync(
      path.join(dir, "29990101000000_broken.sql"),
      "create table public.half_done (id int);\nalter table public.providers add column nope int;\nselect * from no_such_table;",
    );
    const err = await migrateTestDb(db, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).file).toBe("29990101000000_broken.sql");
    expect((err as Error).message).toMatch(/29990101000000_broken\.sql.*no_such_table/s);
    expect(await db.query("select to_regclass('public.half_done') as t")).toEqual([{ t: null }]);
    expect(await db.query("select 1 from information_schema.columns where table_name = 'providers' and column_name = 'nope'")).toHaveLength(
      0,
    );
    expect(await db.query("select 1 from supabase_migrations.schema_migrations where version = '29990101000000'")).toHaveLength(0);
  });
});
