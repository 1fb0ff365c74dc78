/**
 * Slotline benchmarks, one command: `npx tsx tests/bench/run.ts` (npm run bench).
 *
 *  1. Public page under concurrent load (autocannon, loopback, gzip), next to a static file of
 *     exactly the same bytes served by the same Express server: requests/s, p99, ratio.
 *     Twice: the demo provider (no calendar) and a 30-day page with two Radicale calendars.
 *     Target: page >= 0.8x the static file's requests/s, p99 <= 1.5x its p99.
 *  2. A calendar server that answers only after 20 s (tests/support/slow-caldav.ts in front of
 *     Radicale), busy TTL 2 s: visitors' p99 under load next to the warm p99 of the same app.
 *     Target: <= 2x.
 *  3. First visit after the busy TTL expired (idle > TTL, one request) next to the warm median.
 *     Target: <= 2x.
 *  4. Cold path: TTFB with the busy cache off (every request reads both calendars).
 *  5. Memory: RSS after 100,000 requests to 1,000 published slugs, with the default cache budget
 *     and with a small one (the caches are LRU-bounded by PUBLIC_CACHE_MAX_MB).
 *  6. The availability engine vs its slow reference implementation (tests/bench/engine.bench.ts).
 *  7. Busy-time extraction vs a bare ical.js parse (tests/bench/extraction.bench.ts).
 *  8. Page weight: compressed bytes of HTML, CSS and JavaScript the public page transfers.
 *
 * Writes the figures to docs/benchmarks.md. Environment: BENCH_DURATION (s per load target,
 * default 10), BENCH_CONNECTIONS (default 50), BENCH_COLD_N (default 20), BENCH_IDLE_N (default 8),
 * BENCH_MEMORY_REQUESTS (default 100000), BENCH_MEMORY_SLUGS (default 1000).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, slotTimes, startAppServer, type AppServer } from "../support/app-server";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { runEngineBench, type EngineBenchResult } from "./engine.bench";
import { formatExtraction, runExtractionBench, type ExtractionBenchResult } from "./extraction.bench";
import http from "node:http";
import { startSlowCalDav, type SlowCalDav } from "../support/slow-caldav";
import {
  loadPaths,
  loadTest,
  median,
  pageWeight,
  percentile,
  rawGet,
  rssBytes,
  ttfbSamples,
  type LoadResult,
  type PageWeight,
} from "./measure";
import { BENCH_PROVIDER, createProviderThroughForms, seedCalendars } from "./provider";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_N = Number(process.env.BENCH_COLD_N ?? 20);
const IDLE_N = Number(process.env.BENCH_IDLE_N ?? 8);
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const MEMORY_SLUGS = Number(process.env.BENCH_MEMORY_SLUGS ?? 1000);
/** Busy TTL of the app that measures the slow calendar and the first visit after expiry. */
const SHORT_TTL_S = 2;
const SLOW_ANSWER_MS = 20_000;
const SMALL_CACHE_MB = 4;
const IDLE_MS = SHORT_TTL_S * 1000 + 700;
const UNAVAILABLE = "Availability cannot be shown";
const DOC = path.join(ROOT, "docs", "benchmarks.md");
const DEMO_SLUG = "demo-trainer";

/* ----------------------------------------------------------------------------------------- */

const STEPS = 14;
let stepNo = 0;
async function step<T>(label: string, fn: () => Promise<T>): Promise<T> {
  stepNo++;
  const t0 = performance.now();
  process.stdout.write(`[bench] ${stepNo}/${STEPS} ${label} …\n`);
  const out = await fn();
  process.stdout.write(`[bench] ${stepNo}/${STEPS} ${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return out;
}

// Static copies written into public/ for the side-by-side runs; always removed, even on Ctrl-C.
const staticFiles = new Set<string>();
function removeStaticFiles() {
  for (const f of staticFiles) fs.rmSync(f, { force: true });
  staticFiles.clear();
}
process.once("exit", removeStaticFiles);

type PairResult = { label: string; page: LoadResult; file: LoadResult; bytes: number };

/** Loads the page, then a static file with exactly the page's bytes, on the same server. */
async function pageVsStatic(app: AppServer, slug: string, label: string): Promise<PairResult> {
  const pageUrl = `${app.url}/c/${slug}`;
  const identity = await rawGet(pageUrl, { "Accept-Encoding": "identity" });
  if (identity.status !== 200) throw new Error(`GET ${pageUrl}: HTTP ${identity.status}`);
  const name = `bench-static-${slug}.html`;
  const file = path.join(ROOT, "public", name);
  staticFiles.add(file);
  fs.writeFileSync(file, identity.body);
  try {
    const check = await rawGet(`${app.url}/${name}`, { "Accept-Encoding": "identity" });
    if (check.status !== 200 || check.body.length !== identity.body.length)
      throw new Error(`static copy not served as written (HTTP ${check.status}, ${check.body.length} bytes)`);
    const opts = { durationS: DURATION, connections: CONNECTIONS };
    await warmUp(pageUrl);
    const page = await loadTest(pageUrl, opts);
    process.stdout.write(`[bench]    ${label}: page ${page.requestsPerSec.toFixed(0)} req/s, p99 ${page.p99Ms} ms\n`);
    await settle(app);
    await warmUp(`${app.url}/${name}`);
    const staticResult = await loadTest(`${app.url}/${name}`, opts);
    await settle(app);
    process.stdout.write(`[bench]    ${label}: static ${staticResult.requestsPerSec.toFixed(0)} req/s, p99 ${staticResult.p99Ms} ms\n`);
    return { label, page, file: staticResult, bytes: identity.body.length };
  } finally {
    fs.rmSync(file, { force: true });
    staticFiles.delete(file);
  }
}

/** A few sequential requests so the JIT has seen the code path before it is measured. */
async function warmUp(url: string) {
  await ttfbSamples(url, 30);
}

/**
 * autocannon stops sending at the deadline, but the server still works off what it accepted.
 * Wait until a tiny static file is answered promptly again before the next measurement starts.
 */
async function settle(app: AppServer) {
  const deadline = Date.now() + 30_000;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const r = await rawGet(`${app.url}/favicon.svg`);
    quick = r.totalMs < 50 ? quick + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type MemoryRun = { budgetMb: number; rssBefore: number; rssAfter: number; load: LoadResult; caches: string };
type Report = {
  date: string;
  machine: string;
  node: string;
  load: string;
  events: number;
  pairs: PairResult[];
  cold: { samples: number[]; firstAfterStart: number };
  warm: { samples: number[]; afterIdle: number[] };
  short: {
    warmTtfb: number[];
    afterIdle: number[];
    afterIdleVia: string[];
    warmLoad: LoadResult;
    slowLoad: LoadResult;
    slowFetches: number;
  };
  memory: MemoryRun[];
  engine: EngineBenchResult;
  extraction: ExtractionBenchResult;
  weight: { demo: PageWeight; radicale: PageWeight };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One visitor's request, as a phone arriving at the page makes it: a new connection each time,
 * after `idleMs` of quiet (0: one after the other), n times. TTFB includes the TCP connect.
 */
async function visitorSamples(url: string, n: number, idleMs: number): Promise<{ samples: number[]; via: string[] }> {
  const samples: number[] = [];
  const via: string[] = [];
  for (let i = 0; i < n; i++) {
    if (idleMs > 0) await sleep(idleMs);
    const agent = new http.Agent({ keepAlive: false });
    try {
      const r = await rawGet(url, { "Accept-Encoding": "gzip" }, agent);
      if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}`);
      samples.push(r.ttfbMs);
      via.push(String(r.headers["x-page-cache"] ?? "-"));
    } finally {
      agent.destroy();
    }
  }
  return { samples, via };
}

/** Checks that the page shows slots (busy times applied), not "unavailable". */
async function expectSlots(url: string, what: string) {
  const r = await rawGet(url, { "Accept-Encoding": "identity" });
  const html = r.body.toString("utf8");
  if (r.status !== 200 || html.includes(UNAVAILABLE) || slotTimes(html).length === 0)
    throw new Error(`${what}: the page does not show slots (HTTP ${r.status})`);
}

/** Publishes `count` more providers (copies of the demo's settings) straight into the embedded database. */
async function publishManyProviders(dataDir: string, count: number): Promise<string[]> {
  const [{ PGlite }, { pgcrypto }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite/contrib/pgcrypto")]);
  const db = await PGlite.create(`file://${dataDir}`, { extensions: { pgcrypto } });
  try {
    await db.exec(`
      insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                              raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
      select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
             'mem-' || i || '@example.com', '', now(), '{}', '{}', now(), now()
        from generate_series(1, ${count}) i;
      insert into public.providers (owner_user_id, public_slug, is_public, timezone, settings)
      select u.id, 'mem-' || split_part(split_part(u.email, '@', 1), '-', 2), true, 'Asia/Dubai',
             jsonb_set((select settings from public.providers where public_slug = 'demo-trainer'), '{displayName}',
                       to_jsonb('Provider ' || split_part(split_part(u.email, '@', 1), '-', 2)))
        from auth.users u where u.email like 'mem-%@example.com';
    `);
    const rows = await db.query<{ public_slug: string }>(
      "select public_slug from public.providers where public_slug like 'mem-%' order by 1",
    );
    return rows.rows.map((r) => r.public_slug);
  } finally {
    await db.close();
  }
}

const dbg = (m: string) => process.env.BENCH_ECHO && process.stdout.write(`[dbg] ${m}\n`);
async function memoryRun(dataDir: string, slugs: string[], budgetMb: number | undefined): Promise<MemoryRun> {
  const app = await startAppServer({
    dataDir,
    echo: !!process.env.BENCH_ECHO,
    env: budgetMb ? { PUBLIC_CACHE_MAX_MB: String(budgetMb) } : {},
  });
  try {
    dbg("expectSlots");
    await expectSlots(`${app.url}/c/${slugs[0]}`, "memory run");
    dbg("rss");
    const rssBefore = rssBytes(app.pid);
    dbg("load");
    const load = await loadPaths(
      app.url,
      slugs.map((s) => `/c/${s}`),
      { amount: MEMORY_REQUESTS, connections: CONNECTIONS },
    );
    dbg("settle");
    await settle(app);
    const rssAfter = rssBytes(app.pid);
    await app.stop({ keepDataDir: true });
    const caches = /\[server\] caches: (.*)/.exec(app.output())?.[1] ?? "(not reported)";
    process.stdout.write(
      `[bench]    budget ${budgetMb ?? 64} MiB: RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(rssAfter / 2 ** 20).toFixed(0)} MiB; ${caches}\n`,
    );
    return { budgetMb: budgetMb ?? 64, rssBefore, rssAfter, load, caches };
  } finally {
    await app.stop({ keepDataDir: true }).catch(() => {});
  }
}

async function memoryStep(): Promise<MemoryRun[]> {
  const app = await startAppServer({ echo: !!process.env.BENCH_ECHO });
  const dir = app.dataDir;
  try {
    await app.stop({ keepDataDir: true });
    const slugs = await publishManyProviders(dir, MEMORY_SLUGS);
    process.stdout.write(`[bench]    ${slugs.length} providers published\n`);
    if (slugs.length !== MEMORY_SLUGS) throw new Error(`published ${slugs.length} providers, wanted ${MEMORY_SLUGS}`);
    return [await memoryRun(dir, slugs, undefined), await memoryRun(dir, slugs, SMALL_CACHE_MB)];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const cpus = os.cpus();
  const started = new Date();
  const loadAvg = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(`[bench] ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, node ${process.version}, load ${loadAvg}`);
  console.log(`[bench] load runs: ${DURATION} s per target, ${CONNECTIONS} connections; cold/warm TTFB: n=${COLD_N}`);
  // Development aid: only the memory step, printed, nothing written.
  if (process.env.BENCH_ONLY === "memory") {
    for (const m of await memoryStep()) console.log(m);
    return;
  }

  let radicale: RadicaleServer | undefined;
  let slow: SlowCalDav | undefined;
  let warmApp: AppServer | undefined;
  let shortApp: AppServer | undefined;
  let coldApp: AppServer | undefined;
  let dataDir: string | undefined;
  try {
    const seeded = await step("Radicale with two calendars, behind a CalDAV stub that can be slowed down", async () => {
      radicale = await startRadicale();
      const out = await seedCalendars(radicale);
      slow = await startSlowCalDav(radicale.url);
      return out;
    });

    warmApp = await step("app (busy cache on) + provider set up through the HTML forms", async () => {
      // TTL long enough that every warm measurement is served from the busy cache.
      const app = await startAppServer({ env: { BUSY_CACHE_TTL_SECONDS: "3600", CALDAV_TIMEOUT_MS: "15000" } });
      dataDir = app.dataDir;
      await createProviderThroughForms(
        app.url,
        { ...radicale!, url: slow!.url },
        seeded.calendars.map((u) => u.replace(radicale!.url, slow!.url)),
      );
      const first = await rawGet(`${app.url}/c/${BENCH_PROVIDER.slug}`, { "Accept-Encoding": "identity" });
      const html = first.body.toString("utf8");
      if (first.status !== 200 || html.includes(UNAVAILABLE))
        throw new Error(`the Radicale provider's page is not ok (HTTP ${first.status})`);
      const times = slotTimes(html);
      // The daily 12:30-13:30 lunch in "Personal" must be busy: proof the calendars are read.
      if (times.length === 0 || times.includes("12:30") || times.includes("13:00"))
        throw new Error(`busy times from Radicale not applied (slots: ${times.slice(0, 40).join(" ")})`);
      return app;
    });

    const warm = await step(
      `warm TTFB /c/${BENCH_PROVIDER.slug} (n=${COLD_N}), and after ${IDLE_MS} ms idle with busy times fresh`,
      async () => ({
        samples: await ttfbSamples(`${warmApp!.url}/c/${BENCH_PROVIDER.slug}`, COLD_N),
        // Control for "first visit after the TTL": the same idle, but nothing has expired.
        afterIdle: (await visitorSamples(`${warmApp!.url}/c/${BENCH_PROVIDER.slug}`, IDLE_N, IDLE_MS)).samples,
      }),
    );

    const pairs: PairResult[] = [];
    pairs.push(await step(`load: /c/${DEMO_SLUG} vs static copy`, () => pageVsStatic(warmApp!, DEMO_SLUG, "demo (no calendar)")));
    pairs.push(
      await step(`load: /c/${BENCH_PROVIDER.slug} vs static copy`, () =>
        pageVsStatic(warmApp!, BENCH_PROVIDER.slug, "30 days, 2 Radicale calendars"),
      ),
    );

    await step(`restart the app with BUSY_CACHE_TTL_SECONDS=${SHORT_TTL_S} (same database)`, async () => {
      await warmApp!.stop({ keepDataDir: true });
      warmApp = undefined;
      shortApp = await startAppServer({ dataDir, env: { BUSY_CACHE_TTL_SECONDS: String(SHORT_TTL_S) } });
      await expectSlots(`${shortApp.url}/c/${BENCH_PROVIDER.slug}`, "short-TTL app");
    });

    const short = await step(
      `first visit after the busy TTL expired (n=${IDLE_N}), warm load, then a calendar answering after 20 s`,
      async () => {
        const url = `${shortApp!.url}/c/${BENCH_PROVIDER.slug}`;
        await warmUp(url);
        // Both as new visitors (a new connection each): one after the other, and after the TTL.
        const warmTtfb = (await visitorSamples(url, COLD_N, 0)).samples;
        const idle = await visitorSamples(url, IDLE_N, IDLE_MS);
        const afterIdle = idle.samples;
        const afterIdleVia = idle.via;
        process.stdout.write(`[bench]    first visit after TTL: median ${ms(median(afterIdle))} ms vs warm ${ms(median(warmTtfb))} ms\n`);
        const opts = { durationS: DURATION, connections: CONNECTIONS };
        const warmLoad = await loadTest(url, opts);
        await settle(shortApp!);
        process.stdout.write(`[bench]    warm load: ${warmLoad.requestsPerSec.toFixed(0)} req/s, p99 ${warmLoad.p99Ms} ms\n`);
        slow!.setMode({ kind: "delay", ms: SLOW_ANSWER_MS });
        const before = slow!.received();
        await sleep(SHORT_TTL_S * 1000 + 500);
        const slowLoad = await loadTest(url, opts);
        const slowFetches = slow!.received() - before;
        await expectSlots(url, "while the calendar hangs");
        slow!.setMode({ kind: "pass" });
        await settle(shortApp!);
        process.stdout.write(
          `[bench]    calendar answering after 20 s: ${slowLoad.requestsPerSec.toFixed(0)} req/s, p99 ${slowLoad.p99Ms} ms; ${slowFetches} CalDAV requests\n`,
        );
        return { warmTtfb, afterIdle, afterIdleVia, warmLoad, slowLoad, slowFetches };
      },
    );

    await step("restart the app with BUSY_CACHE_TTL_SECONDS=0 (same database)", async () => {
      await shortApp!.stop({ keepDataDir: true });
      shortApp = undefined;
      coldApp = await startAppServer({
        dataDir,
        env: { BUSY_CACHE_TTL_SECONDS: "0", BUSY_STALE_SECONDS: "0", CALDAV_TIMEOUT_MS: "15000" },
      });
    });

    const cold = await step(`cold TTFB /c/${BENCH_PROVIDER.slug}, both calendars fetched per request (n=${COLD_N})`, async () => {
      const url = `${coldApp!.url}/c/${BENCH_PROVIDER.slug}`;
      // The first request after start also pays for JIT warm-up and the first database queries.
      const [firstAfterStart] = await ttfbSamples(url, 1);
      const samples = await ttfbSamples(url, COLD_N, (r) => {
        if (String(r.headers["x-page-cache"]) !== "MISS") throw new Error(`cold page served from a cache: ${r.headers["x-page-cache"]}`);
      });
      await expectSlots(url, "cold app");
      return { samples, firstAfterStart };
    });

    const weight = await step("page weight (gzip)", async () => ({
      demo: await pageWeight(`${coldApp!.url}/c/${DEMO_SLUG}`),
      radicale: await pageWeight(`${coldApp!.url}/c/${BENCH_PROVIDER.slug}`),
    }));

    await step("stop app, stub and Radicale", async () => {
      await coldApp!.stop();
      coldApp = undefined;
      await slow!.stop();
      slow = undefined;
      await radicale!.stop();
      radicale = undefined;
    });

    const memory = await step(`memory: ${num(MEMORY_REQUESTS)} requests to ${num(MEMORY_SLUGS)} published slugs`, () => memoryStep());
    const engine = await step("availability engine vs the slow reference", () => runEngineBench());
    const extraction = await step("busy-time extraction vs ical.js parse", () => runExtractionBench());

    const report: Report = {
      date: started.toISOString(),
      machine: `${cpus.length} × ${cpus[0]?.model?.trim() ?? "unknown"} (${os.type()} ${os.release()} ${os.arch()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB)`,
      node: process.version,
      load: loadAvg,
      events: seeded.events,
      pairs,
      cold,
      warm,
      short,
      memory,
      engine,
      extraction,
      weight,
    };
    const markdown = render(report);
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    fs.writeFileSync(DOC, markdown);
    console.log("\n" + markdown.slice(markdown.indexOf("## Results")));
    console.log(`[bench] written to ${path.relative(process.cwd(), DOC) || DOC}`);
  } finally {
    removeStaticFiles();
    await warmApp?.stop().catch(() => {});
    await shortApp?.stop().catch(() => {});
    await coldApp?.stop().catch(() => {});
    await slow?.stop().catch(() => {});
    await radicale?.stop().catch(() => {});
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/* ----------------------------------------------------------------------------------------- */

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const num = (v: number) => Math.round(v).toLocaleString("en-GB");

function render(r: Report): string {
  const lines: string[] = [];
  lines.push("# Benchmarks", "");
  lines.push("Generated by `npm run bench` (`npx tsx tests/bench/run.ts`); every figure below comes from one run on the machine named.");
  lines.push("Client and server share the machine and talk over loopback, so absolute numbers are a floor for real hardware;");
  lines.push("the ratios (page vs static file, hanging vs warm, cold vs warm, engine vs reference) are the meaningful part.", "");
  lines.push("## Results", "");
  lines.push("| Run | |", "|---|---|");
  lines.push(`| Date | ${r.date} |`);
  lines.push(`| Machine | ${r.machine} |`);
  lines.push(`| Node | ${r.node} |`);
  lines.push(`| Load average at start (1/5/15 min) | ${r.load} |`, "");

  const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");
  lines.push(`### Public page under load`, "");
  lines.push(
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per target, \`Accept-Encoding: gzip\`, same Express server. The static file holds exactly the page's HTML bytes and is gzipped per request by the compression middleware; the page comes from the rendered-page cache (gzip and brotli computed once per render).`,
    "",
  );
  lines.push("| Target | HTML bytes | Requests/s | p50 ms | p99 ms | Page / static req/s (≥ 0.8) | Page / static p99 (≤ 1.5) |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|");
  for (const p of r.pairs) {
    const rps = p.page.requestsPerSec / p.file.requestsPerSec;
    const p99 = p.page.p99Ms / p.file.p99Ms;
    lines.push(
      `| \`/c/…\` page: ${p.label} | ${num(p.bytes)} | ${num(p.page.requestsPerSec)} | ${p.page.p50Ms} | ${p.page.p99Ms} | ${rps.toFixed(2)}× ${verdict(rps >= 0.8)} | ${p99.toFixed(2)}× ${verdict(p99 <= 1.5)} |`,
    );
    lines.push(`| static file, same bytes | ${num(p.bytes)} | ${num(p.file.requestsPerSec)} | ${p.file.p50Ms} | ${p.file.p99Ms} | | |`);
  }
  lines.push("");

  const sh = r.short;
  const slowRatio = sh.slowLoad.p99Ms / sh.warmLoad.p99Ms;
  lines.push("### A calendar server that answers after 20 s", "");
  lines.push(
    `\`/c/${BENCH_PROVIDER.slug}\` with \`BUSY_CACHE_TTL_SECONDS=${SHORT_TTL_S}\`; the CalDAV stub in front of Radicale holds every request for 20 s; load starts once the busy copy is past its TTL. Same app, same load, side by side.`,
    "",
  );
  lines.push("| Calendar server | Requests/s | p50 ms | p99 ms | CalDAV requests during the run |", "|---|---:|---:|---:|---:|");
  lines.push(`| answers at once (warm) | ${num(sh.warmLoad.requestsPerSec)} | ${sh.warmLoad.p50Ms} | ${sh.warmLoad.p99Ms} | |`);
  lines.push(
    `| answers after 20 s | ${num(sh.slowLoad.requestsPerSec)} | ${sh.slowLoad.p50Ms} | ${sh.slowLoad.p99Ms} | ${sh.slowFetches} |`,
  );
  lines.push("");
  lines.push(`p99 with the hanging server / warm p99: ${slowRatio.toFixed(2)}× (target ≤ 2×: ${verdict(slowRatio <= 2)}).`, "");

  const idleRatio = median(sh.afterIdle) / median(sh.warmTtfb);
  lines.push("### First visit after the busy TTL expired", "");
  lines.push(
    `One request after ${SHORT_TTL_S * 1000 + 700} ms idle (busy TTL ${SHORT_TTL_S} s), n=${sh.afterIdle.length}, next to the warm TTFB of the same app (requests one after the other, n=${sh.warmTtfb.length}); each request a new visitor on a new connection, as phones arrive.`,
    "",
  );
  lines.push("| Request | Median ms | p95 ms | Max ms |", "|---|---:|---:|---:|");
  lines.push(`| warm | ${ms(median(sh.warmTtfb))} | ${ms(percentile(sh.warmTtfb, 95))} | ${ms(Math.max(...sh.warmTtfb))} |`);
  lines.push(
    `| first after the TTL expired | ${ms(median(sh.afterIdle))} | ${ms(percentile(sh.afterIdle, 95))} | ${ms(Math.max(...sh.afterIdle))} |`,
  );
  lines.push(
    `| control: after the same idle, busy times fresh (TTL 3600 s) | ${ms(median(r.warm.afterIdle))} | ${ms(percentile(r.warm.afterIdle, 95))} | ${ms(Math.max(...r.warm.afterIdle))} |`,
  );
  lines.push("");
  const idleControl = median(sh.afterIdle) / median(r.warm.afterIdle);
  lines.push(
    `First visit / warm median after the same idle (the control: the only difference is the expired busy copy): ${idleControl.toFixed(2)}× (target ≤ 2×: ${verdict(idleControl <= 2)}). Against warm requests sent back to back: ${idleRatio.toFixed(2)}× (${verdict(idleRatio <= 2)}): any request after a quiet spell pays for waking idle processes, expired busy times or not, as the control shows. Served as: ${sh.afterIdleVia.join(", ")} (STALE = the cached page, re-rendered behind the visitor; no visitor waited for the calendar).`,
    "",
  );

  lines.push("### Cold path: time to first byte", "");
  lines.push(
    `\`/c/${BENCH_PROVIDER.slug}\`: provider with two Radicale calendars (${r.events} events incl. recurring series with exceptions), 30-day horizon, requests one after the other on a keep-alive connection, n=${r.cold.samples.length}.`,
    "",
  );
  lines.push("| Busy cache | Median ms | p95 ms | Min ms | Max ms |", "|---|---:|---:|---:|---:|");
  const row = (label: string, s: number[]) =>
    `| ${label} | ${ms(median(s))} | ${ms(percentile(s, 95))} | ${ms(Math.min(...s))} | ${ms(Math.max(...s))} |`;
  lines.push(
    row("off (`BUSY_CACHE_TTL_SECONDS=0`): both calendars fetched from CalDAV per request, page rendered per request", r.cold.samples),
  );
  lines.push(row("on (warm): page from the rendered-page cache", r.warm.samples));
  lines.push("");
  lines.push(
    `First request after a restart (cache empty, process cold): ${ms(r.cold.firstAfterStart)} ms. Cold / warm median: ${(median(r.cold.samples) / median(r.warm.samples)).toFixed(1)}×.`,
    "",
  );

  lines.push("### Memory", "");
  lines.push(
    `${num(MEMORY_REQUESTS)} requests (${CONNECTIONS} connections, gzip) spread over ${num(MEMORY_SLUGS)} published slugs (demo-like pages, no calendar), fresh process each; RSS from /proc. The caches are LRU-bounded by bytes: \`PUBLIC_CACHE_MAX_MB\` (rendered pages 75 %, busy times 25 %; last-good provider records 5 % on top).`,
    "",
  );
  lines.push("| Cache budget | RSS before | RSS after | Requests/s | p99 ms | Caches at the end |", "|---|---:|---:|---:|---:|---|");
  for (const m of r.memory)
    lines.push(
      `| ${m.budgetMb} MiB | ${(m.rssBefore / 2 ** 20).toFixed(0)} MiB | ${(m.rssAfter / 2 ** 20).toFixed(0)} MiB | ${num(m.load.requestsPerSec)} | ${m.load.p99Ms} | ${m.caches} |`,
    );
  lines.push("");

  lines.push("### Availability engine", "");
  lines.push(
    `90 days, ${r.engine.rangesPerDay} ranges every weekday (one past midnight), ${r.engine.overrides} date overrides, a ${r.engine.stepMinutes}-minute step, across a DST change, against ${num(r.engine.busy)} busy intervals: ${num(r.engine.candidates)} candidate slots, ${num(r.engine.slots)} free. Median of repeated runs (\`tests/bench/engine.bench.ts\`); the reference is the slow, literal implementation the property tests compare against (\`tests/support/availability-reference.ts\`). Budget: 5 ms.`,
    "",
  );
  lines.push("| Implementation | Median ms |", "|---|---:|");
  lines.push(`| engine | ${r.engine.engineMs.toFixed(3)} |`);
  lines.push(`| slow reference (luxon per wall time, scan of every busy interval per slot) | ${r.engine.baselineMs.toFixed(3)} |`);
  lines.push(`| speed-up | ${(r.engine.baselineMs / r.engine.engineMs).toFixed(1)}× |`, "");

  lines.push("### Busy-time extraction", "");
  lines.push(
    "`extractBusy` on one calendar object with 700 events (masters, overrides, single events) and on a 5 MB ICS feed with ten years of history, next to ical.js only parsing the same text (`tests/bench/extraction.bench.ts`). Budget for the object: 20 ms median.",
    "",
  );
  lines.push(...formatExtraction(r.extraction), "");

  lines.push("### Page weight", "");
  lines.push(
    'Bytes transferred for the public page with `Accept-Encoding: gzip` (uncompressed in brackets): the document plus every `<link rel="stylesheet">` and `<script>` it references.',
    "",
  );
  lines.push("| Page | HTML | CSS | JavaScript | Total |", "|---|---:|---:|---:|---:|");
  for (const [label, w] of [
    [`/c/${DEMO_SLUG}`, r.weight.demo],
    [`/c/${BENCH_PROVIDER.slug}`, r.weight.radicale],
  ] as const) {
    const js =
      w.js.files.length === 0 && w.js.inline === 0
        ? "0 B (no script tags)"
        : `${kb(w.js.gzip)} (${kb(w.js.raw)}), ${w.js.files.length} files, ${w.js.inline} inline`;
    lines.push(
      `| \`${label}\` | ${kb(w.html.gzip)} (${kb(w.html.raw)}) | ${kb(w.css.gzip)} (${kb(w.css.raw)}), ${w.css.files.length} file | ${js} | ${kb(w.html.gzip + w.css.gzip + w.js.gzip)} |`,
    );
  }
  lines.push("");
  lines.push(
    "The stylesheet is fingerprinted (`/build/_assets/…`, `Cache-Control: immutable, max-age=1y`), so repeat visits transfer only the HTML.",
    "",
  );
  lines.push("## Reproduce", "");
  lines.push("```sh");
  lines.push("npm run bench                         # or: npx tsx tests/bench/run.ts");
  lines.push("BENCH_DURATION=30 BENCH_COLD_N=50 npm run bench");
  lines.push("BENCH_MEMORY_REQUESTS=20000 BENCH_MEMORY_SLUGS=200 npm run bench   # quicker memory step");
  lines.push("```", "");
  lines.push(
    "Needs Radicale (`/usr/bin/radicale` or `python3 -m radicale`). The run starts its own app instances on free ports with throw-away databases and removes them afterwards.",
    "",
  );
  return lines.join("\n");
}

main().catch((err: unknown) => {
  console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
