/**
 * Two app processes on one PostgreSQL 15 behind nginx round-robin (no edge cache, so the replicas'
 * own rendered-page caches are what is seen): a save on one replica reaches the other within 1 s
 * through LISTEN/NOTIFY; after the listening connection is lost, a replica reconnects and drops
 * everything it holds (a notification may have been missed meanwhile).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRedirect, hiddenVersion, signIn, slotTimes, startAppServer, weekFields, type AppServer } from "../support/app-server";
import { startNginx, type Nginx } from "../support/nginx";
import { startPostgres, type PostgresServer } from "../support/postgres-server";

const DEMO = { email: "demo@example.com", password: "demo-password-123", slug: "demo-trainer" };
const PAGE = `/c/${DEMO.slug}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Got = { upstream: string; cache: string; body: string; at: number };
async function viaNginx(nginx: Nginx): Promise<Got> {
  const res = await fetch(nginx.url + PAGE, { headers: { "Accept-Encoding": "gzip" }, signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  expect(res.status).toBe(200);
  return { upstream: res.headers.get("x-upstream") ?? "?", cache: res.headers.get("x-page-cache") ?? "?", body, at: Date.now() };
}

/** Polls through nginx until every replica showed `isNew`; returns ms after `since` per replica. */
async function firstSeenPerReplica(nginx: Nginx, replicas: string[], isNew: (g: Got) => boolean, since: number, timeoutMs: number) {
  const seen = new Map<string, number>();
  const log: string[] = [];
  while (seen.size < replicas.length && Date.now() - since < timeoutMs) {
    const g = await viaNginx(nginx);
    log.push(`${g.upstream}:${g.cache}:${isNew(g) ? "new" : "old"}`);
    if (isNew(g) && !seen.has(g.upstream)) seen.set(g.upstream, g.at - since);
    await sleep(25);
  }
  return { seen, log };
}

describe("two replicas on one PostgreSQL behind nginx round-robin", () => {
  let db: PostgresServer;
  let a: AppServer;
  let b: AppServer;
  let nginx: Nginx;
  let replicas: string[];

  beforeAll(async () => {
    db = await startPostgres();
    const env = { DATABASE_URL: db.url, TRUST_PROXY: "true" };
    // One after the other: the first migrates and seeds the demo provider.
    a = await startAppServer({ env, echo: !!process.env.ECHO_APP });
    b = await startAppServer({ env, echo: !!process.env.ECHO_APP });
    nginx = await startNginx({ upstreamPort: a.port, extraUpstreamPorts: [b.port], cachePages: false });
    replicas = [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`];
  });
  afterAll(async () => {
    await nginx?.stop();
    await a?.stop();
    await b?.stop();
    await db?.stop();
  });

  it("a save on one replica reaches the other within 1 s", async () => {
    // Both replicas hold the page in their rendered-page cache.
    const warm: Got[] = [];
    for (let i = 0; i < 8; i++) warm.push(await viaNginx(nginx));
    for (const r of replicas)
      expect(
        warm.some((g) => g.upstream === r && g.cache === "HIT"),
        `${r} serves from its cache`,
      ).toBe(true);
    expect(warm.every((g) => slotTimes(g.body).some((t) => t >= "12:00"))).toBe(true);

    const user = await signIn(nginx.url, DEMO.email, DEMO.password, { origin: nginx.url });
    const form = await user.get("/settings/hours");
    const html = await form.text();
    const saved = await user.post("/settings/hours", {
      version: hiddenVersion(html),
      timezone: "Asia/Dubai",
      ...weekFields([1, 2, 3, 4, 5, 6, 7], "09:00", "12:00"),
    });
    expect(await expectRedirect(saved, "save working hours")).toBe("/settings/hours?saved=1");
    const savedAt = Date.now();

    const morningOnly = (g: Got) => {
      const t = slotTimes(g.body);
      return t.length > 0 && t.every((x) => x < "12:00");
    };
    const { seen, log } = await firstSeenPerReplica(nginx, replicas, morningOnly, savedAt, 5000);
    console.log(`[replicas] new hours visible after: ${[...seen].map(([r, ms]) => `${r} ${ms} ms`).join(", ")}`);
    for (const r of replicas) {
      expect(seen.get(r), `${r}: ${log.join(" ")}`).toBeDefined();
      expect(seen.get(r)!, `${r}: ${log.join(" ")}`).toBeLessThanOrEqual(1000);
    }
  });

  it("after losing its LISTEN connection a replica reconnects and drops every copy", async () => {
    // A change made behind the app's back (no NOTIFY) stays invisible while the copies are fresh:
    // the negative control showing the copies really are cached.
    for (let i = 0; i < 4; i++) await viaNginx(nginx);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(
        `update public.providers set settings = jsonb_set(settings, '{displayName}', '"Renamed Behind The Back"') where public_slug = $1`,
        [DEMO.slug],
      );
      const cached = await viaNginx(nginx);
      expect(cached.cache).toBe("HIT");
      expect(cached.body).toContain("Book Demo Personal Trainer");

      const outA = a.output().length;
      const outB = b.output().length;
      // Cut every LISTEN connection, as a network blip or a database failover would.
      const { rows } = await client.query(
        "select pg_terminate_backend(pid) as ok from pg_stat_activity where query ilike 'listen %' and pid <> pg_backend_pid()",
      );
      expect(rows.length).toBe(2);
      const cutAt = Date.now();
      const { seen, log } = await firstSeenPerReplica(nginx, replicas, (g) => g.body.includes("Renamed Behind The Back"), cutAt, 5000);
      console.log(`[replicas] flushed after reconnect: ${[...seen].map(([r, ms]) => `${r} ${ms} ms`).join(", ")}`);
      for (const r of replicas) expect(seen.get(r), `${r}: ${log.join(" ")}`).toBeLessThanOrEqual(1000);
      expect(a.output().slice(outA)).toContain("LISTEN connection restored; flushing every cache");
      expect(b.output().slice(outB)).toContain("LISTEN connection restored; flushing every cache");
    } finally {
      await client.end();
    }
  });
});
