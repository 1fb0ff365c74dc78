/**
 * The tap re-checks against busy times no older than 30 s, while the page may show an older copy:
 * an event added to the calendar after the page was rendered is refused at tap time. Also the
 * bounded wait (CALDAV_PUBLIC_WAIT_MS) when the calendar does not answer. In-process, with the
 * clock injected and a real Radicale.
 */
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { openEmbedded, withUser, type Database } from "~/server/db.server";
import { resetEnvCache } from "~/server/env.server";
import { migrate, migrationPaths } from "~/server/migrate.server";
import { encryptCredentials } from "~/modules/calendar/accounts.server";
import { upsertIntegration } from "~/modules/calendar/integrations.server";
import { clearBusyCache, getBusyCached } from "~/modules/calendar/busy-cache.server";
import { busySelection } from "~/modules/calendar/busy-times.server";
import { findPublishedProvider } from "~/modules/booking-page/published-provider.server";
import { availabilityWindow } from "~/modules/booking-page/availability";
import { buildPublicPage } from "~/modules/booking-page/page.server";
import { checkSlot, tapSlot, TAP_BUSY_MAX_AGE_MS } from "~/modules/booking-page/book.server";
import { bookHref, formatStartParam } from "~/modules/booking-page/book-links";

Object.assign(process.env, {
  ENCRYPTION_KEY: "k:" + Buffer.alloc(32, 5).toString("base64"),
  HOLD_SALT: "caldav-test-hold-salt-0123456789abcdef0123",
  CALDAV_PUBLIC_WAIT_MS: "500",
  CALDAV_TIMEOUT_MS: "5000",
  CALDAV_ALLOW_PRIVATE_NETWORKS: "true",
});
resetEnvCache();

const ZONE = "Asia/Dubai";
const ALICE = { name: "alice", password: "alice-pass-1" };
let radicale: RadicaleServer;
let db: Database;
let calendarUrl: string;
let silent: net.Server;
let silentPort: number;

async function provider(slug: string, serverUrl: string, calendars: string[]) {
  const [{ id: user }] = await db.query<{ id: string }>("insert into auth.users (email) values ($1) returning id", [`${slug}@example.com`]);
  await withUser(db, user, async (tx) => {
    await upsertIntegration(
      tx,
      user,
      { type: "caldav", label: "CalDAV", username: ALICE.name, email: null },
      encryptCredentials({ serverUrl, username: ALICE.name, password: ALICE.password }),
    );
    await tx.query(
      "insert into public.providers (owner_user_id, public_slug, is_public, timezone, settings) values ($1, $2, true, $3, $4::jsonb)",
      [
        user,
        slug,
        ZONE,
        JSON.stringify({
          workingHours: { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" },
          whatsapp: { enabled: true, phoneE164: "+971501234567", messageTemplate: "Hi! Can I book {date} at {time}? (ref {ref})" },
          booking: { slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 14 },
          calendar: { selectedCalendarIds: calendars },
        }),
      ],
    );
  });
}

beforeAll(async () => {
  radicale = await startRadicale({ users: [ALICE] });
  calendarUrl = await radicale.createCalendar(ALICE.name, ALICE.password, "work", { displayName: "Work" });
  db = await openEmbedded(undefined);
  const root = path.resolve(__dirname, "../..");
  await migrate(db, migrationPaths(root));
  globalThis.__db = Promise.resolve(db);
  // A calendar server that accepts connections and never answers.
  silent = net.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentPort = (silent.address() as net.AddressInfo).port;
  clearBusyCache();
  await provider("fresh-check", radicale.url, [calendarUrl]);
  await provider("silent-cal", `http://127.0.0.1:${silentPort}`, [`http://127.0.0.1:${silentPort}/alice/work/`]);
}, 60_000);
afterAll(async () => {
  globalThis.__db = undefined;
  silent?.close();
  await db?.close();
  await radicale?.stop();
});

describe("the tap reads the calendar afresh", () => {
  it("an event added after the page was rendered is refused at tap time (busy times no older than 30 s)", async () => {
    const now = Date.now();
    const start = DateTime.fromMillis(now, { zone: ZONE })
      .plus({ days: 2 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 })
      .toMillis();
    const page = await buildPublicPage("fresh-check", now);
    expect(JSON.stringify(page?.page.days)).toContain(bookHref("fresh-check", start));

    const utc = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyyLLdd'T'HHmmss'Z'");
    await radicale.putEvent(
      ALICE.name,
      ALICE.password,
      calendarUrl,
      "late",
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//t//t//EN",
        "BEGIN:VEVENT",
        "UID:late",
        `DTSTAMP:${utc(now)}`,
        `DTSTART:${utc(start)}`,
        `DTEND:${utc(start + 3_600_000)}`,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
      ].join("\r\n"),
    );

    // Within 30 s the cached copy counts (control: the check really depends on the copy's age).
    expect((await checkSlot("fresh-check", start, now + 5_000, db)).kind).toBe("free");
    // Past 30 s the tap reads the calendar again and refuses, with other times offered...
    const later = now + TAP_BUSY_MAX_AGE_MS + 1_000;
    const out = await tapSlot({
      slug: "fresh-check",
      start: formatStartParam(start),
      clientAddress: "203.0.113.9",
      preview: false,
      query: "",
      now: later,
      db,
    });
    expect(out.kind).toBe("taken");
    const alternatives = (out as { view: { alternatives: { href: string }[] } }).view.alternatives.map((a) => a.href);
    expect(alternatives).toHaveLength(3);
    expect(alternatives).not.toContain(bookHref("fresh-check", start));
    expect(await db.query("select 1 from public.bookings")).toHaveLength(0);
    // ...and the next slot, free in the calendar, is held (control).
    const next = await tapSlot({
      slug: "fresh-check",
      start: formatStartParam(start + 3_600_000),
      clientAddress: "203.0.113.9",
      preview: false,
      query: "",
      now: later,
      db,
    });
    expect(next.kind).toBe("redirect");
  });

  it("a calendar that does not answer: the tap waits at most CALDAV_PUBLIC_WAIT_MS, holds nothing, offers the chat", async () => {
    const now = Date.now();
    const start = DateTime.fromMillis(now, { zone: ZONE })
      .plus({ days: 2 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 })
      .toMillis();
    const t = Date.now();
    const out = await tapSlot({
      slug: "silent-cal",
      start: formatStartParam(start),
      clientAddress: "203.0.113.10",
      preview: false,
      query: "",
      now,
      db,
    });
    const waited = Date.now() - t;
    expect(out.kind).toBe("unavailable");
    expect((out as { view: { chatHref: string } }).view.chatHref).toMatch(/^https:\/\/wa\.me\/971501234567\?text=/);
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(2_500);
    expect(
      await db.query("select 1 from public.bookings b join public.providers p on p.id = b.provider_id where p.public_slug = 'silent-cal'"),
    ).toHaveLength(0);
  });

  it("a calendar that stops answering after a good read: the tap does not hold on the old copy, it offers the chat", async () => {
    const now = Date.now();
    const start = DateTime.fromMillis(now, { zone: ZONE })
      .plus({ days: 3 })
      .set({ hour: 11, minute: 0, second: 0, millisecond: 0 })
      .toMillis();
    const p = (await findPublishedProvider(db, "silent-cal"))!;
    // The previous test's read of the silent server is still running: start from no copy at all.
    clearBusyCache();
    // A good read now (as if the server had answered): the page may show it for hours.
    const window = availabilityWindow({ workingHours: p.workingHours!, rules: p.booking, now });
    await getBusyCached(p.ownerUserId, busySelection(p), window, async (urls) => urls.map((u) => ({ calendarUrl: u, busy: [] })), now);
    const tap = (at: number) =>
      tapSlot({
        slug: "silent-cal",
        start: formatStartParam(start),
        clientAddress: "203.0.113.11",
        preview: false,
        query: "",
        now: at,
        db,
      });
    // Control: within 30 s of that read the copy is recent enough and the slot is held.
    const recent = await tapSlot({
      slug: "silent-cal",
      start: formatStartParam(start + 3_600_000),
      clientAddress: "203.0.113.11",
      preview: false,
      query: "",
      now: now + 10_000,
      db,
    });
    expect(recent.kind).toBe("redirect");
    // A minute later the copy is too old for a tap; the refresh gets no answer within the wait:
    // no hold on the old copy, the chat instead.
    const out = await tap(now + 60_000);
    expect(out.kind).toBe("unavailable");
    expect((out as { view: { chatHref: string } }).view.chatHref).toMatch(/^https:\/\/wa\.me\/971501234567\?text=/);
    const held = await db.query<{ start_at: Date }>(
      "select b.start_at from public.bookings b join public.providers p on p.id = b.provider_id where p.public_slug = 'silent-cal'",
    );
    expect(held.map((r) => r.start_at.getTime())).toEqual([start + 3_600_000]);
  });
});
