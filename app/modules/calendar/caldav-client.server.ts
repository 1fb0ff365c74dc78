import { DEFAULT_CALDAV_TIMEOUT_MS } from "~/server/env.server";
/**
 * CalDAV access (Apple iCloud and any other CalDAV server) on top of tsdav.
 *
 * tsdav does the protocol work (well-known discovery, principal and
 * calendar-home lookup, PROPFIND/REPORT XML), but it is not a good judge of
 * *why* something failed: it swallows HTTP status codes in several places
 * (fetchCalendars turns a 401 into "zero calendars", fetchPrincipalUrl turns a
 * plain web server into "cannot find principalUrl", service discovery catches
 * network errors and carries on) and it has no timeouts at all. So every
 * request tsdav makes goes through a probing `fetch` wrapper (tsdav accepts a
 * `fetch` override) that
 *   - adds an AbortSignal so one deadline covers the whole operation,
 *   - records what the server actually said (401/403, 5xx, DAV-looking
 *     answers, network errors) so failures can be classified afterwards,
 *   - refuses further requests after the first 401, so a wrong password costs
 *     one failed login instead of tsdav retrying every candidate root URL
 *     (Apple locks accounts after repeated failures; Radicale sleeps ~1 s on
 *     each one).
 *
 * Secrets: the password only ever lives in the Authorization header built
 * here. tsdav gets `credentials: { username }` (so the password is not copied
 * into tsdav's account objects), messages are fixed texts naming only the
 * host, and tsdav's own error messages are never passed on (they can contain
 * raw server responses, and a misbehaving server could echo our headers).
 */
import { createCalendarObject, DAVClient, davRequest, deleteCalendarObject, type DAVCalendar, type DAVResponse } from "tsdav";

export type CalDavCredentials = { serverUrl: string; username: string; password: string };

/** url = the calendar's absolute URL (may live on another host than serverUrl, e.g. iCloud's pNN-caldav hosts). */
export type RemoteCalendar = { url: string; displayName: string; color: string | null; components: string[] };

export type CalDavFailure = { ok: false; reason: "auth" | "unreachable" | "timeout" | "not-caldav"; message: string };

export class CalDavError extends Error {
  reason: CalDavFailure["reason"];
  constructor(reason: CalDavFailure["reason"], message: string) {
    super(message);
    this.name = "CalDavError";
    this.reason = reason;
  }
}

export const ICLOUD_CALDAV_URL = "https://caldav.icloud.com";

const MSG_AUTH = "The server refused this username and password.";
const MSG_AUTH_ICLOUD = "Apple refused these credentials. Use an app-specific password from appleid.apple.com, not your Apple ID password.";
const MSG_NOT_CALDAV = "This address does not look like a CalDAV server.";
// 403 on a calendar: the login itself may be fine, but this account may not read it.
const MSG_FORBIDDEN = "The server refused access to this calendar for this account.";

function unreachableMessage(host: string): string {
  return `Could not reach the server at ${host}.`;
}

function timeoutMessage(timeoutMs: number): string {
  const seconds = Math.round(timeoutMs / 100) / 10; // 15000 -> 15, 250 -> 0.3
  return `The server did not answer within ${seconds} ${seconds === 1 ? "second" : "seconds"}.`;
}

/**
 * Basic auth with UTF-8 bytes. tsdav's own "Basic" method base64-encodes
 * Latin-1 code units and throws for anything beyond U+00FF, so a password
 * like "pässwort" would be sent as ISO-8859-1 and rejected by servers that
 * decode UTF-8 (Radicale, SabreDAV/Nextcloud; RFC 7617 charset=UTF-8). The
 * header is the same as tsdav's for plain ASCII passwords (iCloud app-specific
 * passwords are ASCII).
 */
function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** Parses the user-entered server URL; credentials in the URL are dropped (fetch refuses them anyway). */
function parseServerUrl(raw: string): URL | null {
  let text = raw.trim();
  if (!text) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.username = "";
  url.password = "";
  url.hash = "";
  return url;
}

/** Last-resort scrubbing in case a message ever picks up the secret (it should not). */
function redact(message: string, password: string, authHeader: string): string {
  let out = message;
  const secrets = [password, authHeader, authHeader.replace(/^Basic /, "")].filter((s) => s.length >= 3);
  for (const s of secrets) out = out.split(s).join("[redacted]");
  return out;
}

type Probe = {
  fetch: typeof fetch;
  /** Rejects with ProbeTimeout when the deadline passes; races `p` against it. */
  race<T>(p: Promise<T>): Promise<T>;
  timedOut: boolean;
  authStatus: 401 | 403 | null;
  serverErrorStatus: number | null;
  networkError: boolean;
  httpResponses: number;
  lastStatus: number | null;
  dispose(): void;
};

class ProbeTimeout extends Error {}
class AuthShortCircuit extends Error {}

function createProbe(timeoutMs: number): Probe {
  const controller = new AbortController();
  let rejectDeadline: (e: Error) => void = () => {};
  const deadline = new Promise<never>((_, reject) => {
    rejectDeadline = reject;
  });
  // Avoid an unhandled rejection when nobody is racing at the moment the timer fires.
  deadline.catch(() => {});

  const probe: Probe = {
    timedOut: false,
    authStatus: null,
    serverErrorStatus: null,
    networkError: false,
    httpResponses: 0,
    lastStatus: null,
    race: (p) => Promise.race([p, deadline]),
    dispose: () => clearTimeout(timer),
    fetch: async (input, init) => {
      if (probe.authStatus === 401) {
        // Same credentials, same server: it will say no again. Don't provoke lockouts or auth delays.
        throw new AuthShortCircuit("credentials already rejected");
      }
      const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
      const headers = new Headers(init?.headers);
      // Node's fetch sends "Accept-Language: *", which Apple's CalDAV servers fail to parse
      // (tsdav issue #238, deno issue #10987). Any concrete value avoids it.
      if (!headers.has("accept-language")) headers.set("accept-language", "en");
      let res: Response;
      try {
        res = await fetch(input, { ...init, headers, signal });
      } catch (err) {
        if (!controller.signal.aborted) probe.networkError = true;
        throw err;
      }
      probe.httpResponses += 1;
      probe.lastStatus = res.status;
      if (res.status === 401) probe.authStatus = 401;
      else if (res.status === 403 && probe.authStatus === null) probe.authStatus = 403;
      else if (res.status >= 500) probe.serverErrorStatus = res.status;
      return res;
    },
  };

  const timer = setTimeout(() => {
    probe.timedOut = true;
    controller.abort();
    rejectDeadline(new ProbeTimeout("deadline"));
  }, timeoutMs);
  // Never keep the process alive just for this timer.
  if (typeof timer === "object" && "unref" in timer) timer.unref();
  return probe;
}

function failure(reason: CalDavFailure["reason"], message: string): CalDavFailure {
  return { ok: false, reason, message };
}

function classifyVerifyFailure(probe: Probe, host: string, isICloud: boolean, timeoutMs: number): CalDavFailure {
  if (probe.authStatus !== null) return failure("auth", isICloud ? MSG_AUTH_ICLOUD : MSG_AUTH);
  if (probe.timedOut) return failure("timeout", timeoutMessage(timeoutMs));
  if (probe.httpResponses === 0) return failure("unreachable", unreachableMessage(host));
  // A server that answers 5xx is there but not usable right now; "not CalDAV" would send the user
  // off to change a URL that is probably right.
  if (probe.serverErrorStatus !== null) return failure("unreachable", unreachableMessage(host));
  return failure("not-caldav", MSG_NOT_CALDAV);
}

/** tsdav runs XML text through nativeType(), so "2024" arrives as a number and "true" as a boolean. */
function xmlText(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o._cdata === "string") return o._cdata;
    if (typeof o._text === "string" || typeof o._text === "number" || typeof o._text === "boolean") {
      return String(o._text);
    }
  }
  return null;
}

/** Apple stores colours as #RRGGBBAA; browsers' <input type=color> and most UIs want #RRGGBB. */
function normalizeColor(value: unknown): string | null {
  const text = xmlText(value)?.trim();
  if (!text) return null;
  const m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(text);
  if (m) return `#${m[1].toUpperCase()}`;
  return text;
}

/**
 * tsdav resolves calendar hrefs against the account's root URL, but hrefs in a
 * multistatus are relative to the URL that was queried, the calendar home.
 * On iCloud those differ (root caldav.icloud.com, home pNN-caldav.icloud.com),
 * so a path-only href must be re-based onto the home's origin.
 */
function rebaseOnHome(url: string, rootUrl: string | undefined, homeUrl: string | undefined): string {
  if (!rootUrl || !homeUrl) return url;
  try {
    const u = new URL(url);
    const root = new URL(rootUrl);
    const home = new URL(homeUrl);
    if (u.origin !== root.origin || home.origin === root.origin) return url;
    return new URL(`${u.pathname}${u.search}`, home.origin).href;
  } catch {
    return url;
  }
}

function toRemoteCalendar(cal: DAVCalendar, rootUrl: string | undefined, homeUrl: string | undefined): RemoteCalendar {
  // RFC 4791 5.2.3: without supported-calendar-component-set the calendar accepts every component type.
  const components = cal.components && cal.components.length > 0 ? cal.components : ["VEVENT", "VTODO", "VJOURNAL"];
  const url = rebaseOnHome(cal.url, rootUrl, homeUrl);
  const displayName = xmlText(cal.displayName)?.trim() || safeDecode(lastPathSegment(url));
  return { url, displayName, color: normalizeColor(cal.calendarColor), components };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function lastPathSegment(url: string): string {
  try {
    const parts = new URL(url).pathname.split("/").filter(Boolean);
    return parts[parts.length - 1] ?? url;
  } catch {
    return url;
  }
}

/**
 * Logs in and lists the account's event calendars.
 *
 * One deadline (default 15 s) covers discovery, login and listing together.
 * Never throws for server/network problems; returns a CalDavFailure with a
 * user-facing message instead.
 */
export async function verifyCalDavAccount(
  creds: CalDavCredentials,
  opts: { timeoutMs?: number; isICloud?: boolean } = {},
): Promise<VerifiedAccount | CalDavFailure> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALDAV_TIMEOUT_MS;
  const rawUrl = creds.serverUrl.trim() || (opts.isICloud ? ICLOUD_CALDAV_URL : "");
  const serverUrl = parseServerUrl(rawUrl);
  if (!serverUrl) return failure("not-caldav", MSG_NOT_CALDAV);
  const isICloud = opts.isICloud ?? /(^|\.)icloud\.com$/i.test(serverUrl.hostname);
  const host = serverUrl.host;
  const authHeader = basicAuthHeader(creds.username, creds.password);

  const probe = createProbe(timeoutMs);
  try {
    const client = new DAVClient({
      serverUrl: serverUrl.href,
      // The password is deliberately not handed to tsdav (it would keep it on client.account.credentials).
      credentials: { username: creds.username },
      authMethod: "Custom",
      authFunction: async () => ({ authorization: authHeader }),
      defaultAccountType: "caldav",
      fetch: probe.fetch,
    });
    await probe.race(client.login());
    const calendars = await probe.race(client.fetchCalendars());
    // fetchCalendars returns [] when its PROPFIND got a 401/403 or 5xx (it never looks at the
    // status); a failure recorded by the probe must not turn into "you have no calendars".
    if (probe.authStatus !== null || probe.serverErrorStatus !== null) {
      return classifyVerifyFailure(probe, host, isICloud, timeoutMs);
    }
    // RFC 6638: the addresses invitations to this account go to (iCloud: the Apple ID and its
    // @icloud.com/@me.com aliases). Best effort: a server without the property still connects.
    const principalUrl = client.account?.principalUrl;
    const addresses = principalUrl ? await probe.race(readAddressSet(principalUrl, authHeader, probe.fetch)).catch(() => []) : [];
    return {
      ok: true,
      calendars: calendars
        .map((c) => toRemoteCalendar(c, client.account?.rootUrl, client.account?.homeUrl))
        .filter((c) => c.components.includes("VEVENT")),
      addresses,
    };
  } catch {
    // tsdav's own message is never shown: it can contain raw server output. The probe knows better.
    const result = classifyVerifyFailure(probe, host, isICloud, timeoutMs);
    return { ...result, message: redact(result.message, creds.password, authHeader) };
  } finally {
    probe.dispose();
  }
}

/** A verified account: its event calendars and the owner's e-mail addresses (lower-case, no "mailto:"). */
export type VerifiedAccount = { ok: true; calendars: RemoteCalendar[]; addresses: string[] };

/** Only mailto: entries are addresses an ATTENDEE line can carry; Radicale lists the principal path. */
export function mailAddresses(hrefs: unknown[]): string[] {
  const out: string[] = [];
  for (const h of hrefs) {
    let text = xmlText(h)?.trim() ?? "";
    try {
      // Xandikos percent-encodes the whole href ("mailto%3Aa%40b.example").
      text = decodeURIComponent(text);
    } catch {
      // keep as written
    }
    const m = /^mailto:(.+)$/i.exec(text.trim());
    if (!m) continue;
    const addr = m[1].trim().toLowerCase();
    if (addr.includes("@") && !out.includes(addr)) out.push(addr);
  }
  return out;
}

/** PROPFIND (Depth 0) of the principal's calendar-user-address-set. */
async function readAddressSet(principalUrl: string, authHeader: string, fetchFn: typeof fetch): Promise<string[]> {
  const responses = await davRequest({
    url: principalUrl,
    init: {
      method: "PROPFIND",
      headers: { authorization: authHeader, depth: "0" },
      body:
        `<?xml version="1.0" encoding="utf-8"?>` +
        `<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-user-address-set/></D:prop></D:propfind>`,
    },
    convertIncoming: false,
    fetch: fetchFn,
  });
  const hrefs: unknown[] = [];
  for (const r of responses) {
    if (!r.ok) continue;
    const set = (r.props as Record<string, unknown> | undefined)?.calendarUserAddressSet;
    const href = set && typeof set === "object" ? (set as Record<string, unknown>).href : undefined;
    if (Array.isArray(href)) hrefs.push(...href);
    else if (href !== undefined) hrefs.push(href);
  }
  return mailAddresses(hrefs);
}

function formatUtc(date: Date): string {
  // 20261207T000000Z, the form CalDAV time-range wants.
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
}

function calendarQueryBody(range: { start: Date; end: Date }): string {
  // Plain <C:calendar-data/> (no <C:expand>): servers differ in how they expand (Radicale 3.1 does
  // not for calendar-query, iCloud does partially), so extractBusy() expands everything itself.
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">` +
    `<D:prop><D:getetag/><C:calendar-data/></D:prop>` +
    `<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">` +
    `<C:time-range start="${formatUtc(range.start)}" end="${formatUtc(range.end)}"/>` +
    `</C:comp-filter></C:comp-filter></C:filter>` +
    `</C:calendar-query>`
  );
}

function sameCollection(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u, b);
      return decodeURIComponent(url.pathname).replace(/\/+$/, "");
    } catch {
      return u.replace(/\/+$/, "");
    }
  };
  return norm(a) === norm(b);
}

/**
 * One calendar-query REPORT (Depth 1) with a VEVENT time-range filter; returns
 * the raw iCalendar text of every matching object. Throws CalDavError on any
 * failure: a calendar we could not read must not look empty (= free).
 */
export async function fetchCalendarIcs(
  creds: CalDavCredentials,
  calendarUrl: string,
  range: { start: Date; end: Date },
  opts: { timeoutMs?: number } = {},
): Promise<string[]> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALDAV_TIMEOUT_MS;
  const url = parseServerUrl(calendarUrl);
  if (!url) throw new CalDavError("not-caldav", "The calendar address is not a valid http(s) URL.");
  if (!(range.start.getTime() < range.end.getTime())) throw new RangeError("fetchCalendarIcs: range.start must be before range.end");
  const host = url.host;
  const authHeader = basicAuthHeader(creds.username, creds.password);
  const isICloud = /(^|\.)icloud\.com$/i.test(url.hostname);

  const probe = createProbe(timeoutMs);
  let responses: DAVResponse[];
  try {
    responses = await probe.race(
      davRequest({
        url: url.href,
        init: {
          method: "REPORT",
          headers: { authorization: authHeader, depth: "1" },
          body: calendarQueryBody(range),
        },
        convertIncoming: false, // body is already XML text
        fetch: probe.fetch,
      }),
    );
  } catch {
    if (probe.timedOut) throw new CalDavError("timeout", timeoutMessage(timeoutMs));
    if (probe.authStatus === 401) throw new CalDavError("auth", isICloud ? MSG_AUTH_ICLOUD : MSG_AUTH);
    if (probe.authStatus === 403) throw new CalDavError("auth", MSG_FORBIDDEN);
    if (probe.httpResponses === 0) throw new CalDavError("unreachable", unreachableMessage(host));
    throw new CalDavError("not-caldav", "The calendar server sent an answer that could not be read.");
  } finally {
    probe.dispose();
  }

  // davRequest does not throw for HTTP errors; it returns [{ ok: false, status, raw }].
  const status = probe.lastStatus ?? 0;
  if (status === 401) throw new CalDavError("auth", isICloud ? MSG_AUTH_ICLOUD : MSG_AUTH);
  if (status === 403) throw new CalDavError("auth", MSG_FORBIDDEN);
  if (status === 404 || status === 410) {
    throw new CalDavError("not-caldav", "The calendar no longer exists on the server (it may have been deleted).");
  }
  if (status >= 500) throw new CalDavError("unreachable", `The server at ${host} answered with an error (HTTP ${status}).`);
  if (status !== 207) {
    throw new CalDavError("not-caldav", `The server did not answer the calendar query (HTTP ${status}).`);
  }

  // davRequest hands back unparsed text in `raw` when the body is not XML or not parseable;
  // parsed answers carry the whole document ({ multistatus }) in `raw`. Anything else must not be
  // mistaken for "no events".
  const parsed: unknown = responses[0]?.raw;
  if (!parsed || typeof parsed !== "object" || !("multistatus" in parsed)) {
    throw new CalDavError("not-caldav", "The server did not answer the calendar query with calendar data.");
  }

  const texts: string[] = [];
  for (const r of responses) {
    // An empty <multistatus/> comes back from davRequest as one entry without href/props.
    if (!r.href && (!r.props || Object.keys(r.props).length === 0)) continue;
    if (!r.ok) {
      // Some servers report a vanished collection as a 404 <response> for the collection inside a 207
      // (tsdav's calendarQuery even turns that into []). That is "gone", never "empty".
      if ((r.status === 404 || r.status === 410) && r.href && sameCollection(r.href, url.href)) {
        throw new CalDavError("not-caldav", "The calendar no longer exists on the server (it may have been deleted).");
      }
      if (r.status === 401) throw new CalDavError("auth", isICloud ? MSG_AUTH_ICLOUD : MSG_AUTH);
      if (r.status === 403) throw new CalDavError("auth", MSG_FORBIDDEN);
      throw new CalDavError("not-caldav", `The server could not return one of the events (status ${r.status}).`);
    }
    const data = xmlText(r.props?.calendarData);
    if (data === null || !data.includes("BEGIN:VCALENDAR")) {
      // The collection itself may appear as a response without calendar-data on some servers.
      if (r.href && sameCollection(r.href, url.href)) continue;
      throw new CalDavError("not-caldav", "The server returned an event without its calendar data.");
    }
    texts.push(data);
  }
  return texts;
}

/* ----------------------------------------------------------------------------------------- */
/* Writing: a confirmed booking becomes an event in the provider's calendar                  */
/* ----------------------------------------------------------------------------------------- */

function writeFailure(status: number, host: string, isICloud: boolean): CalDavError {
  if (status === 401) return new CalDavError("auth", isICloud ? MSG_AUTH_ICLOUD : MSG_AUTH);
  if (status === 403) return new CalDavError("auth", "The server does not let this account add events to this calendar.");
  if (status === 404 || status === 409 || status === 410) {
    return new CalDavError("not-caldav", "The calendar no longer exists on the server (it may have been deleted).");
  }
  if (status === 507) return new CalDavError("unreachable", "The calendar server is out of space for new events.");
  if (status >= 500) return new CalDavError("unreachable", `The server at ${host} answered with an error (HTTP ${status}).`);
  return new CalDavError("not-caldav", `The server refused the event (HTTP ${status}).`);
}

/**
 * PUT of one iCalendar object into a calendar collection (tsdav createCalendarObject, which sends
 * If-None-Match: * so an existing object is never overwritten). A 412 means an object of that name
 * is already there: for a booking (name = booking id) that is our own earlier write, so it counts
 * as done. Throws CalDavError with a message fit for the provider.
 */
export async function putCalendarObject(
  creds: CalDavCredentials,
  calendarUrl: string,
  filename: string,
  ics: string,
  opts: { timeoutMs?: number } = {},
): Promise<{ url: string }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALDAV_TIMEOUT_MS;
  const url = parseServerUrl(calendarUrl);
  if (!url) throw new CalDavError("not-caldav", "The calendar address is not a valid http(s) URL.");
  const collection = url.href.endsWith("/") ? url.href : `${url.href}/`;
  const res = await sendWrite(url, timeoutMs, (fetch) =>
    createCalendarObject({
      calendar: { url: collection },
      filename,
      iCalString: ics,
      headers: { authorization: basicAuthHeader(creds.username, creds.password) },
      fetch,
    }),
  );
  if (res.ok || res.status === 412) return { url: new URL(filename, collection).href };
  throw writeFailure(res.status, url.host, isICloudHostname(url.hostname));
}

/** DELETE of one object (a released booking's event). A missing object counts as deleted. */
export async function deleteCalendarObjectAt(
  creds: CalDavCredentials,
  objectUrl: string,
  opts: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALDAV_TIMEOUT_MS;
  const url = parseServerUrl(objectUrl);
  if (!url) throw new CalDavError("not-caldav", "The event address is not a valid http(s) URL.");
  const res = await sendWrite(url, timeoutMs, (fetch) =>
    deleteCalendarObject({
      calendarObject: { url: url.href, etag: undefined },
      headers: { authorization: basicAuthHeader(creds.username, creds.password) },
      fetch,
    }),
  );
  if (res.ok || res.status === 404 || res.status === 410) return;
  throw writeFailure(res.status, url.host, isICloudHostname(url.hostname));
}

const isICloudHostname = (hostname: string) => /(^|\.)icloud\.com$/i.test(hostname);

/**
 * One write (PUT or DELETE) under the timeout probe: the answer with its body drained, or a
 * CalDavError saying whether the server timed out or could not be reached.
 */
async function sendWrite(url: URL, timeoutMs: number, send: (fetch: typeof globalThis.fetch) => Promise<Response>): Promise<Response> {
  const probe = createProbe(timeoutMs);
  try {
    const res = await probe.race(send(probe.fetch));
    await res.arrayBuffer().catch(() => undefined);
    return res;
  } catch {
    if (probe.timedOut) throw new CalDavError("timeout", timeoutMessage(timeoutMs));
    throw new CalDavError("unreachable", unreachableMessage(url.host));
  } finally {
    probe.dispose();
  }
}
