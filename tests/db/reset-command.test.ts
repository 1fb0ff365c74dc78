/**
 * `npm run user:reset-password -- <email>` as an operator runs it: a separate process on the
 * embedded database in DATA_DIR, printing a one-time link whose token only the database's hash knows.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createAccount } from "~/modules/auth/accounts.server";
import { openEmbedded } from "~/server/db.server";
import { ensureBuild, ROOT, TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from "../support/app-server";
import { freePort } from "../support/postgres-server";
import { backend, migrateTestDb } from "../support/test-db";

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    const clean = { ...process.env };
    for (const k of ["DATABASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "NODE_ENV", "VITEST"]) delete clean[k];
    execFile(
      process.execPath,
      [path.join(ROOT, "scripts", "reset-password.mjs"), ...args],
      { cwd: ROOT, env: { ...clean, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

describe.runIf(backend === "embedded")("npm run user:reset-password", () => {
  it("prints a one-time link valid 30 minutes; the database holds only the token's hash", async () => {
    await ensureBuild();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reset-cli-"));
    try {
      const db = await openEmbedded(dir);
      await migrateTestDb(db);
      await createAccount(db, "operator-test@example.com", "old-password-123");
      await db.close();
      const env = {
        DATA_DIR: dir,
        APP_URL: "https://book.example.com/",
        NODE_ENV: "production",
        SESSION_SECRET: TEST_SESSION_SECRET,
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        PORT: String(await freePort()),
      };
      const ok = await run(["Operator-Test@example.com"], env);
      expect(ok.code, ok.out).toBe(0);
      const link = /https:\/\/book\.example\.com\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(ok.out);
      expect(link, ok.out).toBeTruthy();
      const unknown = await run(["nobody@example.com"], env);
      expect(unknown.code).toBe(1);
      expect(unknown.out).toContain("No local account");
      const usage = await run([], env);
      expect(usage.code).toBe(2);

      const again = await openEmbedded(dir);
      const rows = await again.query<{ token_hash: string; minutes: number }>(
        "select token_hash, extract(epoch from expires_at - now()) / 60 as minutes from app_private.password_resets",
      );
      await again.close();
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toBe(crypto.createHash("sha256").update(link![1]).digest("base64url"));
      expect(Number(rows[0].minutes)).toBeGreaterThan(28);
      expect(Number(rows[0].minutes)).toBeLessThanOrEqual(30);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
