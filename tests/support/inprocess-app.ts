/**
 * The built app served in this test process, on the test's own database object: the same Remix
 * build, the same hardening middleware (securityHeaders, originCheck, bodyGuard, requestContext
 * from build.entry.module, in server.mjs's order), but the database is the one the test holds,
 * so a test can read back exactly what a request wrote on either backend (PGlite allows only one
 * process, so a spawned server would keep the embedded database to itself).
 *
 * What server.mjs adds around that (compression, static files, ETag rewriting) is covered by
 * the specs that spawn the real server (tests/db/headers.test.ts, tests/edge, Playwright).
 */
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Database } from "~/server/db.server";
import { ensureBuild, ROOT, TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from "./app-server";

export type InProcessApp = { url: string; stop(): Promise<void> };

export async function startInProcessApp(db: Database, opts: { env?: Record<string, string> } = {}): Promise<InProcessApp> {
  await ensureBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "slotline-inproc-"));
  Object.assign(process.env, {
    APP_ENV: "production",
    DATA_DIR: dataDir,
    SESSION_SECRET: TEST_SESSION_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DEMO_SEED: "false",
    CALDAV_ALLOW_PRIVATE_NETWORKS: "true",
    CALDAV_TIMEOUT_MS: "3000",
    // Which backend the app believes it runs on only matters for messages; the handle is `db`.
    ...(db.kind === "postgres" ? { DATABASE_URL: "postgres://in-process.invalid/db" } : {}),
    ...opts.env,
  });
  // The build's getDb() takes the process-wide handle when one is set.
  global.__db = Promise.resolve(db);

  const [{ default: express }, { createRequestHandler }] = await Promise.all([import("express"), import("@remix-run/express")]);
  const build = await import(pathToFileURL(path.join(ROOT, "build", "index.js")).href);
  const m = build.entry.module;
  await m.boot(() => {});

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", process.env.TRUST_PROXY === "true");
  app.use(m.securityHeaders());
  app.use((req, res, next) => {
    if (process.env.TRUST_PROXY !== "true") delete req.headers["x-forwarded-host"];
    const refusal = m.originCheck(req.method, req.headers);
    if (refusal) return void res.status(403).type("text/plain").send(refusal);
    next();
  });
  app.use(m.bodyGuard());
  app.all("*", createRequestHandler({ build, mode: "production", getLoadContext: m.requestContext }));

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      global.__db = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
