import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withAnon, withUser, type Database, type Queryable } from "~/server/db.server";
import { createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
let alice: string;
let bob: string;
let aliceIntegration: string;

const SECRET = JSON.stringify({ ciphertext: "x", iv: "y", tag: "z" });

/** Runs fn and reports whether Postgres refused it (RLS / privileges / trigger). */
async function refused(p: Promise<unknown>) {
  try {
    await p;
    return false;
  } catch {
    return true;
  }
}

beforeAll(async () => {
  ({ db, drop } = await migratedDatabase());
  alice = await createUser(db);
  bob = await createUser(db);
  await withUser(db, alice, async (tx) => {
    await tx.query("insert into public.providers (owner_user_id, public_slug) values ($1, 'alice')", [alice]);
    const [row] = await tx.query<{ id: string }>(
      "insert into public.integrations (user_id, integration_type) values ($1, 'icloud') returning id",
      [alice],
    );
    aliceIntegration = row.id;
    await tx.query("insert into public.integration_secrets (integration_id, secret) values ($1, $2::jsonb)", [aliceIntegration, SECRET]);
  });
});
afterAll(() => drop());

const count = async (tx: Queryable, table: string) =>
  (await tx.query<{ n: number }>(`select count(*)::int as n from public.${table}`))[0].n;

describe.each([
  ["providers", "owner_user_id"],
  ["integrations", "user_id"],
  ["integration_secrets", "user_id"],
])("RLS on %s", (table, ownerColumn) => {
  it("the owner can select and update their row", async () => {
    await withUser(db, alice, async (tx) => {
      expect(await count(tx, table)).toBe(1);
      const rows = await tx.query(`update public.${table} set updated_at = now() returning 1`);
      expect(rows).toHaveLength(1);
    });
  });

  it("another signed-in user sees nothing and changes nothing", async () => {
    await withUser(db, bob, async (tx) => {
      expect(await count(tx, table)).toBe(0);
      expect(await tx.query(`update public.${table} set updated_at = now() returning 1`)).toHaveLength(0);
      expect(await tx.query(`delete from public.${table} returning 1`)).toHaveLength(0);
    });
    const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from public.${table} where ${ownerColumn} = $1`, [alice]);
    expect(n).toBe(1);
  });

  it("an anonymous caller can neither read nor write", async () => {
    expect(await refused(withAnon(db, (tx) => count(tx, table)))).toBe(true);
    expect(await refused(withAnon(db, (tx) => tx.query(`delete from public.${table}`)))).toBe(true);
  });

  it("the owner cannot hand their row to another user", async () => {
    expect(await refused(withUser(db, alice, (tx) => tx.query(`update public.${table} set ${ownerColumn} = $1`, [bob])))).toBe(true);
    const [{ n }] = await db.query<{ n: number }>(`select count(*)::int as n from public.${table} where ${ownerColumn} = $1`, [alice]);
    expect(n).toBe(1);
  });
});

describe("inserts", () => {
  it("a user cannot insert rows owned by someone else", async () => {
    expect(await refused(withUser(db, bob, (tx) => tx.query("insert into public.providers (owner_user_id) values ($1)", [alice])))).toBe(
      true,
    );
    expect(
      await refused(
        withUser(db, bob, (tx) => tx.query("insert into public.integrations (user_id, integration_type) values ($1, 'caldav')", [alice])),
      ),
    ).toBe(true);
  });

  it("anon cannot insert", async () => {
    expect(await refused(withAnon(db, (tx) => tx.query("insert into public.providers (owner_user_id) values ($1)", [alice])))).toBe(true);
  });

  it("no secret can be attached to another user's integration, whatever user_id it claims", async () => {
    await withUser(db, bob, async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        "insert into public.integrations (user_id, integration_type) values ($1, 'caldav') returning id",
        [bob],
      );
      expect(row.id).toBeTruthy();
    });
    // Delete alice's secret first, so only the attach rule (not the primary key) can refuse.
    await db.query("delete from public.integration_secrets where integration_id = $1", [aliceIntegration]);
    for (const claimed of [null, bob, alice]) {
      const p = withUser(db, bob, (tx) =>
        tx.query("insert into public.integration_secrets (integration_id, user_id, secret) values ($1, $2, $3::jsonb)", [
          aliceIntegration,
          claimed,
          SECRET,
        ]),
      );
      expect(await refused(p)).toBe(true);
    }
    const rows = await db.query("select 1 from public.integration_secrets where integration_id = $1", [aliceIntegration]);
    expect(rows).toHaveLength(0);
    // The owner can attach it again.
    await withUser(db, alice, (tx) =>
      tx.query("insert into public.integration_secrets (integration_id, secret) values ($1, $2::jsonb)", [aliceIntegration, SECRET]),
    );
  });

  it("a secret cannot be moved onto another user's integration by update", async () => {
    const [bobIntegration] = await db.query<{ id: string }>("select id from public.integrations where user_id = $1", [bob]);
    await withUser(db, bob, (tx) =>
      tx.query("insert into public.integration_secrets (integration_id, secret) values ($1, $2::jsonb)", [bobIntegration.id, SECRET]),
    );
    expect(
      await refused(
        withUser(db, bob, (tx) =>
          tx.query("update public.integration_secrets set integration_id = $1 where integration_id = $2", [
            aliceIntegration,
            bobIntegration.id,
          ]),
        ),
      ),
    ).toBe(true);
  });
});

describe("issue 10 tables", () => {
  it("calendar_health: written by the service path, read only by its owner", async () => {
    const { recordCalendarHealth } = await import("~/modules/calendar/public-reads.server");
    const { listCalendarHealth } = await import("~/modules/calendar/health.server");
    await recordCalendarHealth(db, alice, [
      { calendarId: "https://cal.example/a/", ok: false, reason: 'Event "Lunch" cannot be read', event: "Lunch" },
      { calendarId: "https://cal.example/b/", ok: true, warningsCount: 7, warnings: ["w1", "w2"] },
    ]);
    const mine = await withUser(db, alice, (tx) => listCalendarHealth(tx, alice));
    expect(mine.map((h) => [h.calendarId, h.failureEvent, h.warningsCount, h.lastSuccessAt !== null]).sort()).toEqual([
      ["https://cal.example/a/", "Lunch", 0, false],
      ["https://cal.example/b/", null, 7, true],
    ]);
    // A later failure of b keeps the time of its last good read.
    await recordCalendarHealth(db, alice, [{ calendarId: "https://cal.example/b/", ok: false, reason: "down", event: null }]);
    const b = (await withUser(db, alice, (tx) => listCalendarHealth(tx, alice))).find((h) => h.calendarId.endsWith("/b/"));
    expect(b?.failureReason).toBe("down");
    expect(b?.lastSuccessAt).not.toBeNull();
    expect(await withUser(db, bob, (tx) => listCalendarHealth(tx, alice))).toEqual([]);
    expect(
      await refused(
        withUser(db, alice, (tx) => tx.query("insert into public.calendar_health (user_id, calendar_id) values ($1, 'x')", [alice])),
      ),
    ).toBe(true);
    expect(await refused(withAnon(db, (tx) => tx.query("select 1 from public.calendar_health")))).toBe(true);
  });

  it("integration_addresses: the owner stores them for their own integration only", async () => {
    const { saveAddresses, readAddresses } = await import("~/modules/calendar/integrations.server");
    await withUser(db, alice, (tx) => saveAddresses(tx, aliceIntegration, ["alice@icloud.com", "alice@me.com"]));
    expect(await withUser(db, alice, (tx) => readAddresses(tx, aliceIntegration))).toEqual(["alice@icloud.com", "alice@me.com"]);
    expect(await withUser(db, bob, (tx) => readAddresses(tx, aliceIntegration))).toEqual([]);
    expect(await refused(withUser(db, bob, (tx) => saveAddresses(tx, aliceIntegration, ["bob@evil.example"])))).toBe(true);
  });
});
