/**
 * Benchmark fixture: two Radicale calendars with a few dozen events (single, recurring with
 * exceptions, all-day, transparent), and a provider who signs up and connects them through the
 * app's own HTML forms, exactly as a person would (no database shortcuts).
 */
import { DateTime } from "luxon";
import { expectRedirect, formClient, hiddenVersion, decodeHtml, weekFields, type FormClient } from "../support/app-server";
import type { RadicaleServer } from "../support/radicale";
import { VTZ_BERLIN } from "../support/ical-fixtures";
import { mulberry32 } from "./prng";

export const BENCH_ZONE = "Europe/Berlin";
export const BENCH_PROVIDER = {
  email: "bench@example.com",
  password: "bench-password-123",
  slug: "bench-radicale",
  displayName: "Bench Physio",
  radicaleUser: "alice",
  radicalePassword: "alice-pass-1",
};

const ics = (...parts: string[][]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//slotline//bench//EN", ...parts.flat(), "END:VCALENDAR", ""].join("\r\n");
const vevent = (uid: string, ...lines: string[]) => ["BEGIN:VEVENT", `UID:${uid}`, "DTSTAMP:20260101T000000Z", ...lines, "END:VEVENT"];
const utc = (d: DateTime) => d.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
const local = (d: DateTime) => d.toFormat("yyyyMMdd'T'HHmmss");

/** Creates "work" and "personal" for alice and fills them; returns the number of events stored. */
export async function seedCalendars(radicale: RadicaleServer, now = Date.now()): Promise<{ calendars: string[]; events: number }> {
  const { radicaleUser: user, radicalePassword: pw } = BENCH_PROVIDER;
  const work = await radicale.createCalendar(user, pw, "work", { displayName: "Work", color: "#1e88e5" });
  const personal = await radicale.createCalendar(user, pw, "personal", { displayName: "Personal", color: "#43a047" });
  const today = DateTime.fromMillis(now, { zone: BENCH_ZONE }).startOf("day");
  const rand = mulberry32(0xbe7c);
  let events = 0;
  const put = async (cal: string, uid: string, body: string) => {
    await radicale.putEvent(user, pw, cal, uid, body);
    events++;
  };

  // 24 + 16 single appointments over the next 30 days, 30-120 minutes, between 08:00 and 18:00.
  for (const [cal, name, count] of [
    [work, "work", 24],
    [personal, "personal", 16],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const start = today.plus({ days: Math.floor(rand() * 30), hours: 8 + Math.floor(rand() * 9), minutes: rand() < 0.5 ? 0 : 30 });
      const end = start.plus({ minutes: 30 * (1 + Math.floor(rand() * 4)) });
      await put(cal, `${name}-${i}`, ics(vevent(`${name}-${i}`, `SUMMARY:${name} ${i}`, `DTSTART:${utc(start)}`, `DTEND:${utc(end)}`)));
    }
  }

  // Recurring, started a year ago: Mon/Wed/Fri 10:00-11:00 with one EXDATE and one moved occurrence.
  const seriesStart = today.minus({ years: 1 }).set({ weekday: 1, hour: 10 });
  const nextMonday = today.plus({ weeks: 1 }).set({ weekday: 1, hour: 10 });
  const nextWednesday = nextMonday.set({ weekday: 3 });
  await put(
    work,
    "series-mwf",
    ics(
      VTZ_BERLIN,
      vevent(
        "series-mwf",
        "SUMMARY:Team session",
        `DTSTART;TZID=${BENCH_ZONE}:${local(seriesStart)}`,
        `DTEND;TZID=${BENCH_ZONE}:${local(seriesStart.plus({ hours: 1 }))}`,
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
        `EXDATE;TZID=${BENCH_ZONE}:${local(nextMonday)}`,
      ),
      vevent(
        "series-mwf",
        "SUMMARY:Team session (moved)",
        `RECURRENCE-ID;TZID=${BENCH_ZONE}:${local(nextWednesday)}`,
        `DTSTART;TZID=${BENCH_ZONE}:${local(nextWednesday.set({ hour: 15 }))}`,
        `DTEND;TZID=${BENCH_ZONE}:${local(nextWednesday.set({ hour: 16 }))}`,
      ),
    ),
  );
  // Daily 12:30-13:30 lunch for 60 occurrences.
  const lunch = today.minus({ days: 10 }).set({ hour: 12, minute: 30 });
  await put(
    personal,
    "lunch",
    ics(
      VTZ_BERLIN,
      vevent(
        "lunch",
        "SUMMARY:Lunch",
        `DTSTART;TZID=${BENCH_ZONE}:${local(lunch)}`,
        `DTEND;TZID=${BENCH_ZONE}:${local(lunch.plus({ hours: 1 }))}`,
        "RRULE:FREQ=DAILY;COUNT=60",
      ),
    ),
  );
  // Every second Tuesday 16:00-18:00 until 3 months from now.
  const tue = today.set({ weekday: 2, hour: 16 });
  await put(
    personal,
    "fortnightly",
    ics(
      VTZ_BERLIN,
      vevent(
        "fortnightly",
        "SUMMARY:Course",
        `DTSTART;TZID=${BENCH_ZONE}:${local(tue)}`,
        `DTEND;TZID=${BENCH_ZONE}:${local(tue.plus({ hours: 2 }))}`,
        `RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=${utc(today.plus({ months: 3 }))}`,
      ),
    ),
  );
  // An all-day day off and a transparent (free) reminder.
  const dayOff = today.plus({ days: 9 });
  await put(
    personal,
    "day-off",
    ics(
      vevent(
        "day-off",
        "SUMMARY:Day off",
        `DTSTART;VALUE=DATE:${dayOff.toFormat("yyyyMMdd")}`,
        `DTEND;VALUE=DATE:${dayOff.plus({ days: 1 }).toFormat("yyyyMMdd")}`,
      ),
    ),
  );
  const reminder = today.plus({ days: 2, hours: 9 });
  await put(
    work,
    "reminder",
    ics(
      vevent("reminder", "SUMMARY:Reminder", "TRANSP:TRANSPARENT", `DTSTART:${utc(reminder)}`, `DTEND:${utc(reminder.plus({ hours: 8 }))}`),
    ),
  );
  return { calendars: [work, personal], events };
}

async function versionOf(client: FormClient, pathname: string): Promise<{ html: string; version: string }> {
  const res = await client.get(pathname);
  const html = await res.text();
  if (res.status !== 200) throw new Error(`GET ${pathname}: HTTP ${res.status}: ${html.slice(0, 500)}`);
  return { html, version: hiddenVersion(html) };
}

/**
 * Signs up, fills every settings section, connects the Radicale account, selects both calendars
 * (as listed by the app on its calendar page) and publishes the page at /c/<slug>.
 */
export async function createProviderThroughForms(
  appUrl: string,
  radicale: RadicaleServer,
  expectedCalendars: string[],
): Promise<FormClient> {
  const p = BENCH_PROVIDER;
  const client = formClient(appUrl);
  await expectRedirect(await client.post("/signup", { email: p.email, password: p.password, redirectTo: "/settings" }), "sign up");

  const hours = await versionOf(client, "/settings/hours");
  await expectRedirect(
    await client.post("/settings/hours", {
      version: hours.version,
      timezone: BENCH_ZONE,
      ...weekFields([1, 2, 3, 4, 5, 6], "08:00", "18:00"),
    }),
    "save working hours",
  );
  const wa = await versionOf(client, "/settings/whatsapp");
  await expectRedirect(
    await client.post("/settings/whatsapp", {
      version: wa.version,
      enabled: "on",
      phoneE164: "+49 151 23456789",
      messageTemplate: "Hello! Could I book {date} at {time}?",
    }),
    "save WhatsApp",
  );
  const booking = await versionOf(client, "/settings/booking");
  await expectRedirect(
    await client.post("/settings/booking", {
      version: booking.version,
      slotMinutes: "30",
      bufferMinutes: "10",
      minNoticeHours: "2",
      horizonDays: "30",
    }),
    "save booking rules",
  );

  await expectRedirect(
    await client.post("/settings/calendar", {
      intent: "connect",
      type: "caldav",
      serverUrl: `${radicale.url}/`,
      username: p.radicaleUser,
      password: p.radicalePassword,
    }),
    "connect the CalDAV account",
  );
  const cal = await versionOf(client, "/settings/calendar");
  const listed = [...cal.html.matchAll(/<input[^>]*name="selectedCalendarIds"[^>]*value="([^"]+)"/g)].map((m) => decodeHtml(m[1]));
  for (const url of expectedCalendars)
    if (!listed.includes(url)) throw new Error(`calendar page does not list ${url}; it lists: ${listed.join(", ")}`);
  await expectRedirect(
    await client.post("/settings/calendar", { intent: "select", version: cal.version, selectedCalendarIds: listed }),
    "select calendars",
  );

  const profile = await versionOf(client, "/settings");
  await expectRedirect(
    await client.post("/settings?index", { version: profile.version, publicSlug: p.slug, displayName: p.displayName, isPublic: "on" }),
    "publish the page",
  );
  return client;
}
