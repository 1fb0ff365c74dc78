/**
 * The booking route's latency (`npx tsx tests/bench/book.bench.ts`, npm run bench:book), beside
 * the public page's in the same run: a provider with two Radicale calendars (tests/bench/provider.ts),
 * busy cache warm, sequential requests over one keep-alive connection, total time per request
 * (a 303 has no body; the pages are small).
 *
 *   page       GET /c/<slug>                          (the baseline)
 *   hold       a person's tap on a free slot -> hold + 303 to WhatsApp
 *   taken      a tap on a held slot -> 409 "just taken" with the three nearest times
 *   preview    a link previewer (bot) -> 200, nothing held
 *
 * Each hold announces "provider changed", which drops this process's busy copy; the benchmark
 * re-warms it (one untimed page GET) before each timed tap, so every figure is with a warm cache.
 * Writes docs/benchmarks-book.md. BENCH_BOOK_N (default 100) samples per kind.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { ROOT, startAppServer } from "../support/app-server";
import { startRadicale } from "../support/radicale";
import { median, percentile, rawGet } from "./measure";
import { BENCH_PROVIDER, createProviderThroughForms, seedCalendars } from "./provider";

const N = Number(process.env.BENCH_BOOK_N ?? 100);
const PERSON =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const BOT = "WhatsApp/2.23.20.0 A";

type Stats = { median: number; p95: number; p99: number; n: number };
const stats = (xs: number[]): Stats => ({ median: median(xs), p95: percentile(xs, 95), p99: percentile(xs, 99), n: xs.length });
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  const radicale = await startRadicale();
  const seeded = await seedCalendars(radicale);
  const app = await startAppServer({
    env: { BUSY_CACHE_TTL_SECONDS: "3600", CALDAV_TIMEOUT_MS: "15000", TRUST_PROXY: "true" },
    startTimeoutMs: 240_000,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let ip = 0;
  // A new address per request: the abuse limits (3 holds per address) must not shape the figures.
  const get = (p: string, ua = PERSON) =>
    rawGet(
      app.url + p,
      { "User-Agent": ua, "Accept-Encoding": "identity", "X-Forwarded-For": `10.${(++ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` },
      agent,
    );
  try {
    await createProviderThroughForms(app.url, radicale, seeded.calendars);
    const pagePath = `/c/${BENCH_PROVIDER.slug}`;
    const first = await get(pagePath);
    if (first.status !== 200) throw new Error(`page: HTTP ${first.status}`);
    const html = (await rawGet(app.url + pagePath, { "Accept-Encoding": "identity" })).body.toString("utf8");
    const links = [...html.matchAll(/href="(\/c\/[^"]+\/book\/[^"]+)"/g)].map((m) => m[1]);
    // Holds are busy time with the provider's buffer around them: hold slots an hour apart, so no
    // hold makes the next one "taken".
    const holdable: string[] = [];
    let last = -Infinity;
    for (const link of links) {
      const start = Date.parse(link.slice(link.lastIndexOf("/") + 1).replace("Z", ":00Z"));
      if (start - last >= 3_600_000) {
        holdable.push(link);
        last = start;
      }
    }
    if (holdable.length < N) throw new Error(`only ${holdable.length} slots an hour apart on the page; lower BENCH_BOOK_N`);
    process.stdout.write(`[bench:book] ${links.length} free slots, ${seeded.events} events in 2 calendars, ${N} samples per kind\n`);

    const page: number[] = [];
    const hold: number[] = [];
    const taken: number[] = [];
    const preview: number[] = [];
    const expect = (r: { status: number; body: Buffer }, status: number, what: string) => {
      if (r.status !== status) throw new Error(`${what}: HTTP ${r.status}, expected ${status}: ${r.body.toString("utf8").slice(0, 1500)}`);
    };
    // Warm-up of every path (JIT, first renders), untimed.
    for (let i = 0; i < 10; i++) {
      await get(pagePath);
      await get(links[links.length - 1 - i], BOT);
    }
    for (let i = 0; i < N; i++) {
      await get(pagePath); // re-warm the busy copy dropped by the previous hold (untimed)
      let r = await get(pagePath);
      expect(r, 200, "page");
      page.push(r.totalMs);
      r = await get(holdable[i]);
      expect(r, 303, `hold ${holdable[i]}`);
      hold.push(r.totalMs);
      await get(pagePath); // the hold dropped the busy copy again: re-warm (untimed)
      r = await get(holdable[i]);
      expect(r, 409, `taken ${holdable[i]}`);
      taken.push(r.totalMs);
      r = await get(links[links.length - 1 - (i % 20)], BOT);
      expect(r, 200, "preview");
      preview.push(r.totalMs);
    }
    const rows = [
      ["public page `GET /c/<slug>` (baseline)", stats(page)],
      ["tap on a free slot: hold + 303 to WhatsApp", stats(hold)],
      ["tap on a held slot: 409 with three nearby times", stats(taken)],
      ["link previewer (bot): 200, nothing held", stats(preview)],
    ] as const;
    const table = [
      "| request | median | p95 | p99 | samples |",
      "|---|---|---|---|---|",
      ...rows.map(([label, s]) => `| ${label} | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.p99)} | ${s.n} |`),
    ].join("\n");
    const ratio = stats(hold).median / stats(page).median;
    const doc = [
      "# Booking route benchmark",
      "",
      `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, Node ${process.version},`,
      `client and server on one machine (load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(", ")}).`,
      "Provider with two Radicale calendars (" + seeded.events + " events), busy cache warm, embedded database;",
      "sequential requests over one keep-alive connection, total time per request. `npx tsx tests/bench/book.bench.ts`.",
      "",
      table,
      "",
      `A hold costs ${ratio.toFixed(1)}× the page's median: it reads the provider, the holds and (cached) busy times,`,
      "runs the engine over the horizon, and commits one insert under the exclusion constraint.",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(ROOT, "docs", "benchmarks-book.md"), doc);
    process.stdout.write(`\n${table}\n\nhold / page median: ${ratio.toFixed(1)}×; written to docs/benchmarks-book.md\n`);
  } finally {
    agent.destroy();
    await app.stop();
    await radicale.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
