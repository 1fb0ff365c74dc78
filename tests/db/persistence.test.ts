import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openEmbedded } from "~/server/db.server";
import { backend, createUser, migrateTestDb } from "../support/test-db";

// Only the embedded backend keeps its own files; Postgres persistence is the server's job.
describe.runIf(backend === "embedded")("embedded database in DATA_DIR", () => {
  it("keeps data across a restart and does not migrate twice", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pglite-"));
    try {
      const first = await openEmbedded(dir);
      await migrateTestDb(first);
      const user = await createUser(first);
      await first.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
        user,
        JSON.stringify({ calendar: { selectedCalendarIds: ["https://x/a/", "https://x/b/"] } }),
      ]);
      await first.close();

      const second = await openEmbedded(dir);
      expect(await migrateTestDb(second)).toEqual({ applied: [], bootstrapped: false });
      const rows = await second.query<{ settings: unknown }>("select settings from public.providers where owner_user_id = $1", [user]);
      expect(rows).toEqual([{ settings: { calendar: { selectedCalendarIds: ["https://x/a/", "https://x/b/"] } } }]);
      await second.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
