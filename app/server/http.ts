import type { HeadersFunction } from "@remix-run/node";
import { isDatabaseUnavailable } from "./db.server";

/**
 * For pages behind sign-in: never stored by a browser or a CDN, and any Set-Cookie the loader or
 * action produced (Supabase refreshing a session) is passed on.
 */
export const privateHeaders: HeadersFunction = ({ loaderHeaders, actionHeaders, errorHeaders }) => {
  const headers = new Headers();
  for (const source of [loaderHeaders, actionHeaders, errorHeaders]) {
    source?.forEach((value, key) => {
      if (key.toLowerCase() === "set-cookie") headers.append(key, value);
      else headers.set(key, value);
    });
  }
  headers.set("Cache-Control", "private, no-store");
  return headers;
};

/** Seconds a client is asked to wait when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 30;

/**
 * Runs fn; if the database cannot be reached, throws a 503 response with a clear message and
 * Retry-After instead of letting a 500 through (the nearest error boundary shows the message).
 */
export async function orServiceUnavailable<T>(fn: () => Promise<T>, message: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Response || !isDatabaseUnavailable(err)) throw err;
    console.error(`[db] unavailable: ${err instanceof Error ? err.message : err}`);
    throw new Response(message, {
      status: 503,
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS),
        "Cache-Control": "no-store",
      },
    });
  }
}
