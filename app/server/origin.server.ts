import type { IncomingHttpHeaders } from "node:http";

/**
 * Refuses state-changing requests whose Origin is another site, before Remix sees them (Remix
 * would answer an empty 500). The host compared is X-Forwarded-Host when a trusted proxy set it
 * (server.mjs strips it otherwise), else Host: the same rule Remix 2.17 applies.
 */
export function originCheck(method: string, headers: IncomingHttpHeaders): string | null {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return null;
  const origin = headers.origin;
  if (!origin) return null; // Same-origin form posts from old browsers; SameSite=Lax cookies cover them.
  const forwarded = first(headers["x-forwarded-host"]);
  const host = forwarded ?? first(headers.host);
  let originHost: string | null = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (!host || originHost !== host) return "This form was sent from another site and was refused.";
  return null;
}

function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(",")[0]?.trim() || undefined;
}
