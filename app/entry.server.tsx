import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";

import {
  answerFromPage,
  cacheKey,
  storeRenderedPage,
  takePageNote,
  type PageCacheNote,
} from "~/modules/booking-page/rendered-cache.server";
import { isDatabaseUnavailable } from "~/server/db.server";
import { DATABASE_RETRY_AFTER_SECONDS } from "~/server/http";

// The custom server (server.mjs) reaches these through build.entry.module.
export { boot, migrateCommand } from "~/server/boot.server";
export { originCheck } from "~/server/origin.server";
export { bodyGuard, requestContext, securityHeaders } from "~/server/hardening.server";
export { createResetLinkCommand } from "~/modules/auth/reset-command.server";
export {
  cacheKey,
  serveRenderedPage,
  setPageRevalidator,
  renderedPageStats,
  pendingRender,
  beginRender,
} from "~/modules/booking-page/rendered-cache.server";
export { busyCacheStats } from "~/modules/calendar/busy-cache.server";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Set by server.mjs for pages that may hydrate; absent on the public page (it has no script).
  const nonce = typeof loadContext?.cspNonce === "string" ? loadContext.cspNonce : undefined;
  const note = takePageNote(loadContext);
  // A database that cannot be reached is a 503 (try again soon), never a 500.
  if (responseStatusCode === 500 && databaseDown.has(request)) {
    responseStatusCode = 503;
    responseHeaders.set("Cache-Control", "no-store");
  }
  // A 503 thrown below a route without its own headers() (settings) still says when to retry.
  if (responseStatusCode === 503 && !responseHeaders.has("Retry-After"))
    responseHeaders.set("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
  // A route that sets a strong ETag (the public page) gets 304s without rendering anything.
  // The page's tag covers its data; the build version covers the markup and asset URLs around it,
  // so a deploy never answers 304 with HTML pointing at assets that are gone.
  const dataTag = responseHeaders.get("ETag");
  const etag = dataTag ? `${dataTag.slice(0, -1)}.${remixContext.manifest.version}"` : null;
  if (etag) responseHeaders.set("ETag", etag);
  const matched =
    etag && responseStatusCode === 200 && (request.method === "GET" || request.method === "HEAD")
      ? etagMatch(request.headers.get("If-None-Match"), etag)
      : null;
  if (matched) {
    // Answer with the tag of the representation the client holds (gzip or not).
    if (matched !== "*") responseHeaders.set("ETag", matched);
    return new Response(null, { status: 304, headers: responseHeaders });
  }
  // Bots, and pages that ship no JavaScript (nothing could use a streamed shell), get the whole
  // document at once: fewer, larger writes through compression.
  const staticPage = remixContext.staticHandlerContext.matches.some(
    (m) => (remixContext.routeModules[m.route.id]?.handle as { hydrate?: boolean } | undefined)?.hydrate === false,
  );
  const key = note ? cacheKey(new URL(request.url)) : null;
  if (staticPage && note && key && etag && responseStatusCode === 200 && (request.method === "GET" || request.method === "HEAD")) {
    return renderedPageResponse(key, request, responseStatusCode, responseHeaders, remixContext, note, etag);
  }
  const waitForAll = staticPage || isbot(request.headers.get("user-agent") ?? "");
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const app = (
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
      </NonceContext.Provider>
    );
    const { pipe, abort } = renderToPipeableStream(app, {
      nonce,
      [waitForAll ? "onAllReady" : "onShellReady"]() {
        shellRendered = true;
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * The public page, rendered once into a Buffer, compressed once (gzip and brotli) and kept in the
 * rendered-page cache; this request gets the stored representation it accepts, so it is
 * byte-identical to what later hits get under the same ETag.
 */
async function renderedPageResponse(
  key: string,
  request: Request,
  status: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  note: PageCacheNote,
  etag: string,
): Promise<Response> {
  const html = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on("data", (c: Buffer) => chunks.push(c));
    sink.on("end", () => resolve(Buffer.concat(chunks)));
    sink.on("error", reject);
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
      onAllReady() {
        pipe(sink);
      },
      onShellError: reject,
      onError(error: unknown) {
        reject(error);
      },
    });
    setTimeout(abort, ABORT_DELAY).unref?.();
  });
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  const page = await storeRenderedPage({ key, note, status, headers: responseHeaders, html, etag });
  const answer = answerFromPage(page, request.method, request.headers.get("Accept-Encoding"), request.headers.get("If-None-Match"));
  // A copy typed as a plain ArrayBuffer view (only on a miss; hits never come here).
  const body = answer.body ? new Uint8Array(answer.body) : null;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/** Requests whose loader failed because the database is unreachable (see handleRequest). */
const databaseDown = new WeakSet<Request>();

export function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (response.status === 500 && databaseDown.has(request)) {
    const headers = new Headers(response.headers);
    headers.set("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
    headers.set("Cache-Control", "no-store");
    return new Response(response.body, { status: 503, headers });
  }
  return response;
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (isDatabaseUnavailable(error)) {
    databaseDown.add(request);
    console.error(`[error] ${request.method} ${new URL(request.url).pathname}: database unavailable: ${(error as Error).message}`);
    return;
  }
  if (request.signal.aborted) return;
  // Log the message and stack only: never request bodies (they can hold passwords).
  console.error(`[error] ${request.method} ${new URL(request.url).pathname}:`, error instanceof Error ? error.stack : error);
}

function etagMatch(header: string | null, etag: string): string | null {
  if (!header) return null;
  for (const raw of header.split(",")) {
    const candidate = raw.trim();
    if (candidate === "*") return candidate;
    // server.mjs appends the content coding ("…-gzip") to the tag of a compressed body.
    if (candidate.replace(/^W\//, "").replace(/-(gzip|br|deflate)"$/, '"') === etag) return candidate.replace(/^W\//, "");
  }
  return null;
}
