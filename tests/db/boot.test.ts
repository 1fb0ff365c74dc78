import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "~/server/env.server";
import { backend, ROOT } from "../support/test-db";

const saved = { ...process.env };
const dirs: string[] = [];
afterEach(async () => {
  const db = await global.__db?.catch(() => undefined);
  await db?.close().catch(() => {});
  global.__db = undefined;
  process.env = { ...saved };
  resetEnvCache();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the app's SQL in a temp "app root", so a test can add a broken migration. */
function tempAppRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "boot-"));
  dirs.push(root);
  fs.cpSync(path.join(ROOT, "supabase"), path.join(root, "supabase"), { recursive: true });
  return root;
}

function setEnv(vars: Record<string, string>) {
  for (const k of ["DATABASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "ENCRYPTION_KEY", "SESSION_SECRET", "DEMO_SEED"])
    delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvCache();
  global.__db = undefined;
}

describe.runIf(backend === "embedded")("boot", () => {
  it("migrates a new database, creates the demo provider, and /healthz answers 200", async () => {
    const root = tempAppRoot();
    setEnv({ APP_ROOT: root, DATA_DIR: path.join(root, "data"), NODE_ENV: "development" });
    const { boot } = await import("~/server/boot.server");
    const lines: string[] = [];
    await boot((l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/demo@example\.com \/ demo-password-123.*\/c\/demo-trainer/);
    const { loader } = await import("~/routes/healthz");
    expect((await loader()).status).toBe(200);
  });

  it("/healthz answers 503 when the database does not answer", async () => {
    global.__db = Promise.resolve({ query: () => Promise.reject(new Error("down")) } as never);
    const { loader } = await import("~/routes/healthz");
    expect((await loader()).status).toBe(503);
    global.__db = undefined;
  });

  it("refuses to start on a failing migration, naming the file and the error, and changes nothing", async () => {
    const root = tempAppRoot();
    fs.writeFileSync(
      path.join(root, "supabase/migrations/29990101000000_broken.sql"),
      "create table public.oops (id int);\nselect nope from nowhere;",
    );
    setEnv({ APP_ROOT: root, DATA_DIR: path.join(root, "data"), NODE_ENV: "development" });
    const { boot } = await import("~/server/boot.server");
    await expect(boot(() => {})).rejects.toThrow(/29990101000000_broken\.sql.*nowhere/s);
    const db = await global.__db!;
    expect(await db.query("select to_regclass('public.oops') as t")).toEqual([{ t: null }]);
  });

  it("refuses to start in production without ENCRYPTION_KEY", async () => {
    const root = tempAppRoot();
    setEnv({ APP_ROOT: root, DATA_DIR: path.join(root, "data"), NODE_ENV: "production", SESSION_SECRET: "x".repeat(40) });
    const { boot } = await import("~/server/boot.server");
    await expect(boot(() => {})).rejects.toThrow(/ENCRYPTION_KEY is required/);
  });
});
