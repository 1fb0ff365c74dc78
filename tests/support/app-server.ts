/**
 * Starts the built app (`node server.mjs`, as `npm start` does) as a child process on a free
 * loopback port with a fresh embedded database (demo provider seeded), waits for /healthz, and stops it again.
 *
 * Used by the edge-cache test and the benchmarks. Every child is also killed when this process
 * exits, so a failing test or an interrupted benchmark leaves nothing running.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./postgres-server";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type AppServer = {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** stdout + stderr so far (last 64 KiB). */
  output(): string;
  /** Stops the server; removes the data dir unless it was passed in or keepDataDir is set. */
  stop(opts?: { keepDataDir?: boolean }): Promise<void>;
};

export type AppServerOptions = {
  /** Extra environment (e.g. PUBLIC_PAGE_S_MAXAGE). Values override the defaults below. */
  env?: Record<string, string | undefined>;
  /** Reuse a data dir (e.g. to restart on the same database); default: a fresh temp dir. */
  dataDir?: string;
  /** Default 60 s (the first start may have to build the app first). */
  startTimeoutMs?: number;
  /** Print the server's output to this process's stderr as it arrives. */
  echo?: boolean;
  /** Extra node flags before server.mjs, e.g. ["--cpu-prof"]. */
  nodeArgs?: string[];
};

export const TEST_SESSION_SECRET = "edge-bench-session-secret-0123456789abcdef0123";
export const TEST_ENCRYPTION_KEY = "k:" + Buffer.alloc(32, 9).toString("base64");

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort: on normal exit and on Ctrl-C, never leave a server behind.
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
  // Under vitest the runner owns signals; standalone scripts (the benchmarks) need this.
  if (process.env.VITEST) return;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of running) child.kill("SIGKILL");
      process.exit(130);
    });
  }
}

let buildChecked: Promise<void> | undefined;
/** `scripts/ensure-build.mjs` once per process: rebuilds only when app/ is newer than build/. */
export function ensureBuild(): Promise<void> {
  buildChecked ??= new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "scripts", "ensure-build.mjs")],
      // Under vitest NODE_ENV is "test", which would build React's development JSX runtime into a
      // bundle the server then runs in production mode ("jsxDEV is not a function").
      { cwd: ROOT, timeout: 300_000, maxBuffer: 16 << 20, env: { ...process.env, NODE_ENV: "production" } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`ensure-build failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve();
      },
    );
  });
  return buildChecked;
}

export async function startAppServer(opts: AppServerOptions = {}): Promise<AppServer> {
  installExitHook();
  await ensureBuild();
  const ownDataDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "slotline-app-"));
  const port = await freePort();
  const inherited = { ...process.env };
  // Always the embedded database; never a developer's Postgres/Supabase, never vitest's NODE_ENV.
  for (const key of ["DATABASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY", "NODE_ENV", "PORT", "HOST", "DATA_DIR", "APP_ROOT"])
    delete inherited[key];
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "production",
    // The suites' Radicale listens on loopback, which production otherwise refuses.
    CALDAV_ALLOW_PRIVATE_NETWORKS: "true",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SESSION_SECRET: TEST_SESSION_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    // Production mode skips the demo provider unless asked; tests and benchmarks rely on it.
    DEMO_SEED: "true",
  };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), "server.mjs"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let out = "";
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString("utf8")).slice(-65_536);
    if (opts.echo) process.stderr.write(chunk);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve();
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  const stop = async (stopOpts: { keepDataDir?: boolean } = {}) => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 6000);
      await exitPromise;
      clearTimeout(killer);
    }
    if (ownDataDir && !stopOpts.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`app exited during start-up (${JSON.stringify(exited)}):\n${out}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app did not answer /healthz within ${opts.startTimeoutMs ?? 60_000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return { url, port, dataDir, pid: child.pid!, output: () => out, stop };
}

/* ----------------------------------------------------------------------------------------- */
/* A tiny cookie-jar HTTP client for driving the app's HTML forms (no browser, no JavaScript). */
/* ----------------------------------------------------------------------------------------- */

export type FormClient = {
  cookie(): string;
  get(pathname: string, headers?: Record<string, string>): Promise<Response>;
  /** POSTs an urlencoded form; fields with array values are sent repeatedly (checkboxes). */
  post(pathname: string, fields: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
};

export function formClient(baseUrl: string, opts: { origin?: string | null } = {}): FormClient {
  const jar = new Map<string, string>();
  const store = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const withCookie = (headers: Record<string, string> = {}) => (jar.size ? { Cookie: cookie(), ...headers } : headers);
  return {
    cookie,
    async get(pathname, headers) {
      const res = await fetch(baseUrl + pathname, {
        headers: withCookie(headers),
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
      store(res);
      return res;
    },
    async post(pathname, fields, headers) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
      const origin = opts.origin === undefined ? new URL(baseUrl).origin : opts.origin;
      const res = await fetch(baseUrl + pathname, {
        method: "POST",
        body,
        headers: withCookie({ "Content-Type": "application/x-www-form-urlencoded", ...(origin ? { Origin: origin } : {}), ...headers }),
        redirect: "manual",
        signal: AbortSignal.timeout(60_000),
      });
      store(res);
      return res;
    },
  };
}

/** Value of the hidden `version` input of the (first) form on a settings page. */
export function hiddenVersion(html: string): string {
  const m = /<input[^>]*name="version"[^>]*value="([^"]*)"/.exec(html) ?? /<input[^>]*value="([^"]*)"[^>]*name="version"/.exec(html);
  if (!m) throw new Error("no hidden version field in the page");
  return decodeHtml(m[1]);
}

export function decodeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Expects a Post/Redirect/Get answer (302/303 with Location), else throws with the body. */
export async function expectRedirect(res: Response, what: string): Promise<string> {
  const body = await res.text();
  const location = res.headers.get("location");
  if (res.status < 300 || res.status >= 400 || !location)
    throw new Error(`${what}: expected a redirect, got HTTP ${res.status}: ${body.slice(0, 800)}`);
  return location;
}

/** Signs in through the login form; returns the client holding the session cookie. */
export async function signIn(baseUrl: string, email: string, password: string, opts: { origin?: string | null } = {}): Promise<FormClient> {
  const client = formClient(baseUrl, opts);
  await expectRedirect(await client.post("/login", { email, password, redirectTo: "/settings" }), `sign in as ${email}`);
  if (!client.cookie().includes("__session=")) throw new Error(`sign in as ${email}: no session cookie`);
  return client;
}

/** Slot times ("HH:MM") on a rendered public page, in order. */
export function slotTimes(html: string): string[] {
  return [...html.matchAll(/<li>(?:<a [^>]*>|<span>)(\d\d:\d\d)(?:<\/a>|<\/span>)<\/li>/g)].map((m) => m[1]);
}

/** The week grid's form fields (issue 9) for the same range on each of these ISO weekdays. */
export function weekFields(days: (string | number)[], start: string, end: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const day of days) {
    fields[`weekly.${day}[0].start`] = start;
    fields[`weekly.${day}[0].end`] = end;
  }
  return fields;
}
