/**
 * Every form, attacked with malformed input over HTTP, on this backend (embedded and PostgreSQL
 * 15: the project runs this file once per backend). Each case asserts the status, the message a
 * user sees, and that nothing changed: the database is read back before and after. Positive
 * controls at the end show the same harness does see a change when a valid form is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALENDAR_TYPE_MESSAGE, NO_SUCH_CONNECTION } from "~/modules/calendar/schemas";
import { textMessages } from "~/modules/settings/fields";
import { HOURS_MESSAGES, SETTINGS_MESSAGES, unknownPlaceholderMessage } from "~/modules/settings/schemas";
import { BODY_MESSAGES } from "~/server/hardening.server";
import type { Database } from "~/server/db.server";
import { decodeHtml, expectRedirect, formClient, hiddenVersion, type FormClient } from "../support/app-server";
import { rawRequest } from "../support/http-raw";
import { startInProcessApp, type InProcessApp } from "../support/inprocess-app";
import { backend, freshDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
let app: InProcessApp;
let alice: FormClient;
let anon: FormClient;
let bobIntegrationId: string;
const PASSWORD = "alice-password-123";
const ALICE = `alice-${Date.now()}@example.com`;
const BOB = `bob-${Date.now()}@example.com`;

/** Everything a form could change, as one JSON value (throttle counters and listings aside). */
async function snapshot(): Promise<string> {
  const [row] = await db.query<{ snap: unknown }>(
    `select json_build_object(
       'users', (select json_agg(json_build_object('id', id, 'email', email, 'pw', encrypted_password, 'u', updated_at) order by id) from auth.users),
       'providers', (select json_agg(to_jsonb(p) order by owner_user_id) from public.providers p),
       'integrations', (select json_agg(to_jsonb(i) order by id) from public.integrations i),
       'secrets', (select json_agg(to_jsonb(s) order by integration_id) from public.integration_secrets s),
       'sessions', (select json_agg(json_build_object('h', id_hash, 'u', user_id, 's', last_seen_at) order by id_hash) from app_private.sessions),
       'resets', (select json_agg(to_jsonb(r) order by token_hash) from app_private.password_resets r)
     ) as snap`,
  );
  return JSON.stringify(row.snap);
}

beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
  app = await startInProcessApp(db);
  anon = formClient(app.url);
  alice = formClient(app.url);
  await expectRedirect(await alice.post("/signup", { email: ALICE, password: PASSWORD, redirectTo: "/settings" }), "sign up alice");
  const bob = formClient(app.url);
  await expectRedirect(await bob.post("/signup", { email: BOB, password: "bob-password-123", redirectTo: "/settings" }), "sign up bob");
  // Starting state worth protecting: every section saved once.
  await saveValid(alice);
  // Bob has a calendar connection; its id is what Alice tries to disconnect.
  const [{ id: bobId }] = await db.query<{ id: string }>("select id from auth.users where email = $1", [BOB]);
  const [row] = await db.query<{ id: string }>(
    `insert into public.integrations (user_id, integration_type, label, status, external_username)
     values ($1, 'caldav', 'CalDAV (bob)', 'active', 'bob') returning id`,
    [bobId],
  );
  bobIntegrationId = row.id;
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await drop?.();
});

async function version(client: FormClient, path: string) {
  const res = await client.get(path);
  return hiddenVersion(await res.text());
}

async function saveValid(client: FormClient) {
  await expectRedirect(
    await client.post("/settings/hours", {
      timezone: "Asia/Dubai",
      "weekly.1[0].start": "09:00",
      "weekly.1[0].end": "17:00",
      "weekly.2[0].start": "09:00",
      "weekly.2[0].end": "17:00",
      "weekly.3[0].start": "09:00",
      "weekly.3[0].end": "17:00",
      version: await version(client, "/settings/hours"),
    }),
    "hours",
  );
  await expectRedirect(
    await client.post("/settings/whatsapp", {
      enabled: "on",
      phoneE164: "+971 50 123 4567",
      messageTemplate: "Hi! {date} at {time}?",
      version: await version(client, "/settings/whatsapp"),
    }),
    "whatsapp",
  );
  await expectRedirect(
    await client.post("/settings/booking", {
      slotMinutes: "60",
      bufferMinutes: "0",
      minNoticeHours: "2",
      horizonDays: "14",
      version: await version(client, "/settings/booking"),
    }),
    "booking",
  );
  await expectRedirect(
    await client.post("/settings?index", {
      publicSlug: `alice-${backend}`,
      displayName: "Alice",
      version: await version(client, "/settings"),
    }),
    "profile",
  );
}

type Case = {
  name: string;
  status: number;
  message: string;
  /** A form post as a browser sends it (urlencoded), as Alice or anonymously. */
  form?: { path: string; as?: "alice" | "anon"; fields: (v: Versions) => Record<string, string | string[]> };
  /** Full control over the body: type, framing, raw bytes. */
  raw?: { path: string; as?: "alice" | "anon"; contentType?: string; body: string | Buffer; chunked?: boolean; contentLength?: string };
};

type Versions = { hours: string; whatsapp: string; booking: string; profile: string };

const hours = (v: Versions, over: Record<string, string | string[]>) => ({
  timezone: "Asia/Dubai",
  "weekly.1[0].start": "10:00",
  "weekly.1[0].end": "18:00",
  "weekly.2[0].start": "10:00",
  "weekly.2[0].end": "18:00",
  version: v.hours,
  ...over,
});
const whatsapp = (v: Versions, over: Record<string, string>) => ({
  enabled: "on",
  phoneE164: "+971 50 765 4321",
  messageTemplate: "Book {date} {time}",
  version: v.whatsapp,
  ...over,
});
const booking = (v: Versions, over: Record<string, string>) => ({
  slotMinutes: "30",
  bufferMinutes: "5",
  minNoticeHours: "1",
  horizonDays: "7",
  version: v.booking,
  ...over,
});
const profile = (v: Versions, over: Record<string, string>) => ({
  publicSlug: `alice-${backend}`,
  displayName: "Alice B",
  version: v.profile,
  ...over,
});

const name = textMessages("The display name");
const template = textMessages("The message", true);
const SLOT_RANGE = "Slot length must be a whole number of minutes from 10 to 240";
const FORM_ROUTES = [
  "/login",
  "/signup",
  "/logout",
  "/forgot-password",
  "/reset-password",
  "/settings",
  "/settings/hours",
  "/settings/whatsapp",
  "/settings/booking",
  "/settings/calendar",
  "/settings/password",
];
const big = (n: number) => `email=a%40b.c&password=${"x".repeat(n)}`;

const CASES: Case[] = [
  // --- the body itself: type and size, on every form route -----------------------------------
  ...FORM_ROUTES.map((path) => ({
    name: `JSON body to ${path}`,
    status: 415,
    message: BODY_MESSAGES.unsupported,
    raw: { path, as: "alice" as const, contentType: "application/json", body: '{"displayName":"x"}' },
  })),
  ...["/settings", "/settings/whatsapp", "/login"].map((path) => ({
    name: `text/plain body to ${path}`,
    status: 415,
    message: BODY_MESSAGES.unsupported,
    raw: { path, as: "alice" as const, contentType: "text/plain", body: "displayName=x" },
  })),
  {
    name: "XML body",
    status: 415,
    message: BODY_MESSAGES.unsupported,
    raw: { path: "/settings/booking", as: "alice", contentType: "application/xml", body: "<a/>" },
  },
  {
    name: "body without a Content-Type",
    status: 415,
    message: BODY_MESSAGES.unsupported,
    raw: { path: "/settings", as: "alice", body: "displayName=x" },
  },
  ...["/settings", "/settings/whatsapp", "/login"].map((path) => ({
    name: `70 kB body with Content-Length to ${path}`,
    status: 413,
    message: BODY_MESSAGES.tooLarge(64 * 1024),
    raw: { path, as: "alice" as const, contentType: "application/x-www-form-urlencoded", body: big(70_000) },
  })),
  {
    name: "20 MB announced, never sent (refused before reading)",
    status: 413,
    message: BODY_MESSAGES.tooLarge(64 * 1024),
    raw: { path: "/settings", as: "alice", contentType: "application/x-www-form-urlencoded", body: "", contentLength: "20000000" },
  },
  {
    name: "70 kB chunked body (no length up front)",
    status: 413,
    message: BODY_MESSAGES.tooLarge(64 * 1024),
    raw: { path: "/settings/booking", as: "alice", contentType: "application/x-www-form-urlencoded", body: big(70_000), chunked: true },
  },

  // --- profile -------------------------------------------------------------------------------
  ...(
    [
      ["NUL", "Al\u0000ice", name.control],
      ["ESC", "Al\u001bice", name.control],
      ["BEL", "Alice\u0007", name.control],
      ["DEL", "Al\u007fice", name.control],
      ["C1 CSI", "Al\u009bice", name.control],
      ["a line break", "Alice\nBob", name.control],
      ["a tab", "Alice\tB", name.control],
      ["right-to-left override", "Alice \u202eevil", name.bidi],
      ["left-to-right embedding", "\u202aAlice", name.bidi],
      ["first-strong isolate", "Alice\u2068", name.bidi],
      ["pop directional isolate", "Alice\u2069", name.bidi],
      ["U+FFFD (undecodable bytes)", "Alice\ufffd", name.broken],
    ] as const
  ).map(([what, value, message]) => ({
    name: `display name with ${what}`,
    status: 400,
    message,
    form: { path: "/settings?index", fields: (v: Versions) => profile(v, { displayName: value }) },
  })),
  {
    name: "display name with an encoded lone surrogate (raw bytes)",
    status: 400,
    message: name.broken,
    raw: {
      path: "/settings?index",
      as: "alice",
      contentType: "application/x-www-form-urlencoded",
      body: `publicSlug=alice-${backend}&displayName=A%ED%A0%80B&version=VERSION:profile`,
    },
  },
  {
    name: "display name too long",
    status: 400,
    message: SETTINGS_MESSAGES.displayNameTooLong,
    form: { path: "/settings?index", fields: (v) => profile(v, { displayName: "x".repeat(81) }) },
  },
  {
    name: "slug with NUL",
    status: 400,
    message: textMessages("The address").control,
    form: { path: "/settings?index", fields: (v) => profile(v, { publicSlug: "alice\u0000x" }) },
  },

  // --- WhatsApp ------------------------------------------------------------------------------
  ...["Hi! Can I book {date}?", "Hi at {time}", "Hi, can I book a slot?"].map((t) => ({
    name: `template without both placeholders: ${t}`,
    status: 400,
    message: SETTINGS_MESSAGES.templateNeedsDateAndTime,
    form: { path: "/settings/whatsapp", fields: (v: Versions) => whatsapp(v, { messageTemplate: t }) },
  })),
  ...(
    [
      ["NUL", "Hi {date}\u0000 {time}", template.control],
      ["ESC", "Hi \u001b[31m{date} {time}", template.control],
      ["BEL", "Hi {date} {time}\u0007", template.control],
      ["C1 NEL", "Hi {date}\u0085{time}", template.control],
      ["vertical tab", "Hi {date}\u000b{time}", template.control],
      ["right-to-left override", "Hi \u202e{date} {time}", template.bidi],
      ["right-to-left isolate", "Hi \u2067{date} {time}", template.bidi],
      ["U+FFFD", "Hi {date} {time} \ufffd", template.broken],
    ] as const
  ).map(([what, value, message]) => ({
    name: `template with ${what}`,
    status: 400,
    message,
    form: { path: "/settings/whatsapp", fields: (v: Versions) => whatsapp(v, { messageTemplate: value }) },
  })),
  {
    name: "template with an unknown placeholder",
    status: 400,
    message: unknownPlaceholderMessage("name"),
    form: { path: "/settings/whatsapp", fields: (v) => whatsapp(v, { messageTemplate: "Hi {name}, {date} {time}" }) },
  },
  {
    name: "phone with NUL",
    status: 400,
    message: textMessages("The WhatsApp number").control,
    form: { path: "/settings/whatsapp", fields: (v) => whatsapp(v, { phoneE164: "+971 50\u0000 765 4321" }) },
  },
  {
    name: "phone with a bidi override",
    status: 400,
    message: textMessages("The WhatsApp number").bidi,
    form: { path: "/settings/whatsapp", fields: (v) => whatsapp(v, { phoneE164: "\u202e+971 50 765 4321" }) },
  },

  // --- booking numbers: plain decimal integers only -------------------------------------------
  ...["0x3C", "1e2", "60.0", "+60", "６０", "sixty", "-5", "0", "9999999999", "6 0"].map((value) => ({
    name: `slot length ${JSON.stringify(value)}`,
    status: 400,
    message: SLOT_RANGE,
    form: { path: "/settings/booking", fields: (v: Versions) => booking(v, { slotMinutes: value }) },
  })),
  {
    name: "slot length empty",
    status: 400,
    message: "Enter the slot length in minutes",
    form: { path: "/settings/booking", fields: (v) => booking(v, { slotMinutes: "" }) },
  },
  {
    name: "horizon 0x10",
    status: 400,
    message: "Booking horizon must be a whole number of days from 1 to 90",
    form: { path: "/settings/booking", fields: (v) => booking(v, { horizonDays: "0x10" }) },
  },

  // --- working hours ---------------------------------------------------------------------------
  {
    name: "time zone with NUL",
    status: 400,
    message: textMessages("The time zone").control,
    form: { path: "/settings/hours", fields: (v) => hours(v, { timezone: "Asia/Dubai\u0000" }) },
  },
  {
    name: "time zone with a bidi override",
    status: 400,
    message: textMessages("The time zone").bidi,
    form: { path: "/settings/hours", fields: (v) => hours(v, { timezone: "\u202eAsia/Dubai" }) },
  },
  {
    name: "start time with ESC",
    status: 400,
    message: textMessages("The time").control,
    form: { path: "/settings/hours", fields: (v) => hours(v, { "weekly.1[0].start": "09:00\u001b" }) },
  },
  {
    name: "two ranges of one day that overlap",
    status: 400,
    message: HOURS_MESSAGES.overlap("11:00–12:00", "10:00–18:00"),
    form: { path: "/settings/hours", fields: (v) => hours(v, { "weekly.1[1].start": "11:00", "weekly.1[1].end": "12:00" }) },
  },
  {
    name: "a time that is not a time of day",
    status: 400,
    message: SETTINGS_MESSAGES.time,
    form: { path: "/settings/hours", fields: (v) => hours(v, { "weekly.2[0].end": "25:00" }) },
  },

  // --- calendar --------------------------------------------------------------------------------
  {
    name: "connect with an unknown calendar type",
    status: 400,
    message: CALENDAR_TYPE_MESSAGE,
    form: {
      path: "/settings/calendar",
      fields: () => ({ intent: "connect", type: "exchange", serverUrl: "https://x.example", username: "a", password: "b" }),
    },
  },
  {
    name: "connect with NUL in the username",
    status: 400,
    message: textMessages("The username").control,
    form: {
      path: "/settings/calendar",
      fields: () => ({ intent: "connect", type: "caldav", serverUrl: "https://x.example", username: "a\u0000b", password: "b" }),
    },
  },
  {
    name: "connect with a javascript: server address",
    status: 400,
    message: "Enter an http:// or https:// address",
    form: {
      path: "/settings/calendar",
      fields: () => ({ intent: "connect", type: "caldav", serverUrl: "javascript:alert(1)", username: "a", password: "b" }),
    },
  },
  {
    name: "connect iCloud with a bidi character in the Apple ID",
    status: 400,
    message: textMessages("The Apple ID").bidi,
    form: {
      path: "/settings/calendar",
      fields: () => ({ intent: "connect", type: "icloud", username: "a\u202e@icloud.com", password: "abcd-efgh-ijkl-mnop" }),
    },
  },
  {
    name: "disconnect another user's connection",
    status: 404,
    message: NO_SUCH_CONNECTION,
    form: { path: "/settings/calendar", fields: () => ({ intent: "disconnect", integrationId: bobIntegrationId }) },
  },
  {
    name: "disconnect an id that never existed",
    status: 404,
    message: NO_SUCH_CONNECTION,
    form: { path: "/settings/calendar", fields: () => ({ intent: "disconnect", integrationId: "00000000-0000-4000-8000-000000000000" }) },
  },
  {
    name: "disconnect a malformed id",
    status: 404,
    message: NO_SUCH_CONNECTION,
    form: { path: "/settings/calendar", fields: () => ({ intent: "disconnect", integrationId: "1 or 1=1" }) },
  },
  {
    name: "select exactly one calendar that is not in the account",
    status: 400,
    message: "These calendars are not in your connected account",
    form: { path: "/settings/calendar", fields: () => ({ intent: "select", selectedCalendarIds: "https://cal.example.com/gone/" }) },
  },
  {
    name: "select a javascript: calendar",
    status: 400,
    message: SETTINGS_MESSAGES.calendarUrl,
    form: { path: "/settings/calendar", fields: () => ({ intent: "select", selectedCalendarIds: ["javascript:alert(1)"] }) },
  },
  {
    name: "select a calendar address with NUL",
    status: 400,
    message: SETTINGS_MESSAGES.calendarUrl,
    form: { path: "/settings/calendar", fields: () => ({ intent: "select", selectedCalendarIds: ["https://x.example/a\u0000/"] }) },
  },
  {
    name: "an unknown intent",
    status: 400,
    message: "Unknown action",
    form: { path: "/settings/calendar", fields: () => ({ intent: "drop-table" }) },
  },

  // --- sign-in, sign-up, password -------------------------------------------------------------
  {
    name: "sign in with NUL in the email",
    status: 400,
    message: textMessages("The email address").control,
    form: { path: "/login", as: "anon", fields: () => ({ email: `al\u0000ice@example.com`, password: "x" }) },
  },
  {
    name: "sign in with a bidi override in the email",
    status: 400,
    message: textMessages("The email address").bidi,
    form: { path: "/login", as: "anon", fields: () => ({ email: "\u202ealice@example.com", password: "x" }) },
  },
  {
    name: "sign in without a password",
    status: 400,
    message: "Enter your password",
    form: { path: "/login", as: "anon", fields: () => ({ email: ALICE }) },
  },
  {
    name: "sign up with NUL in the password",
    status: 400,
    message: textMessages("The password").control,
    form: { path: "/signup", as: "anon", fields: () => ({ email: "new-nul@example.com", password: "secret\u0000secret" }) },
  },
  {
    name: "sign up with a short password",
    status: 400,
    message: "Use at least 8 characters",
    form: { path: "/signup", as: "anon", fields: () => ({ email: "new-short@example.com", password: "short" }) },
  },
  {
    name: "sign up with a taken email",
    status: 400,
    message: "An account with this email already exists",
    form: { path: "/signup", as: "anon", fields: () => ({ email: ALICE, password: "another-password-1" }) },
  },
  {
    name: "change password with the wrong current password",
    status: 400,
    message: "Your current password is wrong.",
    form: {
      path: "/settings/password",
      fields: () => ({ intent: "change-password", currentPassword: "wrong-password", newPassword: "brand-new-pass-1" }),
    },
  },
  {
    name: "change password to one with ESC",
    status: 400,
    message: textMessages("The password").control,
    form: {
      path: "/settings/password",
      fields: () => ({ intent: "change-password", currentPassword: PASSWORD, newPassword: "brand\u001bnew-pass" }),
    },
  },
  {
    name: "reset with a malformed token",
    status: 400,
    message: "This link is invalid or has expired.",
    form: { path: "/reset-password", as: "anon", fields: () => ({ token: "x'; drop table", newPassword: "brand-new-pass-1" }) },
  },
  {
    name: "reset with a token that was never issued",
    status: 400,
    message: "This link is invalid, already used or expired.",
    form: { path: "/reset-password", as: "anon", fields: () => ({ token: "A".repeat(43), newPassword: "brand-new-pass-1" }) },
  },
  {
    name: "email reset asked for in local mode",
    status: 400,
    message: "Ask the person who runs this site",
    form: { path: "/forgot-password", as: "anon", fields: () => ({ email: ALICE }) },
  },
];

describe(`bad input over HTTP (${backend})`, () => {
  const outcomes: { name: string; status: number }[] = [];

  it(`has at least 60 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  for (const c of CASES) {
    it(c.name, async () => {
      const versions: Versions = {
        hours: await version(alice, "/settings/hours"),
        whatsapp: await version(alice, "/settings/whatsapp"),
        booking: await version(alice, "/settings/booking"),
        profile: await version(alice, "/settings"),
      };
      const before = await snapshot();
      let status: number;
      let text: string;
      if (c.form) {
        const client = c.form.as === "anon" ? anon : alice;
        const res = await client.post(c.form.path, c.form.fields(versions));
        status = res.status;
        text = await res.text();
      } else {
        const r = c.raw!;
        const cookie = r.as === "anon" ? "" : alice.cookie();
        const body = typeof r.body === "string" ? r.body.replace("VERSION:profile", encodeURIComponent(versions.profile)) : r.body;
        const res = await rawRequest(app.url, {
          path: r.path,
          body,
          chunked: r.chunked,
          headers: {
            ...(r.contentType ? { "Content-Type": r.contentType } : {}),
            ...(cookie ? { Cookie: cookie } : {}),
            ...(r.contentLength ? { "Content-Length": r.contentLength } : {}),
          },
        });
        status = res.status;
        text = res.text;
      }
      outcomes.push({ name: c.name, status });
      expect(status, text.slice(0, 400)).toBe(c.status);
      expect(decodeHtml(text)).toContain(c.message);
      expect(await snapshot(), "the database changed").toBe(before);
    });
  }

  it("counts: every case a 4xx, none ≥ 500, no false success", () => {
    const byStatus: Record<number, number> = {};
    for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    console.log(`[bad-inputs ${backend}] ${outcomes.length} cases, statuses ${JSON.stringify(byStatus)}`);
    expect(outcomes).toHaveLength(CASES.length);
    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    expect(outcomes.filter((o) => o.status < 400)).toEqual([]);
  });

  describe("positive controls: the same requests, valid, do change the database", () => {
    it("profile, WhatsApp (CRLF line breaks), booking (' 45 ' read as 45), hours", async () => {
      const before = await snapshot();
      const v = await version(alice, "/settings/booking");
      await expectRedirect(await alice.post("/settings/booking", booking({ booking: v } as Versions, { slotMinutes: " 45 " })), "booking");
      const w = await version(alice, "/settings/whatsapp");
      await expectRedirect(
        await alice.post("/settings/whatsapp", whatsapp({ whatsapp: w } as Versions, { messageTemplate: "Hi!\r\n{date} at {time}" })),
        "whatsapp",
      );
      const p = await version(alice, "/settings");
      await expectRedirect(
        await alice.post("/settings?index", profile({ profile: p } as Versions, { displayName: "Alice \u200fB" })),
        "profile",
      );
      const [row] = await db.query<{ settings: Record<string, Record<string, unknown>> }>(
        "select p.settings from public.providers p join auth.users u on u.id = p.owner_user_id where u.email = $1",
        [ALICE],
      );
      expect(row.settings.booking.slotMinutes).toBe(45);
      expect(row.settings.whatsapp.messageTemplate).toBe("Hi!\n{date} at {time}");
      expect(row.settings.displayName).toBe("Alice \u200fB");
      expect(await snapshot()).not.toBe(before);
    });

    it("a chunked form body under the limit reaches the action intact", async () => {
      const before = await snapshot();
      const v = await version(alice, "/settings/booking");
      const body = new URLSearchParams(booking({ booking: v } as Versions, { slotMinutes: "50" })).toString();
      const res = await rawRequest(app.url, {
        path: "/settings/booking",
        body: body + "&pad=" + "x".repeat(30_000),
        chunked: true,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: alice.cookie() },
      });
      expect(res.status, res.text.slice(0, 300)).toBe(302);
      expect(await snapshot()).not.toBe(before);
    });

    it("multipart/form-data is a form too", async () => {
      const v = await version(alice, "/settings/booking");
      const fd = new FormData();
      for (const [k, val] of Object.entries(booking({ booking: v } as Versions, { slotMinutes: "40" }))) fd.append(k, val);
      const res = await fetch(`${app.url}/settings/booking`, {
        method: "POST",
        body: fd,
        headers: { Cookie: alice.cookie() },
        redirect: "manual",
      });
      expect(res.status).toBe(302);
    });

    it("disconnecting one's own connection works (and Bob's is still there)", async () => {
      const [{ id: aliceId }] = await db.query<{ id: string }>("select id from auth.users where email = $1", [ALICE]);
      const [own] = await db.query<{ id: string }>(
        `insert into public.integrations (user_id, integration_type, label, status, external_username)
         values ($1, 'caldav', 'CalDAV (alice)', 'active', 'alice') returning id`,
        [aliceId],
      );
      const res = await alice.post("/settings/calendar", { intent: "disconnect", integrationId: own.id });
      expect(res.headers.get("location")).toBe("/settings/calendar?disconnected=1");
      expect(await db.query("select 1 from public.integrations where id = $1", [own.id])).toHaveLength(0);
      expect(await db.query("select 1 from public.integrations where id = $1", [bobIntegrationId])).toHaveLength(1);
    });
  });
});
