import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withUser, type Database } from "~/server/db.server";
import { createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await migratedDatabase()));
afterAll(() => drop());

describe("triggers", () => {
  it("updated_at moves on update in every table, created_at does not", async () => {
    const user = await createUser(db);
    const old = "2020-01-01T00:00:00Z";
    const [integration] = await db.query<{ id: string }>(
      "insert into public.integrations (user_id, integration_type, created_at, updated_at) values ($1, 'icloud', $2, $2) returning id",
      [user, old],
    );
    await db.query("insert into public.integration_secrets (integration_id, secret, created_at, updated_at) values ($1, '{}', $2, $2)", [
      integration.id,
      old,
    ]);
    await db.query("insert into public.providers (owner_user_id, created_at, updated_at) values ($1, $2, $2)", [user, old]);
    for (const table of ["integrations", "integration_secrets", "providers"]) {
      const [row] = await db.query<{ created_at: Date; updated_at: Date }>(
        `update public.${table} set created_at = created_at returning created_at, updated_at`,
      );
      expect(row.created_at.toISOString()).toBe("2020-01-01T00:00:00.000Z");
      expect(row.updated_at.getTime()).toBeGreaterThan(Date.parse(old) + 1000);
    }
  });

  it("a secret's user_id is filled from its integration and a mismatch is refused", async () => {
    const owner = await createUser(db);
    const other = await createUser(db);
    const [integration] = await db.query<{ id: string }>(
      "insert into public.integrations (user_id, integration_type) values ($1, 'caldav') returning id",
      [owner],
    );
    const [row] = await withUser(db, owner, (tx) =>
      tx.query<{ user_id: string }>("insert into public.integration_secrets (integration_id, secret) values ($1, '{}') returning user_id", [
        integration.id,
      ]),
    );
    expect(row.user_id).toBe(owner);
    // Even the privileged path cannot store a mismatching owner.
    await expect(
      db.query("update public.integration_secrets set user_id = $1 where integration_id = $2", [other, integration.id]),
    ).rejects.toThrow(/must match/);
    await expect(
      db.query("insert into public.integration_secrets (integration_id, user_id, secret) values (gen_random_uuid(), $1, '{}')", [owner]),
    ).rejects.toThrow(/does not exist or is not yours/);
  });
});
