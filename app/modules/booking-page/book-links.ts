/**
 * The tap links of the public page: `/c/<slug>/book/<UTC start>` with the start as
 * `YYYY-MM-DDTHH:MMZ`, keeping the page's `lang` and `tz` query parameters. Pure: runs in the
 * browser too.
 */
import { DateTime } from "luxon";

const START_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})Z$/;
/** The page's query parameters a tap link carries on (language and display zone of the visitor). */
export const KEPT_QUERY_PARAMS = ["lang", "tz"] as const;

export function formatStartParam(startMs: number): string {
  return DateTime.fromMillis(startMs, { zone: "utc" }).toFormat("yyyy-LL-dd'T'HH:mm'Z'");
}

/** Epoch ms of a well-formed start, else null (also for impossible dates such as 2026-02-30). */
export function parseStartParam(value: string): number | null {
  const m = START_PATTERN.exec(value);
  if (!m) return null;
  const dt = DateTime.fromObject(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) },
    { zone: "utc" },
  );
  // Round trip: luxon accepts hour 24 (next day) and the like; only the canonical form names a slot.
  return dt.isValid && formatStartParam(dt.toMillis()) === value ? dt.toMillis() : null;
}

/** "?lang=de&tz=Europe%2FBerlin" (only the kept parameters, each once, short values), or "". */
export function keptQuery(search: URLSearchParams | string): string {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const out = new URLSearchParams();
  for (const name of KEPT_QUERY_PARAMS) {
    const value = params.get(name);
    // Parameters are echoed into links: keep them short and printable, drop anything else.
    if (value && value.length <= 64 && /^[\w/+\-.:]+$/.test(value)) out.set(name, value);
  }
  const text = out.toString();
  return text ? `?${text}` : "";
}

export function bookHref(slug: string, startMs: number, query = ""): string {
  return `/c/${encodeURIComponent(slug)}/book/${formatStartParam(startMs)}${query}`;
}
