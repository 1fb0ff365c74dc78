// Production server: Express + the Remix build. Boots (env, migrations, demo data) before listening.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { createRequestHandler as createFetchHandler } from "@remix-run/node";

// React and Remix run their production builds unless told otherwise (as remix-serve does). The
// app's own production rules (required secrets, Secure cookies, no demo data) follow the NODE_ENV
// the operator set, kept in APP_ENV: `npm start` on a laptop stays a local run.
process.env.APP_ENV ??= process.env.NODE_ENV ?? "development";
process.env.NODE_ENV ??= "production";

const root = path.dirname(fileURLToPath(import.meta.url));
const build = await import(pathToFileURL(path.join(root, "build", "index.js")).href);
const { boot, originCheck } = build.entry.module;

try {
  await boot();
} catch (err) {
  console.error(`\n[boot] refusing to start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}

const trustProxy = process.env.TRUST_PROXY === "true";
const app = express();
app.disable("x-powered-by");
app.set("trust proxy", trustProxy);

// ── Hardening (issue 12): security headers on every response, assets and refusals included ──
const { securityHeaders, bodyGuard, requestContext } = build.entry.module;
app.use(securityHeaders());
// ── end hardening ──
// A strong ETag names one representation: when compression (registered next, so it runs first)
// gzips the body, the tag gets the encoding appended. entry.server matches either form.
app.use((_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    const encoding = res.getHeader("Content-Encoding");
    const etag = res.getHeader("ETag");
    // Pages from the rendered-page cache already carry the tag of their encoding.
    if (encoding && typeof etag === "string" && etag.endsWith('"') && !etag.startsWith("W/") && !etag.endsWith(`-${encoding}"`)) {
      res.setHeader("ETag", `${etag.slice(0, -1)}-${encoding}"`);
    }
    return writeHead.apply(this, args);
  };
  next();
});
publicPageFastPath(app);
app.use(compression());

// Fingerprinted assets never change; everything else in public/ is cached briefly.
app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));

app.use((req, res, next) => {
  // Only a trusted proxy may tell us the public host; otherwise Remix would believe any client.
  if (!trustProxy) delete req.headers["x-forwarded-host"];
  const refusal = originCheck(req.method, req.headers);
  if (refusal) {
    res.status(403).type("text/plain").send(refusal);
    return;
  }
  next();
});

// ── Hardening (issue 12): non-form bodies → 415, bodies over the limit → 413, before anything
// reads them. Must stay the last middleware before Remix (it replays chunked bodies to it). ──
app.use(bodyGuard());
// ── end hardening ──

// getLoadContext: the CSP nonce and the client address (req.ip honours TRUST_PROXY).
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV, getLoadContext: requestContext }));

/* ---------------------------------------------------------------------------------------------
 * Public-page fast path (rendered-page cache, app/modules/booking-page/rendered-cache.server.ts).
 * Registered before compression: a stored page is already encoded (gzip and brotli computed once)
 * and answered without Remix, React or zlib. A miss falls through to Remix, whose entry.server
 * stores the page. Pages past their freshness are re-rendered in the background through Remix
 * itself (no client waiting), one at a time per page. Header middleware meant for every response
 * must be registered before this.
 * ------------------------------------------------------------------------------------------- */
function publicPageFastPath(app) {
  const { serveRenderedPage, setPageRevalidator, cacheKey, pendingRender, beginRender } = build.entry.module;
  const render = createFetchHandler(build, process.env.NODE_ENV);
  setPageRevalidator(async (url) => {
    const res = await render(new Request(url, { headers: { "Accept-Encoding": "identity" } }), {});
    await res.arrayBuffer();
  });
  app.use("/c", async (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    // The origin as Remix will see it (X-Forwarded-Host only from a trusted proxy).
    const origin = `${req.protocol}://${(trustProxy && req.get("x-forwarded-host")) || req.get("host") || "localhost"}`;
    let key;
    try {
      key = cacheKey(new URL(req.originalUrl, origin));
    } catch {
      key = null;
    }
    if (!key) return next();
    const lookup = () =>
      serveRenderedPage({
        method: req.method,
        key,
        acceptEncoding: req.get("accept-encoding") ?? null,
        ifNoneMatch: req.get("if-none-match") ?? null,
      });
    let answer = lookup();
    if (!answer) {
      // A burst on a page not rendered yet: one request renders, the others wait for it.
      const pending = pendingRender(key);
      if (pending) {
        await Promise.race([pending, new Promise((r) => setTimeout(r, 5000).unref())]);
        answer = lookup();
      } else {
        const done = beginRender(key);
        res.once("close", done);
        return next();
      }
    }
    if (!answer) return next();
    res.statusCode = answer.status;
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.end(answer.body ?? undefined);
  });
}

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const server = app.listen(port, host, () => {
  console.log(`[server] listening on http://localhost:${port}`);
});

function shutdown(signal) {
  console.log(`[server] ${signal}: closing`);
  const pages = build.entry.module.renderedPageStats();
  const busy = build.entry.module.busyCacheStats();
  // For operators (and the memory benchmark): what the bounded caches held at the end.
  console.log(
    `[server] caches: ${pages.pages} rendered pages, ${pages.bytes} of ${pages.limit} bytes; busy times of ${busy.providers} providers, ${busy.bytes} of ${busy.limit} bytes`,
  );
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
