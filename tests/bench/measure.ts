/** Measurement helpers for the benchmarks: TTFB samples, percentiles, load runs, page weight. */
import fs from "node:fs";
import http from "node:http";
import autocannon, { type Result } from "autocannon";

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p95 of 20 samples is the 19th smallest.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer; ttfbMs: number; totalMs: number };

/**
 * One GET with Node's http client: no automatic decompression, so `body` is exactly what went over
 * the wire. `ttfbMs` is the time until the status line and headers arrived.
 */
export function rawGet(url: string, headers: Record<string, string> = {}, agent?: http.Agent, timeoutMs = 60_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { headers, agent, timeout: timeoutMs }, (res) => {
      const ttfbMs = performance.now() - t0;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ttfbMs,
          totalMs: performance.now() - t0,
        }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** N sequential requests over one keep-alive connection; every answer must be a 200. */
export async function ttfbSamples(url: string, n: number, check?: (r: RawResponse) => void): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await rawGet(url, { "Accept-Encoding": "gzip" }, agent);
      if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}`);
      check?.(r);
      samples.push(r.ttfbMs);
    }
    return samples;
  } finally {
    agent.destroy();
  }
}

export type LoadResult = { url: string; requestsPerSec: number; p50Ms: number; p99Ms: number; total: number; bytesPerSec: number };

export async function loadTest(url: string, opts: { durationS: number; connections: number }): Promise<LoadResult> {
  const result: Result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.durationS,
    timeout: 30,
    headers: { "accept-encoding": "gzip" },
  });
  if (result.requests.total === 0) throw new Error(`load test of ${url}: no request completed within ${opts.durationS} s`);
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) {
    throw new Error(
      `load test of ${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  return {
    url,
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    bytesPerSec: result.throughput.average,
  };
}

export type PageWeight = {
  html: { raw: number; gzip: number };
  css: { files: string[]; raw: number; gzip: number };
  js: { files: string[]; inline: number; raw: number; gzip: number };
};

/** Bytes the page transfers with Accept-Encoding: gzip: the document, its stylesheets and scripts. */
export async function pageWeight(pageUrl: string): Promise<PageWeight> {
  const gz = await rawGet(pageUrl, { "Accept-Encoding": "gzip" });
  const id = await rawGet(pageUrl, { "Accept-Encoding": "identity" });
  if (gz.status !== 200 || id.status !== 200) throw new Error(`GET ${pageUrl}: HTTP ${gz.status}/${id.status}`);
  if (gz.headers["content-encoding"] !== "gzip") throw new Error(`GET ${pageUrl}: not gzip-compressed`);
  const html = id.body.toString("utf8");
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const stylesheets = [...html.matchAll(/<link\b[^>]*>/g)]
    .map((m) => m[0])
    .filter((t) => /\brel="stylesheet"/.test(t))
    .map((t) => attr(t, "href")!)
    .filter(Boolean);
  const scriptTags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  const scripts = scriptTags.map((t) => attr(t, "src")).filter((s): s is string => !!s);
  const inline = scriptTags.length - scripts.length;
  const sizes = async (hrefs: string[]) => {
    let raw = 0;
    let gzip = 0;
    for (const href of hrefs) {
      const url = new URL(href, pageUrl).href;
      const [g, r] = await Promise.all([rawGet(url, { "Accept-Encoding": "gzip" }), rawGet(url, { "Accept-Encoding": "identity" })]);
      if (g.status !== 200 || r.status !== 200) throw new Error(`GET ${url}: HTTP ${g.status}/${r.status}`);
      gzip += g.body.length;
      raw += r.body.length;
    }
    return { raw, gzip };
  };
  return {
    html: { raw: id.body.length, gzip: gz.body.length },
    css: { files: stylesheets, ...(await sizes(stylesheets)) },
    js: { files: scripts, inline, ...(await sizes(scripts)) },
  };
}

/**
 * At least `amount` requests spread over many paths (each connection walks the list in turn), in
 * runs of a few seconds (autocannon's own `amount` can stall when requests time out), for the
 * memory benchmark: every answer must be a 200.
 */
export async function loadPaths(baseUrl: string, paths: string[], opts: { amount: number; connections: number }): Promise<LoadResult> {
  let total = 0;
  let seconds = 0;
  let bytes = 0;
  const p50: number[] = [];
  const p99: number[] = [];
  while (total < opts.amount) {
    const result: Result = await autocannon({
      url: baseUrl,
      connections: opts.connections,
      duration: 5,
      timeout: 30,
      headers: { "accept-encoding": "gzip" },
      // Start each run where the last one ended, so every path is visited about equally often.
      requests: [...paths.slice(total % paths.length), ...paths.slice(0, total % paths.length)].map((path) => ({ method: "GET", path })),
    });
    const failures = result.errors + result.timeouts + result.non2xx;
    if (failures > 0)
      throw new Error(`load over ${paths.length} paths: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    total += result.requests.total;
    seconds += result.duration;
    bytes += result.throughput.total;
    p50.push(result.latency.p50);
    p99.push(result.latency.p99);
  }
  return {
    url: `${baseUrl} (${paths.length} paths)`,
    requestsPerSec: total / seconds,
    p50Ms: median(p50),
    p99Ms: Math.max(...p99),
    total,
    bytesPerSec: bytes / seconds,
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS for pid ${pid}`);
  return kb * 1024;
}
