import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getEnv } from "./env.server";

/**
 * HTTP hardening that belongs in front of Remix, installed by server.mjs (through
 * build.entry.module, like originCheck): security headers on every response, the request body's
 * type and size checked before anything reads it, and the per-request context Remix loaders and
 * actions get (CSP nonce, client address).
 */

type Req = IncomingMessage & { ip?: string; path?: string; originalUrl?: string };
type Res = ServerResponse & { locals?: Record<string, unknown> };
type Next = (err?: unknown) => void;

/* ----------------------------------------------------------------------------------------- */
/* Security headers                                                                          */
/* ----------------------------------------------------------------------------------------- */

/** The public booking page: plain HTML, cached by CDNs, embeddable where the operator allows. */
export function isPublicPagePath(pathname: string): boolean {
  return pathname.startsWith("/c/");
}

/**
 * Content-Security-Policy of a response. Pages that hydrate run Remix's inline scripts, which
 * carry the request's nonce; nothing else inline runs. The public page has no script at all, so
 * its policy says so and holds no nonce: the same bytes for every visitor, as its ETag and the
 * CDN cache need. `style-src-attr 'unsafe-inline'` allows style="" attributes React renders,
 * never a <style> element or a script.
 */
export function contentSecurityPolicy(pathname: string, nonce: string | null, frameAncestors = getEnv().PUBLIC_PAGE_FRAME_ANCESTORS) {
  const common = ["img-src 'self' data:", "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"];
  if (isPublicPagePath(pathname)) {
    return [
      "default-src 'none'",
      "script-src 'none'",
      "style-src 'self'",
      "style-src-attr 'unsafe-inline'",
      ...common,
      `frame-ancestors ${frameAncestors ?? "'none'"}`,
    ].join("; ");
  }
  return [
    "default-src 'self'",
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ""}`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "connect-src 'self'",
    ...common,
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Express middleware: every response (pages, assets, errors, refusals) gets these. */
export function securityHeaders() {
  return (req: Req, res: Res, next: Next) => {
    const env = getEnv();
    const pathname = pathOf(req);
    const publicPage = isPublicPagePath(pathname);
    const nonce = publicPage ? null : crypto.randomBytes(16).toString("base64");
    res.locals ??= {};
    res.locals.cspNonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(pathname, nonce, env.PUBLIC_PAGE_FRAME_ANCESTORS));
    res.setHeader("X-Content-Type-Options", "nosniff");
    // The reset page's address holds a one-time token: it must not travel in a Referer.
    res.setHeader("Referrer-Policy", pathname === "/reset-password" ? "no-referrer" : "strict-origin-when-cross-origin");
    // Older browsers only know X-Frame-Options, which cannot list origins: with an allow-list for
    // the public page, frame-ancestors alone decides.
    if (!publicPage || !env.PUBLIC_PAGE_FRAME_ANCESTORS) res.setHeader("X-Frame-Options", "DENY");
    if (env.NODE_ENV === "production") res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  };
}

/** Remix's load context (server.mjs getLoadContext): the CSP nonce and the client's address. */
export function requestContext(req: Req, res: Res) {
  return {
    cspNonce: (res.locals?.cspNonce as string | null | undefined) ?? undefined,
    // Express's req.ip follows `trust proxy` (TRUST_PROXY): X-Forwarded-For only behind a proxy.
    clientAddress: req.ip ?? req.socket.remoteAddress ?? "unknown",
  };
}

/* ----------------------------------------------------------------------------------------- */
/* Request bodies                                                                            */
/* ----------------------------------------------------------------------------------------- */

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Larger limits for the few routes that take files, by path prefix. Everything else is a text
 * form, for which 64 kB is already generous. (The profile photo upload of the profile issue.)
 */
/** The largest profile photo a provider may upload (app/modules/settings/photo.server.ts checks it again). */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export const BODY_LIMITS: Record<string, number> = {
  // The photo plus the multipart envelope and the form's few small fields.
  "/settings/photo": PHOTO_MAX_BYTES + 64 * 1024,
};

export function bodyLimitFor(pathname: string, limits: Record<string, number> = BODY_LIMITS): number {
  for (const [prefix, limit] of Object.entries(limits)) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return limit;
  }
  return DEFAULT_BODY_LIMIT;
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

export const BODY_MESSAGES = {
  unsupported:
    "This address only accepts web forms (sent as application/x-www-form-urlencoded or multipart/form-data). Nothing was changed.",
  tooLarge: (limit: number) => `This form is too large: the limit is ${Math.round(limit / 1024)} kB. Nothing was changed.`,
};

/**
 * What to do with a request body, decided from its headers alone: null (fine), or a refusal.
 * Every route that accepts POST is a form route, so the rule is the same for all of them.
 */
export function bodyRefusal(
  method: string,
  headers: IncomingMessage["headers"],
  limit: number,
): { status: 413 | 415; message: string } | null {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return null;
  const length = headers["content-length"];
  const chunked = /\bchunked\b/i.test(String(headers["transfer-encoding"] ?? ""));
  const empty = !chunked && (length === undefined || length === "0");
  const type = String(headers["content-type"] ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();
  if (!empty && !FORM_TYPES.includes(type)) return { status: 415, message: BODY_MESSAGES.unsupported };
  if (length !== undefined && (!/^\d+$/.test(length) || Number(length) > limit)) {
    return { status: 413, message: BODY_MESSAGES.tooLarge(limit) };
  }
  return null;
}

function refuse(res: Res, status: number, message: string) {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  // The body was not read; a kept-alive connection would parse it as the next request.
  res.setHeader("Connection", "close");
  res.end(message);
}

/**
 * Express middleware, the last before Remix: refuses non-form bodies (415) and bodies over the
 * path's limit (413) before reading them. A chunked body has no length up front, so it is read
 * here, at most up to the limit, and handed to Remix afterwards (replayed on the request stream,
 * whose listeners Remix attaches synchronously in the next handler).
 */
export function bodyGuard(limits: Record<string, number> = BODY_LIMITS) {
  return (req: Req, res: Res, next: Next) => {
    const limit = bodyLimitFor(pathOf(req), limits);
    const refusal = bodyRefusal(req.method ?? "GET", req.headers, limit);
    if (refusal) return refuse(res, refusal.status, refusal.message);
    const method = req.method ?? "GET";
    if (method === "GET" || method === "HEAD" || req.headers["content-length"] !== undefined) return next();
    if (!/\bchunked\b/i.test(String(req.headers["transfer-encoding"] ?? ""))) return next();

    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        cleanup();
        refuse(res, 413, BODY_MESSAGES.tooLarge(limit));
        // Discard the rest rather than buffer it; the connection closes after the answer.
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (done) return;
      done = true;
      cleanup();
      next();
      // Remix's request body reads req through its 'data'/'end' events, attached synchronously
      // during next() (createRemixRequest runs before the handler's first await).
      for (const chunk of chunks) req.emit("data", chunk);
      req.emit("end");
    };
    const onError = (err: unknown) => {
      if (done) return;
      done = true;
      cleanup();
      next(err);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  };
}

function pathOf(req: Req): string {
  if (req.path) return req.path;
  try {
    return new URL(req.originalUrl ?? req.url ?? "/", "http://x").pathname;
  } catch {
    return "/";
  }
}
