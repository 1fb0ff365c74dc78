/**
 * Issue 10 in the browser, with JavaScript on and off: an ICS subscription feed is connected
 * through the plain form and blocks time on the public page; its secret address is never shown
 * back; a feed whose event cannot be read fails the page closed and the settings page names the
 * event. The feeds are served by a local HTTP server started by this file.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { expect, test, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { saveBookingRules, saveProfile, saveWhatsApp, saveWorkingHours, signUp, uniqueEmail, vevent } from "./calendar-support";

const ZONE = "Asia/Dubai";
const UNAVAILABLE = "Availability cannot be shown right now";
const feeds = new Map<string, string>();
let server: Server;
let base: string;

function tomorrow() {
  return DateTime.now().setZone(ZONE).plus({ days: 1 }).setLocale("en-GB");
}
function tomorrowAt(hour: number): number {
  return tomorrow().set({ hour, minute: 0, second: 0, millisecond: 0 }).toMillis();
}

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const body = feeds.get(req.url ?? "");
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/calendar; charset=utf-8" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

test.afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function setUp(page: Page) {
  await signUp(page, uniqueEmail("feed"));
  await saveWorkingHours(page, { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" });
  await saveBookingRules(page, { slot: 60, buffer: 0, notice: 0, horizon: 7 });
  await saveWhatsApp(page, { phone: "+971 50 123 4567", template: "Hi! Can I book {date} at {time}?" });
}

/** Adds a feed through the settings form (plain POST without JavaScript). */
async function addFeed(page: Page, url: string, name: string) {
  await page.goto("/settings/calendar");
  const block = page.getByTestId("ics-feeds");
  if ((await block.getAttribute("open")) === null) await block.locator("summary").click();
  await block.getByLabel("Secret calendar address").fill(url);
  await block.getByLabel("Name (optional)").fill(name);
  await block.getByRole("button", { name: "Add calendar feed" }).click();
  await expect(page).toHaveURL(/\/settings\/calendar\?feed=1$/);
  await expect(page.getByText("Calendar feed added. Its events now count as busy.")).toBeVisible();
}

async function tomorrowTimes(page: Page): Promise<string[]> {
  const day = page.locator("section", { has: page.locator(`h2#d-${tomorrow().toISODate()}`) });
  await expect(day).toBeVisible();
  return (await day.getByRole("link").allInnerTexts()).map((t) => t.trim());
}

test("an ICS feed blocks time on the public page; its address is never shown back", async ({ page }) => {
  const secret = `private-${randomUUID()}`;
  const path = `/calendar/ical/${secret}/basic.ics`;
  feeds.set(path, vevent({ uid: "feed-meeting", start: tomorrowAt(10), end: tomorrowAt(12), summary: "Client call" }));
  await setUp(page);
  await addFeed(page, `${base}${path}`, "Work feed");
  await expect(page.getByTestId("ics-feed")).toContainText("Work feed");
  expect(await page.content()).not.toContain(secret);
  // Selected at once.
  await expect(page.getByRole("checkbox", { name: "Work feed (feed)" })).toBeChecked();

  const slug = `feed-${randomUUID().slice(0, 8)}`;
  await saveProfile(page, { slug, publish: true });
  await page.goto(`/c/${slug}`);
  const times = await tomorrowTimes(page);
  expect(times).toContain("09:00");
  expect(times).not.toContain("10:00");
  expect(times).not.toContain("11:00");
  expect(times).toContain("12:00");

  // Health: read fine.
  await page.goto("/settings/calendar");
  await expect(page.getByTestId("calendar-health-row")).toContainText("Work feed: read fine");
});

test("a feed event that cannot be read fails the page closed and is named on the settings page", async ({ page }) => {
  const path = `/broken/${randomUUID()}.ics`;
  const good = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//e2e//feed//EN", "END:VCALENDAR", ""].join("\r\n");
  feeds.set(path, good);
  await setUp(page);
  await addFeed(page, `${base}${path}`, "Holidays");
  // The calendar changes on the other side: one event without a start.
  feeds.set(
    path,
    [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//e2e//feed//EN",
      "BEGIN:VEVENT",
      "UID:broken-1@e2e",
      "DTSTAMP:20260101T000000Z",
      "SUMMARY:Broken dentist",
      "DTEND:20261209T100000Z",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n"),
  );
  const slug = `feed-${randomUUID().slice(0, 8)}`;
  await saveProfile(page, { slug, publish: true });
  await page.goto(`/c/${slug}`);
  await expect(page.getByText(UNAVAILABLE)).toBeVisible();
  await expect(page.locator("ul.slots a")).toHaveCount(0);

  await page.goto("/settings/calendar");
  const row = page.getByTestId("calendar-health-row");
  await expect(row).toContainText("Holidays: cannot be read");
  await expect(row.getByTestId("broken-event")).toHaveText("Broken dentist");

  // Fixed in the calendar: "Check now" (a plain POST) clears it.
  feeds.set(path, good);
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page).toHaveURL(/\/settings\/calendar\?checked=1$/);
  await expect(page.getByTestId("calendar-health-row")).toContainText("Holidays: read fine");
});
