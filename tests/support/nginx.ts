/**
 * A throw-away nginx (the Debian package, /usr/sbin/nginx) in front of the app, configured the way
 * docs recommend for an edge cache: /c/ pages cached according to the app's own Cache-Control
 * (nginx reads X-Accel-Expires, else Cache-Control s-maxage, else max-age, plus
 * stale-while-revalidate), stale copies served while one background request refreshes them.
 *
 * Runs in the foreground (`daemon off`) with every path (pid, logs, temp, cache) in its own temp
 * prefix, on a free loopback port. Also: a counting HTTP pass-through, so a test can tell how many
 * requests really reached the app.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { freePort } from "./postgres-server";

export const NGINX_BIN = process.env.NGINX_BIN ?? "/usr/sbin/nginx";

export type AccessLogEntry = { method: string; uri: string; status: number; cache: string; upstream: string; bytes: number };

export type Nginx = {
  url: string;
  port: number;
  prefix: string;
  /** Parsed access log so far (one entry per client request; background updates are not logged). */
  accessLog(): AccessLogEntry[];
  errorLog(): string;
  stop(): Promise<void>;
};

export type NginxOptions = {
  upstreamPort: number;
  /** More app processes behind the same nginx (round-robin), e.g. two replicas. */
  extraUpstreamPorts?: number[];
  /** false: /c/ is proxied without proxy_cache (to see the replicas' own caches). Default true. */
  cachePages?: boolean;
  upstreamHost?: string;
  startTimeoutMs?: number;
};

const running = new Set<ChildProcess>();
let hooked = false;

const CACHE_DIRECTIVES = `
      proxy_cache pages;
      proxy_cache_key $scheme$host$request_uri;
      # No proxy_cache_valid: lifetimes come only from the app's headers.
      proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 10s;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;`;

export function nginxConfig(prefix: string, port: number, upstream: string | string[], cachePages = true): string {
  const servers = (Array.isArray(upstream) ? upstream : [upstream]).map((u) => `    server ${u};`).join("\n");
  const isRoot = process.getuid?.() === 0;
  return `
${isRoot ? "user root root;  # the temp prefix is private to root; workers must be able to read it" : ""}
worker_processes 1;
error_log ${prefix}/error.log warn;
pid ${prefix}/nginx.pid;

events { worker_connections 1024; }

http {
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path       ${prefix}/tmp/proxy;
  fastcgi_temp_path     ${prefix}/tmp/fastcgi;
  uwsgi_temp_path       ${prefix}/tmp/uwsgi;
  scgi_temp_path        ${prefix}/tmp/scgi;

  log_format edge '$request_method $request_uri $status $upstream_cache_status "$upstream_addr" $body_bytes_sent';
  access_log ${prefix}/access.log edge;

  # Cache keyed on scheme + host + URI; nginx also keys on the upstream's Vary (Accept-Encoding).
  proxy_cache_path ${prefix}/cache levels=1:2 keys_zone=pages:10m max_size=100m inactive=10m use_temp_path=off;

  upstream app {
${servers}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${port};
    server_name localhost;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;

    # Everything else (sign-in, settings): never cached; the app answers "private, no-store".
    location / {
      proxy_pass http://app;
    }

    # Public booking pages: cached for as long as the app's Cache-Control says (s-maxage first).
    location /c/ {
      proxy_pass http://app;
      add_header X-Upstream $upstream_addr always;
${cachePages ? CACHE_DIRECTIVES : ""}
    }
  }
}
`;
}

export async function startNginx(opts: NginxOptions): Promise<Nginx> {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const c of running) c.kill("SIGKILL");
    });
  }
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "nginx-edge-"));
  fs.mkdirSync(path.join(prefix, "tmp"));
  fs.mkdirSync(path.join(prefix, "cache"));
  const port = await freePort();
  const upstream = [opts.upstreamPort, ...(opts.extraUpstreamPorts ?? [])].map((p) => `${opts.upstreamHost ?? "127.0.0.1"}:${p}`);
  const confPath = path.join(prefix, "nginx.conf");
  fs.writeFileSync(confPath, nginxConfig(prefix, port, upstream, opts.cachePages ?? true));

  // `-e` (error log before the config is read) exists since 1.19.5; Debian's default is stderr anyway.
  const child = spawn(NGINX_BIN, ["-p", prefix, "-e", path.join(prefix, "error.log"), "-c", confPath, "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  child.stderr!.on("data", (d) => (out += String(d)));
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  const errorLog = () => {
    try {
      return fs.readFileSync(path.join(prefix, "error.log"), "utf8");
    } catch {
      return "";
    }
  };
  const stop = async () => {
    if (!exited) {
      child.kill("SIGQUIT"); // graceful: workers finish, then the master exits
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exitPromise;
      clearTimeout(killer);
    }
    fs.rmSync(prefix, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  for (;;) {
    if (exited) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx exited during start-up:\n${out}\n${log}`);
    }
    // Any HTTP answer means nginx is listening (the request is logged; callers read the log by URI).
    const up = await new Promise<boolean>((resolve) => {
      const req = http.get(`${url}/__nginx_ready`, { timeout: 1000 }, (res) => {
        res.resume();
        res.on("end", () => resolve(true));
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
    if (up) break;
    if (Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not start within ${opts.startTimeoutMs ?? 15_000} ms:\n${out}\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    port,
    prefix,
    accessLog() {
      let text = "";
      try {
        text = fs.readFileSync(path.join(prefix, "access.log"), "utf8");
      } catch {
        return [];
      }
      return text
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const m = /^(\S+) (\S+) (\d+) (\S+) "([^"]*)" (\d+)$/.exec(line);
          if (!m) throw new Error(`unparsable access log line: ${line}`);
          return { method: m[1], uri: m[2], status: Number(m[3]), cache: m[4], upstream: m[5], bytes: Number(m[6]) };
        })
        .filter((e) => e.uri !== "/__nginx_ready");
    },
    errorLog,
    stop,
  };
}

export type CountingProxy = {
  port: number;
  /** Requests forwarded so far, in order. */
  requests: { method: string; url: string }[];
  count(predicate?: (r: { method: string; url: string }) => boolean): number;
  stop(): Promise<void>;
};

/**
 * A transparent HTTP pass-through to 127.0.0.1:targetPort that records every request. Put it
 * between nginx and the app to see exactly which requests reached the app.
 */
export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const requests: { method: string; url: string }[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/" });
    const upstream = http.request(
      { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain" });
      res.end(`counting proxy: ${err.message}`);
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
  return {
    port,
    requests,
    count: (predicate) => (predicate ? requests.filter(predicate).length : requests.length),
    stop: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
