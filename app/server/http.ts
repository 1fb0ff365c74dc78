import type { HeadersFunction } from "@remix-run/node";

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
