/**
 * Slotline benchmarks, one command: `npx tsx tests/bench/run.ts` (npm run bench).
 *
 *  1. Public page under concurrent load (autocannon, loopback, gzip), next to a static file of
 *     exactly the same bytes served by the same Express server: requests/s, p99, ratio.
 *     Twice: the demo provider (no calendar) and a provider with two Radicale calendars (warm cache).
 *  2. Cold path: TTFB of /c/<slug> with the busy cache off (every request reads both calendars
 *     from Radicale) next to the warm TTFB with the cache on.
 *  3. The availability engine vs its slow reference implementation (tests/bench/engine.bench.ts).
 *  4. Page weight: compressed bytes of HTML, CSS and JavaScript the public page transfers.
 *
 * Writes the figures to docs/benchmarks.md. Environment: BENCH_DURATION (s per load target,
 * default 10), BENCH_CONNECTIONS (default 50), BENCH_COLD_N (default 20).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, slotTimes, startAppServer, type AppServer } from "../support/app-server";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { runEngineBench, type EngineBenchResult } from "./engine.bench";
import { formatExtraction, runExtractionBench, type ExtractionBenchResult } from "./extraction.bench";
import { loadTest, median, pageWeight, percentile, rawGet, ttfbSamples, type LoadResult, type PageWeight } from "./measure";
import { BENCH_PROVIDER, createProviderThroughForms, seedCalendars } from "./provider";

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const COLD_N = Number(process.env.BENCH_COLD_N ?? 20);
const DOC = path.join(ROOT, "docs", "benchmarks.md");
const DEMO_SLUG = "demo-trainer";

/* ----------------------------------------------------------------------------------------- */

const STEPS = 11;
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

type Report = {
  date: string;
  machine: string;
  node: string;
  load: string;
  events: number;
  pairs: PairResult[];
  cold: { samples: number[]; firstAfterStart: number };
  warm: { samples: number[] };
  engine: EngineBenchResult;
  extraction: ExtractionBenchResult;
  weight: { demo: PageWeight; radicale: PageWeight };
};

async function main() {
  const cpus = os.cpus();
  const started = new Date();
  const loadAvg = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
  console.log(`[bench] ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, node ${process.version}, load ${loadAvg}`);
  console.log(`[bench] load runs: ${DURATION} s per target, ${CONNECTIONS} connections; cold/warm TTFB: n=${COLD_N}`);

  let radicale: RadicaleServer | undefined;
  let warmApp: AppServer | undefined;
  let coldApp: AppServer | undefined;
  let dataDir: string | undefined;
  try {
    const seeded = await step("Radicale with two calendars", async () => {
      radicale = await startRadicale();
      return seedCalendars(radicale);
    });

    warmApp = await step("app (busy cache on) + provider set up through the HTML forms", async () => {
      // TTL long enough that every warm measurement is served from the busy cache.
      const app = await startAppServer({ env: { BUSY_CACHE_TTL_SECONDS: "3600", CALDAV_TIMEOUT_MS: "15000" } });
      dataDir = app.dataDir;
      await createProviderThroughForms(app.url, radicale!, seeded.calendars);
      const first = await rawGet(`${app.url}/c/${BENCH_PROVIDER.slug}`, { "Accept-Encoding": "identity" });
      const html = first.body.toString("utf8");
      if (first.status !== 200 || html.includes("Availability cannot be shown"))
        throw new Error(`the Radicale provider's page is not ok (HTTP ${first.status})`);
      const times = slotTimes(html);
      // The daily 12:30-13:30 lunch in "Personal" must be busy: proof the calendars are read.
      if (times.length === 0 || times.includes("12:30") || times.includes("13:00"))
        throw new Error(`busy times from Radicale not applied (slots: ${times.slice(0, 40).join(" ")})`);
      return app;
    });

    const warm = await step(`warm TTFB /c/${BENCH_PROVIDER.slug} (n=${COLD_N})`, async () => ({
      samples: await ttfbSamples(`${warmApp!.url}/c/${BENCH_PROVIDER.slug}`, COLD_N),
    }));

    const pairs: PairResult[] = [];
    pairs.push(await step(`load: /c/${DEMO_SLUG} vs static copy`, () => pageVsStatic(warmApp!, DEMO_SLUG, "demo (no calendar)")));
    pairs.push(
      await step(`load: /c/${BENCH_PROVIDER.slug} vs static copy`, () =>
        pageVsStatic(warmApp!, BENCH_PROVIDER.slug, "2 Radicale calendars, warm cache"),
      ),
    );

    await step("restart the app with BUSY_CACHE_TTL_SECONDS=0 (same database)", async () => {
      await warmApp!.stop({ keepDataDir: true });
      warmApp = undefined;
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
        if (!String(r.headers["cache-control"]).includes("s-maxage=60"))
          throw new Error(`cold page not in state ok: ${r.headers["cache-control"]}`);
      });
      return { samples, firstAfterStart };
    });

    const weight = await step("page weight (gzip)", async () => ({
      demo: await pageWeight(`${coldApp!.url}/c/${DEMO_SLUG}`),
      radicale: await pageWeight(`${coldApp!.url}/c/${BENCH_PROVIDER.slug}`),
    }));

    await step("stop app and Radicale", async () => {
      await coldApp!.stop();
      coldApp = undefined;
      await radicale!.stop();
      radicale = undefined;
    });

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
    await coldApp?.stop().catch(() => {});
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
  lines.push("the ratios (page vs static file, cold vs warm, engine vs reference) are the meaningful part.", "");
  lines.push("## Results", "");
  lines.push("| Run | |", "|---|---|");
  lines.push(`| Date | ${r.date} |`);
  lines.push(`| Machine | ${r.machine} |`);
  lines.push(`| Node | ${r.node} |`);
  lines.push(`| Load average at start (1/5/15 min) | ${r.load} |`, "");

  lines.push(`### Public page under load`, "");
  lines.push(
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per target, \`Accept-Encoding: gzip\`, same Express server (compression on for both).`,
  );
  lines.push("The static file holds exactly the page's HTML bytes, so both responses compress to the same size.", "");
  lines.push("| Target | HTML bytes | Requests/s | p50 ms | p99 ms | Static / page (req/s) |");
  lines.push("|---|---:|---:|---:|---:|---:|");
  for (const p of r.pairs) {
    lines.push(`| \`/c/…\` page: ${p.label} | ${num(p.bytes)} | ${num(p.page.requestsPerSec)} | ${p.page.p50Ms} | ${p.page.p99Ms} | |`);
    lines.push(
      `| static file, same bytes | ${num(p.bytes)} | ${num(p.file.requestsPerSec)} | ${p.file.p50Ms} | ${p.file.p99Ms} | ${(p.file.requestsPerSec / p.page.requestsPerSec).toFixed(2)}× |`,
    );
  }
  lines.push("");

  lines.push("### Cold path: time to first byte", "");
  lines.push(
    `\`/c/${BENCH_PROVIDER.slug}\`: provider with two Radicale calendars (${r.events} events incl. recurring series with exceptions), 30-day horizon, requests one after the other on a keep-alive connection, n=${r.cold.samples.length}.`,
    "",
  );
  lines.push("| Busy cache | Median ms | p95 ms | Min ms | Max ms |", "|---|---:|---:|---:|---:|");
  const row = (label: string, s: number[]) =>
    `| ${label} | ${ms(median(s))} | ${ms(percentile(s, 95))} | ${ms(Math.min(...s))} | ${ms(Math.max(...s))} |`;
  lines.push(row("off (`BUSY_CACHE_TTL_SECONDS=0`): both calendars fetched from CalDAV per request", r.cold.samples));
  lines.push(row("on (warm): busy times from the per-provider cache", r.warm.samples));
  lines.push("");
  lines.push(
    `First request after a restart (cache empty, process cold): ${ms(r.cold.firstAfterStart)} ms. Cold / warm median: ${(median(r.cold.samples) / median(r.warm.samples)).toFixed(1)}×.`,
    "",
  );

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
