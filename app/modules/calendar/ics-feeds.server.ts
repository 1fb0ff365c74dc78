/**
 * ICS subscription feeds: the third calendar source, beside iCloud and CalDAV. A provider pastes a
 * secret iCal address (Google's "secret address in iCal format", an Outlook published calendar,
 * webcal:// read as https://).
 *
 * The seed allows one integration per user and type (integrations_user_type_uq) and puts no
 * constraint on integration_type, so all of a user's feeds live in ONE integration of type 'ics',
 * whose encrypted secret holds the list { feeds: [{ id, url, name }] }. The URL is a credential:
 * encrypted like passwords (AES-256-GCM, the integration id as associated data), never sent back to
 * the browser except as a masked hint. A feed is selected by its id (feed-ids.ts).
 *
 * Reading a feed follows the CalDAV rules: the same timeout and SSRF guard (every redirect hop is
 * checked), fail closed (an unreadable feed never looks empty), a 10 MB limit, and conditional
 * GET (ETag / Last-Modified) against an in-process copy of the last body.
 */
import { randomUUID } from "node:crypto";
import { CalendarDataError, extractBusy } from "./ical-busy";
import { feedCalendarId } from "./feed-ids";
import { assertPublicUrl, PrivateAddressError } from "./network-guard.server";
import { decryptSecret, encryptSecret } from "~/server/crypto.server";
import { getDb, withUser, type Queryable } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { getKeyring } from "~/server/keyring.server";
import { announceProviderChanged } from "~/server/provider-events.server";

export const FEED_MAX_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 5;

export type StoredFeed = { id: string; url: string; name: string };
export type FeedView = { id: string; calendarId: string; name: string; hint: string };

export class FeedError extends Error {
  constructor(
    readonly reason: "unreachable" | "timeout" | "too-large" | "not-ics" | "auth" | "gone",
    message: string,
  ) {
    super(message);
    this.name = "FeedError";
  }
}

// ---------------------------------------------------------------------------
// the URL

/** webcal:// and webcals:// are https:// (that is what Apple and Google mean by them); only http(s) otherwise. */
export function normalizeFeedUrl(raw: string): string | null {
  let text = raw.trim();
  if (/^webcals?:\/\//i.test(text)) text = text.replace(/^webcals?:\/\//i, "https://");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null; // credentials in a URL would end up in logs
  url.hash = "";
  return url.href;
}

/** What the provider sees of a feed's address: the host and the last characters, never the secret part. */
export function maskFeedUrl(url: string): string {
  try {
    const u = new URL(url);
    const tail = `${u.pathname}${u.search}`;
    return `${u.host}/…${tail.length > 8 ? tail.slice(-4) : ""}`;
  } catch {
    return "(address hidden)";
  }
}

// ---------------------------------------------------------------------------
// fetching

type CachedBody = { url: string; etag: string | null; lastModified: string | null; text: string; bytes: number; used: number };
const bodies = new Map<string, CachedBody>();
const BODY_CACHE_BYTES = 64 * 1024 * 1024;

function remember(key: string, entry: CachedBody) {
  bodies.delete(key);
  bodies.set(key, entry);
  let total = 0;
  for (const e of bodies.values()) total += e.bytes;
  for (const [k, e] of bodies) {
    if (total <= BODY_CACHE_BYTES) break;
    bodies.delete(k);
    total -= e.bytes;
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw new FeedError("too-large", tooLarge(maxBytes));
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FeedError("too-large", tooLarge(maxBytes));
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number) {
  return `The calendar feed is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`;
}

/**
 * GET of a feed, following up to five redirects (each target checked by the SSRF guard), with one
 * deadline for the whole read. `cacheKey` enables conditional GET against the last body read.
 */
export async function fetchFeedText(
  url: string,
  opts: { timeoutMs: number; allowPrivate: boolean; maxBytes?: number; cacheKey?: string },
): Promise<{ text: string; notModified: boolean }> {
  const maxBytes = opts.maxBytes ?? FEED_MAX_BYTES;
  const cached = opts.cacheKey ? bodies.get(opts.cacheKey) : undefined;
  const usable = cached && cached.url === url ? cached : undefined;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let current = url;
  const host = () => new URL(current).host;
  try {
    for (let hop = 0; ; hop++) {
      try {
        await assertPublicUrl(current, opts.allowPrivate);
      } catch (err) {
        if (err instanceof PrivateAddressError) throw new FeedError("unreachable", err.message);
        throw new FeedError("unreachable", `Could not reach ${host()}.`);
      }
      const headers: Record<string, string> = { accept: "text/calendar, */*;q=0.5", "accept-language": "en" };
      if (usable?.etag) headers["if-none-match"] = usable.etag;
      if (usable?.lastModified) headers["if-modified-since"] = usable.lastModified;
      let res: Response;
      try {
        res = await fetch(current, { headers, redirect: "manual", signal });
      } catch {
        if (signal.aborted)
          throw new FeedError("timeout", `The calendar feed did not answer within ${Math.round(opts.timeoutMs / 1000)} seconds.`);
        throw new FeedError("unreachable", `Could not reach ${host()}.`);
      }
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel().catch(() => {});
        const location = res.headers.get("location");
        if (!location || hop >= MAX_REDIRECTS) throw new FeedError("unreachable", `The calendar feed at ${host()} redirects too often.`);
        const next = normalizeFeedUrl(new URL(location, current).href);
        if (!next) throw new FeedError("unreachable", `The calendar feed at ${host()} redirects to an address that is not http(s).`);
        current = next;
        continue;
      }
      if (res.status === 304 && usable) {
        await res.body?.cancel().catch(() => {});
        usable.used = Date.now();
        return { text: usable.text, notModified: true };
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError("auth", "The calendar feed refused access; its secret address may have been reset. Add the new address.");
      }
      if (res.status === 404 || res.status === 410) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError("gone", "The calendar feed no longer exists at this address; its secret address may have been reset.");
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError("unreachable", `The calendar feed at ${host()} answered with HTTP ${res.status}.`);
      }
      const text = await readLimited(res, maxBytes);
      if (opts.cacheKey) {
        remember(opts.cacheKey, {
          url,
          etag: res.headers.get("etag"),
          lastModified: res.headers.get("last-modified"),
          text,
          bytes: text.length * 2,
          used: Date.now(),
        });
      }
      return { text, notModified: false };
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    if (signal.aborted)
      throw new FeedError("timeout", `The calendar feed did not answer within ${Math.round(opts.timeoutMs / 1000)} seconds.`);
    throw new FeedError("unreachable", "The calendar feed could not be read.");
  }
}

/**
 * A feed is accepted when it is iCalendar with at least one VEVENT, or an empty VCALENDAR, and
 * its events can be read (a feed that would fail the page on its first read is refused now).
 */
export function verifyFeedText(text: string, zone: string): { ok: true; name: string | null } | { ok: false; message: string } {
  if (!/^\s*BEGIN:VCALENDAR/i.test(text.replace(/^\uFEFF/, ""))) {
    return { ok: false, message: "This address does not return a calendar (iCalendar / .ics)." };
  }
  const hasEvent = /^BEGIN:VEVENT\r?$/im.test(text);
  const hasOther = /^BEGIN:(VTODO|VJOURNAL|VFREEBUSY)\r?$/im.test(text);
  if (!hasEvent && hasOther) return { ok: false, message: "This calendar has no events (only tasks or notes)." };
  try {
    const now = Date.now();
    extractBusy([text], { rangeStart: now, rangeEnd: now + 7 * 86_400_000, zone });
  } catch (err) {
    const event = err instanceof CalendarDataError ? (err.eventSummary ?? err.eventUid) : undefined;
    return {
      ok: false,
      message: `This calendar cannot be read${event ? ` (the event "${event}")` : ""}. ${err instanceof Error ? err.message : ""}`.trim(),
    };
  }
  const name = /^X-WR-CALNAME:(.*)$/im.exec(text)?.[1]?.trim() || null;
  return { ok: true, name };
}

// ---------------------------------------------------------------------------
// storage

function encryptFeeds(feeds: StoredFeed[]) {
  return (integrationId: string) => encryptSecret(getKeyring(), JSON.stringify({ feeds }), integrationId);
}

export function decryptFeeds(secret: unknown, integrationId: string): StoredFeed[] {
  const parsed = JSON.parse(decryptSecret(getKeyring(), secret, integrationId)) as { feeds?: unknown };
  if (!Array.isArray(parsed.feeds)) throw new Error("Stored calendar feeds are incomplete");
  return parsed.feeds.filter(
    (f): f is StoredFeed =>
      !!f && typeof f === "object" && typeof f.id === "string" && typeof f.url === "string" && typeof f.name === "string",
  );
}

async function feedIntegration(tx: Queryable, userId: string): Promise<{ id: string; feeds: StoredFeed[] } | null> {
  const [row] = await tx.query<{ id: string; secret: unknown }>(
    `select i.id, s.secret from public.integrations i join public.integration_secrets s on s.integration_id = i.id
     where i.user_id = $1 and i.integration_type = 'ics' for update of i`,
    [userId],
  );
  if (!row) return null;
  return { id: row.id, feeds: decryptFeeds(row.secret, row.id) };
}

/** The user's feeds for the settings page: names and masked hints only. */
export async function listFeeds(userId: string): Promise<FeedView[]> {
  const rows = await withUser(await getDb(), userId, (tx) =>
    tx.query<{ id: string; secret: unknown }>(
      `select i.id, s.secret from public.integrations i join public.integration_secrets s on s.integration_id = i.id
       where i.user_id = $1 and i.integration_type = 'ics'`,
      [userId],
    ),
  );
  if (rows.length === 0) return [];
  let feeds: StoredFeed[];
  try {
    feeds = decryptFeeds(rows[0].secret, rows[0].id);
  } catch {
    return [];
  }
  return feeds.map((f) => ({ id: f.id, calendarId: feedCalendarId(f.id), name: f.name, hint: maskFeedUrl(f.url) }));
}

export type ConnectFeedResult = { ok: true; feed: FeedView } | { ok: false; message: string };

/** Verifies (fetch + parse, with the CalDAV timeout and guard), then stores and selects the feed. */
export async function connectFeed(userId: string, input: { url: string; name?: string }, zone: string): Promise<ConnectFeedResult> {
  const url = normalizeFeedUrl(input.url);
  if (!url) return { ok: false, message: "Enter the calendar's address: https://… or webcal://…" };
  const env = getEnv();
  let text: string;
  try {
    ({ text } = await fetchFeedText(url, { timeoutMs: env.CALDAV_TIMEOUT_MS, allowPrivate: env.caldavAllowPrivate }));
  } catch (err) {
    return { ok: false, message: err instanceof FeedError ? err.message : "The calendar feed could not be read." };
  }
  const verified = verifyFeedText(text, zone);
  if (!verified.ok) return verified;
  const feed: StoredFeed = { id: randomUUID(), url, name: input.name?.trim() || verified.name || new URL(url).host };
  const calendarId = feedCalendarId(feed.id);
  await withUser(await getDb(), userId, async (tx) => {
    const existing = await feedIntegration(tx, userId);
    // The same address again replaces the old entry rather than counting the time twice.
    const feeds = [...(existing?.feeds ?? []).filter((f) => f.url !== url), feed];
    const removed = (existing?.feeds ?? []).filter((f) => f.url === url).map((f) => feedCalendarId(f.id));
    const [row] = await tx.query<{ id: string }>(
      `insert into public.integrations (user_id, integration_type, label, status) values ($1, 'ics', 'Calendar feeds', 'active')
       on conflict (user_id, integration_type) do update set status = 'active' returning id`,
      [userId],
    );
    await tx.query(
      `insert into public.integration_secrets (integration_id, secret) values ($1, $2::jsonb)
       on conflict (integration_id) do update set secret = excluded.secret`,
      [row.id, JSON.stringify(encryptFeeds(feeds)(row.id))],
    );
    // A feed is added to be busy: select it at once (and drop the entry it replaced).
    // Written in SQL like every section save (only this key changes); the calendar object may not exist yet.
    await tx.query(
      `update public.providers
       set settings = settings || jsonb_build_object('calendar',
         (case when jsonb_typeof(settings -> 'calendar') = 'object' then settings -> 'calendar' else '{}'::jsonb end)
         || jsonb_build_object('selectedCalendarIds',
           coalesce((select jsonb_agg(id) from jsonb_array_elements_text(
             case when jsonb_typeof(settings #> '{calendar,selectedCalendarIds}') = 'array'
                  then settings #> '{calendar,selectedCalendarIds}' else '[]'::jsonb end) as t(id)
             where not (id = any($3::text[]))), '[]'::jsonb) || to_jsonb($2::text)))
       where owner_user_id = $1`,
      [userId, calendarId, removed],
    );
  });
  announceProviderChanged(userId, "calendar-access");
  return { ok: true, feed: { id: feed.id, calendarId, name: feed.name, hint: maskFeedUrl(url) } };
}

/** Removes one feed (its URL is gone with the re-encrypted list) and unselects it. */
export async function removeFeed(userId: string, feedId: string): Promise<boolean> {
  const removed = await withUser(await getDb(), userId, async (tx) => {
    const existing = await feedIntegration(tx, userId);
    if (!existing || !existing.feeds.some((f) => f.id === feedId)) return false;
    const feeds = existing.feeds.filter((f) => f.id !== feedId);
    if (feeds.length === 0) {
      await tx.query("delete from public.integrations where id = $1 and user_id = $2", [existing.id, userId]);
    } else {
      await tx.query("update public.integration_secrets set secret = $2::jsonb where integration_id = $1", [
        existing.id,
        JSON.stringify(encryptFeeds(feeds)(existing.id)),
      ]);
    }
    await tx.query(
      `update public.providers
       set settings = jsonb_set(settings, '{calendar,selectedCalendarIds}',
         coalesce((select jsonb_agg(id) from jsonb_array_elements_text(settings #> '{calendar,selectedCalendarIds}') as t(id)
                   where id <> $2), '[]'::jsonb), true)
       where owner_user_id = $1 and jsonb_typeof(settings #> '{calendar,selectedCalendarIds}') = 'array'`,
      [userId, feedCalendarId(feedId)],
    );
    return true;
  });
  if (removed) announceProviderChanged(userId, "calendar-access");
  return removed;
}
