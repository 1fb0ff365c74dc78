import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";

// The custom server (server.mjs) reaches these through build.entry.module.
export { boot, migrateCommand } from "~/server/boot.server";
export { originCheck } from "~/server/origin.server";
export { bodyGuard, requestContext, securityHeaders } from "~/server/hardening.server";
export { createResetLinkCommand } from "~/modules/auth/reset-command.server";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Set by server.mjs for pages that may hydrate; absent on the public page (it has no script).
  const nonce = typeof loadContext?.cspNonce === "string" ? loadContext.cspNonce : undefined;
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
  const waitForAll = staticPage || isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
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

export function handleError(error: unknown, { request }: { request: Request }) {
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
