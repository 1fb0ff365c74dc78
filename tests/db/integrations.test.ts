import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteIntegration, listIntegrations, readSecret, upsertIntegration } from "~/modules/calendar/integrations.server";
import { createKeyring, decryptSecret, encryptSecret } from "~/server/crypto.server";
import { withUser, type Database } from "~/server/db.server";
import { createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await migratedDatabase()));
afterAll(() => drop());

const keyring = createKeyring([{ id: "k1", key: crypto.randomBytes(32) }]);
const PASSWORD = "abcd-efgh-ijkl-mnop";
const creds = JSON.stringify({ serverUrl: "https://caldav.icloud.com", username: "a@example.com", password: PASSWORD });
const input = { type: "icloud" as const, label: "Apple iCloud", username: "a@example.com", email: "a@example.com" };

describe("integrations and encrypted secrets", () => {
  it("stores the secret encrypted, bound to its integration, and never the plain password", async () => {
    const alice = await createUser(db);
    const id = await withUser(db, alice, (tx) => upsertIntegration(tx, alice, input, (iid) => encryptSecret(keyring, creds, iid)));
    const [row] = await db.query<{ secret: Record<string, unknown>; raw: string }>(
      "select secret, secret::text as raw from public.integration_secrets where integration_id = $1",
      [id],
    );
    expect(row.raw).not.toContain(PASSWORD);
    expect(row.raw).not.toContain("abcd");
    expect(Object.keys(row.secret).sort()).toEqual(expect.arrayContaining(["ciphertext", "iv", "tag"]));
    expect(decryptSecret(keyring, row.secret, id)).toBe(creds);
    // Reconnecting updates the same row and rotates the IV.
    const again = await withUser(db, alice, (tx) => upsertIntegration(tx, alice, input, (iid) => encryptSecret(keyring, creds, iid)));
    expect(again).toBe(id);
    const [row2] = await db.query<{ secret: { iv: string } }>("select secret from public.integration_secrets where integration_id = $1", [
      id,
    ]);
    expect(row2.secret.iv).not.toBe(row.secret.iv);
  });

  it("another user can neither read the secret nor attach one to it", async () => {
    const alice = await createUser(db);
    const bob = await createUser(db);
    const id = await withUser(db, alice, (tx) => upsertIntegration(tx, alice, input, (iid) => encryptSecret(keyring, creds, iid)));
    expect(await withUser(db, bob, (tx) => readSecret(tx, id))).toBeNull();
    expect(await withUser(db, bob, (tx) => listIntegrations(tx, bob))).toEqual([]);
    await expect(
      withUser(db, bob, (tx) =>
        tx.query(
          "insert into public.integration_secrets (integration_id, user_id, secret) values ($1, $2, '{}') on conflict (integration_id) do update set secret = excluded.secret",
          [id, bob],
        ),
      ),
    ).rejects.toThrow();
    // A ciphertext copied to another integration's row does not decrypt there.
    const bobId = await withUser(db, bob, (tx) => upsertIntegration(tx, bob, input, (iid) => encryptSecret(keyring, "bob", iid)));
    const aliceSecret = await withUser(db, alice, (tx) => readSecret(tx, id));
    expect(() => decryptSecret(keyring, aliceSecret, bobId)).toThrow(/could not be decrypted/);
  });

  it("disconnect deletes the integration and its secret and clears the selection", async () => {
    const alice = await createUser(db);
    const id = await withUser(db, alice, (tx) => upsertIntegration(tx, alice, input, (iid) => encryptSecret(keyring, creds, iid)));
    await db.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
      alice,
      JSON.stringify({ calendar: { selectedCalendarIds: ["https://p1/cal/a/", "https://p1/cal/b/"] }, whatsapp: { enabled: false } }),
    ]);
    expect(await withUser(db, alice, (tx) => deleteIntegration(tx, alice, id, ["https://p1/cal/a/", "https://p1/cal/b/"]))).toBe(true);
    expect(await db.query("select 1 from public.integration_secrets where integration_id = $1", [id])).toHaveLength(0);
    const [p] = await db.query<{ settings: unknown }>("select settings from public.providers where owner_user_id = $1", [alice]);
    expect(p.settings).toEqual({ calendar: { selectedCalendarIds: [] }, whatsapp: { enabled: false } });
  });
});
