import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/server/db.server";
import { migratedDatabase } from "../support/test-db";

// Written from ../shared/seed/000_a5095732491d7743.txt, not captured from the database.
const COLUMNS: Record<string, [name: string, type: string, nullable: boolean, defaultValue: string | null][]> = {
  integrations: [
    ["id", "uuid", false, "gen_random_uuid()"],
    ["user_id", "uuid", false, null],
    ["integration_type", "text", false, null],
    ["label", "text", true, null],
    ["status", "text", false, "'active'::text"],
    ["created_at", "timestamp with time zone", false, "now()"],
    ["updated_at", "timestamp with time zone", false, "now()"],
    ["external_username", "text", true, null],
    ["external_email", "text", true, null],
  ],
  integration_secrets: [
    ["integration_id", "uuid", false, null],
    ["user_id", "uuid", false, null],
    ["secret", "jsonb", false, null],
    ["created_at", "timestamp with time zone", false, "now()"],
    ["updated_at", "timestamp with time zone", false, "now()"],
  ],
  providers: [
    ["id", "uuid", false, "gen_random_uuid()"],
    ["owner_user_id", "uuid", false, null],
    ["public_slug", "text", true, null],
    ["is_public", "boolean", false, "false"],
    ["timezone", "text", false, "'Asia/Dubai'::text"],
    ["settings", "jsonb", false, "'{}'::jsonb"],
    ["created_at", "timestamp with time zone", false, "now()"],
    ["updated_at", "timestamp with time zone", false, "now()"],
  ],
  // Beyond the seed: issue 13's profile photos (owned by the provider's user, RLS like the rest).
  provider_photos: [
    ["owner_user_id", "uuid", false, null],
    ["hash", "text", false, null],
    ["webp", "bytea", false, null],
    ["jpeg", "bytea", false, null],
    ["created_at", "timestamp with time zone", false, "now()"],
    ["updated_at", "timestamp with time zone", false, "now()"],
  ],
};

const SEED_TABLES = ["integration_secrets", "integrations", "providers"];
// Checked to the column like the seed's: the seed's three and the later tables in public whose
// shape this file pins (issue 13's photos). Other later tables only need RLS and no anon grants.
const CHECKED_TABLES = [...SEED_TABLES, "provider_photos"];
const isChecked = (table: string) => CHECKED_TABLES.includes(table);

const PRIMARY_KEYS = {
  integrations: ["id"],
  integration_secrets: ["integration_id"],
  providers: ["id"],
  provider_photos: ["owner_user_id"],
};

const FOREIGN_KEYS = [
  ["integrations", "user_id", "auth.users", "id", "CASCADE"],
  ["integration_secrets", "integration_id", "public.integrations", "id", "CASCADE"],
  ["integration_secrets", "user_id", "auth.users", "id", "CASCADE"],
  ["providers", "owner_user_id", "auth.users", "id", "CASCADE"],
  ["provider_photos", "owner_user_id", "auth.users", "id", "CASCADE"],
].sort();

const INDEXES = [
  // The exclusion constraint's gist index (provider_id =, time range &&): one active hold per slot.
  ["integration_secrets", "integration_secrets_user_id_idx", "user_id", false],
  ["integrations", "integrations_user_id_idx", "user_id", false],
  ["integrations", "integrations_user_type_uq", "user_id,integration_type", true],
  ["provider_photos", "provider_photos_hash_idx", "hash", false],
  ["providers", "providers_owner_user_id_uq", "owner_user_id", true],
  ["providers", "providers_public_slug_uq", "public_slug", true],
];

const TRIGGERS = [
  ["integration_secrets", "integration_secrets_owner", "BEFORE", "INSERT,UPDATE", "enforce_integration_owner"],
  ["integration_secrets", "integration_secrets_touch", "BEFORE", "UPDATE", "touch_updated_at"],
  ["integrations", "integrations_touch", "BEFORE", "UPDATE", "touch_updated_at"],
  ["provider_photos", "provider_photos_touch", "BEFORE", "UPDATE", "touch_updated_at"],
  ["providers", "providers_touch", "BEFORE", "UPDATE", "touch_updated_at"],
];

function policiesFor(table: string, column: string) {
  const expr = `(auth.uid() = ${column})`;
  return [
    [table, "DELETE", expr, null],
    [table, "INSERT", null, expr],
    [table, "SELECT", expr, null],
    [table, "UPDATE", expr, expr],
  ];
}

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await migratedDatabase()));
afterAll(() => drop());

describe("schema matches the seed", () => {
  it("has pgcrypto", async () => {
    const rows = await db.query("select 1 from pg_extension where extname = 'pgcrypto'");
    expect(rows).toHaveLength(1);
  });

  // Later migrations add tables of their own (each with RLS, checked below); the seed's three stay exactly as the seed says.
  it("has the seed's three tables in public", async () => {
    const rows = await db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(rows.map((r) => r.table_name).filter((t) => SEED_TABLES.includes(t))).toEqual(SEED_TABLES);
  });

  for (const [table, columns] of Object.entries(COLUMNS)) {
    it(`${table}: columns, types, nullability and defaults`, async () => {
      const rows = await db.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
        `select column_name, data_type, is_nullable, column_default from information_schema.columns
         where table_schema = 'public' and table_name = $1 order by ordinal_position`,
        [table],
      );
      expect(rows.map((r) => [r.column_name, r.data_type, r.is_nullable === "YES", r.column_default])).toEqual(columns);
    });
  }

  it("primary keys", async () => {
    const rows = await db.query<{ table: string; cols: string }>(
      `select c.relname as table, string_agg(a.attname, ',' order by a.attnum) as cols
       from pg_constraint k join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum = any(k.conkey)
       where n.nspname = 'public' and k.contype = 'p' group by c.relname`,
    );
    expect(Object.fromEntries(rows.filter((r) => isChecked(r.table)).map((r) => [r.table, r.cols.split(",")]))).toEqual(PRIMARY_KEYS);
  });

  it("foreign keys cascade on delete", async () => {
    const rows = await db.query<{ t: string; col: string; ref: string; refcol: string; del: string }>(
      `select c.relname as t, a.attname as col, rn.nspname || '.' || rc.relname as ref, ra.attname as refcol,
              case k.confdeltype when 'c' then 'CASCADE' else k.confdeltype::text end as del
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
       join pg_class rc on rc.oid = k.confrelid join pg_namespace rn on rn.oid = rc.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.conkey[1]
       join pg_attribute ra on ra.attrelid = rc.oid and ra.attnum = k.confkey[1]
       where n.nspname = 'public' and k.contype = 'f'`,
    );
    expect(
      rows
        .filter((r) => isChecked(r.t))
        .map((r) => [r.t, r.col, r.ref, r.refcol, r.del])
        .sort(),
    ).toEqual(FOREIGN_KEYS);
  });

  it("named indexes with their columns and uniqueness", async () => {
    const rows = await db.query<{ t: string; name: string; cols: string; uniq: boolean }>(
      `select t.relname as t, i.relname as name, ix.indisunique as uniq,
              (select string_agg(a.attname, ',' order by k.ord) from unnest(ix.indkey) with ordinality k(attnum, ord)
               join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum) as cols
       from pg_index ix join pg_class i on i.oid = ix.indexrelid join pg_class t on t.oid = ix.indrelid
       join pg_namespace n on n.oid = t.relnamespace
       where n.nspname = 'public' and not ix.indisprimary order by 1, 2`,
    );
    expect(rows.filter((r) => isChecked(r.t)).map((r) => [r.t, r.name, r.cols, r.uniq])).toEqual(INDEXES);
  });

  it("named triggers with timing, events and functions", async () => {
    const rows = await db.query<{ t: string; name: string; timing: string; events: string; fn: string }>(
      `select event_object_table as t, trigger_name as name, action_timing as timing,
              string_agg(event_manipulation, ',' order by event_manipulation) as events,
              substring(action_statement from '(\\w+)\\(') as fn
       from information_schema.triggers where trigger_schema = 'public'
       group by 1, 2, 3, 5 order by 1, 2`,
    );
    expect(rows.filter((r) => isChecked(r.t)).map((r) => [r.t, r.name, r.timing, r.events, r.fn])).toEqual(TRIGGERS);
    const perRow = await db.query<{ n: number }>(
      `select count(*)::int as n from information_schema.triggers where trigger_schema = 'public' and action_orientation <> 'ROW'`,
    );
    expect(perRow[0].n).toBe(0);
  });

  it("the two functions exist in public", async () => {
    const rows = await db.query<{ proname: string }>(
      `select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname = 'public'
         and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
       order by 1`,
    );
    expect(rows.map((r) => r.proname)).toEqual(["enforce_integration_owner", "touch_updated_at"]);
  });

  it("RLS is enabled on every table, with one policy per command", async () => {
    const rls = await db.query<{ relname: string; relrowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(rls.every((r) => r.relrowsecurity)).toBe(true);
    expect(rls.filter((r) => isChecked(r.relname))).toHaveLength(CHECKED_TABLES.length);
    const rows = await db.query<{ tablename: string; cmd: string; qual: string | null; with_check: string | null }>(
      `select tablename, cmd, qual, with_check from pg_policies where schemaname = 'public' order by 1, 2`,
    );
    expect(rows.filter((r) => isChecked(r.tablename)).map((r) => [r.tablename, r.cmd, r.qual, r.with_check])).toEqual([
      ...policiesFor("integration_secrets", "user_id"),
      ...policiesFor("integrations", "user_id"),
      ...policiesFor("provider_photos", "owner_user_id"),
      ...policiesFor("providers", "owner_user_id"),
    ]);
  });

  it("grants table privileges to authenticated and service_role, none to anon", async () => {
    const rows = await db.query<{ grantee: string; table_name: string; privileges: string }>(
      `select grantee, table_name, string_agg(privilege_type, ',' order by privilege_type) as privileges
       from information_schema.role_table_grants
       where table_schema = 'public' and grantee in ('anon', 'authenticated', 'service_role')
       group by 1, 2 order by 1, 2`,
    );
    const expected = ["integration_secrets", "integrations", "providers", "provider_photos"].flatMap((t) =>
      ["authenticated", "service_role"].map((g) => [g, t, "DELETE,INSERT,SELECT,UPDATE"]),
    );
    expect(
      rows
        .filter((r) => isChecked(r.table_name))
        .map((r) => [r.grantee, r.table_name, r.privileges])
        .sort(),
    ).toEqual(expected.sort());
    expect(rows.filter((r) => r.grantee === "anon")).toEqual([]);
  });
});
