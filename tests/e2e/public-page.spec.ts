/**
 * The public booking page /c/{slug}: a provider set up entirely through the settings pages, busy
 * times in a real CalDAV server (Radicale, started by this file), slots as wa.me links; failing
 * closed, 404s, caching headers and what the HTML must never contain. Runs with JavaScript on/off.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import {
  ACCOUNT_PASSWORD,
  connectCalDav,
  saveBookingRules,
  saveProfile,
  saveWhatsApp,
  saveWorkingHours,
  selectCalendars,
  signUp,
  uniqueEmail,
  vevent,
} from "./calendar-support";

const ZONE = "Asia/Dubai";
const PHONE = "+971 50 123 4567";
const WA_DIGITS = "971501234567";
const TEMPLATE = "Hi! Can I book {date} at {time}?";
const USERS = [
  { name: "alice", password: "alice-pass-1" },
  { name: "carol", password: "carol-pass-3" },
];
const UNAVAILABLE = "Availability cannot be shown right now";
const NOT_FOUND = "There is no booking page at this address.";

let radicale: RadicaleServer;

/** Tomorrow at hh:mm in the provider's zone, as epoch ms. */
function tomorrowAt(hour: number, minute = 0): number {
  return DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}

function tomorrow() {
  return DateTime.now().setZone(ZONE).plus({ days: 1 }).setLocale("en-GB");
}

/** Slot links go through the booking route (which holds the slot, then opens WhatsApp): UTC start, minutes. */
function expectedLink(slug: string, time: string): string {
  const [hour, minute] = time.split(":").map(Number);
  return `/c/${slug}/book/${tomorrow().set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toFormat("yyyy-LL-dd'T'HH:mm'Z'")}`;
}

function pw(name: string): string {
  return USERS.find((u) => u.name === name)!.password;
}

test.beforeAll(async () => {
  radicale = await startRadicale({ users: USERS });
  const cal = (user: string, slug: string, name: string) => radicale.createCalendar(user, pw(user), slug, { displayName: name });
  const [work, gym, family, carolWork] = await Promise.all([
    cal("alice", "work", "Work"),
    cal("alice", "gym", "Gym"),
    cal("alice", "family", "Family"),
    cal("carol", "work", "Work"),
  ]);
  const put = (user: string, url: string, e: Parameters<typeof vevent>[0]) => radicale.putEvent(user, pw(user), url, e.uid, vevent(e));
  const weekday = tomorrow().toFormat("ccc").slice(0, 2).toUpperCase();
  await Promise.all([
    put("alice", work, { uid: "meeting", start: tomorrowAt(10), end: tomorrowAt(11, 30) }),
    put("alice", gym, { uid: "gym", start: tomorrowAt(14), end: tomorrowAt(15) }),
    // Started two weeks ago on tomorrow's weekday; only its expansion makes tomorrow 16:00 busy.
    put("alice", work, {
      uid: "weekly",
      start: tomorrowAt(16) - 14 * 86_400_000,
      end: tomorrowAt(17) - 14 * 86_400_000,
      rrule: `FREQ=WEEKLY;BYDAY=${weekday}`,
    }),
    // Transparent ("show as free") and an unselected calendar never block.
    put("alice", gym, { uid: "free-lunch", start: tomorrowAt(12), end: tomorrowAt(13), transparent: true }),
    put("alice", family, { uid: "family", start: tomorrowAt(9), end: tomorrowAt(10) }),
    put("carol", carolWork, { uid: "carol-meeting", start: tomorrowAt(10), end: tomorrowAt(11, 30) }),
  ]);
});

test.afterAll(async () => {
  await radicale?.stop();
});

/** A published provider, set up through the settings pages; returns its slug and email. */
async function setUpProvider(page: Page, opts: { calendarUser?: string; publish?: boolean } = {}) {
  const email = await signUp(page, uniqueEmail("pub"));
  await saveWorkingHours(page, { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" });
  await saveBookingRules(page, { slot: 60, buffer: 0, notice: 0, horizon: 7 });
  await saveWhatsApp(page, { phone: PHONE, template: TEMPLATE });
  if (opts.calendarUser) {
    await connectCalDav(page, { serverUrl: radicale.url, username: opts.calendarUser, password: pw(opts.calendarUser) });
    await selectCalendars(
      page,
      ["Work", "Gym"].filter((n) => opts.calendarUser === "alice" || n === "Work"),
    );
  }
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  await saveProfile(page, { slug, publish: opts.publish ?? true });
  return { slug, email };
}

/** An anonymous client with the project's JavaScript setting. */
async function clientPage(browser: Browser, baseURL: string | undefined, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled, viewport: { width: 390, height: 844 } });
  return context.newPage();
}

async function tomorrowSlots(page: Page) {
  // Each day is a <section> labelled by its heading, whose id carries the ISO date.
  const day = page.locator("section", { has: page.locator(`h2#d-${tomorrow().toISODate()}`) });
  await expect(day).toBeVisible();
  await expect(day.getByRole("heading", { level: 2 })).toHaveText(tomorrow().toFormat("cccc d LLLL"));
  const links = day.getByRole("link");
  const out: { time: string; href: string | null }[] = [];
  for (let i = 0; i < (await links.count()); i++) {
    out.push({ time: (await links.nth(i).innerText()).trim(), href: await links.nth(i).getAttribute("href") });
  }
  return out;
}

test("shows exactly tomorrow's free slots as WhatsApp links", async ({ page, browser, baseURL }, info) => {
  const { slug } = await setUpProvider(page, { calendarUser: "alice" });
  const js = info.project.use.javaScriptEnabled !== false;

  const client = await clientPage(browser, baseURL, js);
  const scripts: string[] = [];
  client.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(r.url());
  });
  const res = await client.goto(`/c/${slug}`);
  expect(res?.status()).toBe(200);
  await expect(client.getByRole("heading", { level: 1 })).toHaveText(`Book ${slug}`);
  await expect(client.getByText(`Times are shown in Asia/Dubai time`)).toBeVisible();

  const expected = ["09:00", "12:00", "13:00", "15:00"];
  expect(await tomorrowSlots(client)).toEqual(expected.map((time) => ({ time, href: expectedLink(slug, time) })));
  // Every slot link on the page goes through the booking route (tests/e2e/booking.spec.ts follows one to WhatsApp).
  for (const href of await client.locator("ul.slots a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))) {
    expect(href).toMatch(new RegExp(`^/c/${slug}/book/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ$`));
  }
  const html = await client.content();
  expect(html).not.toMatch(/<script/i);
  expect(await res!.text()).not.toMatch(/<script/i);
  expect(scripts, "the public page loads no JavaScript").toEqual([]);

  if (js) await client.screenshot({ path: "docs/screenshots/public-page.png", fullPage: true });
  await client.context().close();
});

test("public caching headers, 304, no cookie, nothing private in the HTML", async ({ page, request }) => {
  const { slug, email } = await setUpProvider(page, { calendarUser: "alice" });

  // The provider's own signed-in browser: the session cookie is sent, none may come back.
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name === "__session")).toBe(true);
  const nav = await page.goto(`/c/${slug}`);
  expect(nav?.status()).toBe(200);
  expect(await nav!.headerValue("set-cookie")).toBeNull();
  const res = await page.request.get(`/c/${slug}`);
  expect(res.status()).toBe(200);
  const headers = res.headers();
  expect(headers["cache-control"]).toMatch(/^public\b/);
  expect(headers["cache-control"]).toMatch(/s-maxage=\d+/);
  expect(headers["etag"]).toMatch(/^"[^"]+"$/);
  expect(headers["set-cookie"]).toBeUndefined();

  const again = await request.get(`/c/${slug}`, { headers: { "If-None-Match": headers["etag"] } });
  expect(again.status()).toBe(304);
  expect(await again.text()).toBe("");
  const other = await request.get(`/c/${slug}`, { headers: { "If-None-Match": '"something-else"' } });
  expect(other.status()).toBe(200);

  const html = await res.text();
  expect(html).toContain(`Book ${slug}`);
  expect(html).not.toContain(email);
  expect(html).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  expect(html).not.toContain(radicale.url);
  expect(html).not.toContain(`127.0.0.1:${radicale.port}`);
  expect(html).not.toMatch(/radicale/i);
  expect(html).not.toContain("/alice/");
  expect(html).not.toContain(pw("alice"));
  expect(html).not.toContain(ACCOUNT_PASSWORD);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toContain("@");
});

test("unknown and unpublished slugs get the same 404", async ({ page, request }) => {
  const { slug } = await setUpProvider(page, { publish: true });
  expect((await request.get(`/c/${slug}`)).status()).toBe(200);
  await saveProfile(page, { slug, publish: false });

  const unpublished = await request.get(`/c/${slug}`);
  const unknown = await request.get(`/c/no-such-${randomUUID().slice(0, 8)}`);
  expect(unpublished.status()).toBe(404);
  expect(unknown.status()).toBe(404);
  expect(await unpublished.text()).toBe(await unknown.text());
  expect(await unpublished.text()).not.toContain(slug);

  const shown = await page.goto(`/c/${slug}`);
  expect(shown?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page.getByText(NOT_FOUND)).toBeVisible();
  const other = await page.goto("/c/nobody-here-at-all");
  expect(other?.status()).toBe(404);
  await expect(page.getByText(NOT_FOUND)).toBeVisible();
});

// Last in the file: it ends by stopping this file's Radicale.
test("a calendar that cannot be read never looks free", async ({ page, browser, baseURL }, info) => {
  const { slug } = await setUpProvider(page, { calendarUser: "carol" });
  const client = await clientPage(browser, baseURL, info.project.use.javaScriptEnabled !== false);
  const slotTimes = async () => (await tomorrowSlots(client)).map((s) => s.time);

  await client.goto(`/c/${slug}`);
  expect(await slotTimes()).toEqual(["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);

  const expectUnavailable = async () => {
    const res = await client.reload();
    expect(res?.status()).toBe(200);
    await expect(client.getByText(UNAVAILABLE)).toBeVisible();
    await expect(client.locator("ul.slots a")).toHaveCount(0);
    await expect(client.getByRole("link", { name: "10:00" })).toHaveCount(0);
    const chat = client.getByRole("link", { name: /on WhatsApp/ });
    await expect(chat).toHaveAttribute("href", `https://wa.me/${WA_DIGITS}`);
    // Short edge caching while failing, so recovery shows quickly.
    expect(res!.headers()["cache-control"]).toMatch(/^public, max-age=0\b/);
  };

  // The server refuses the stored password.
  await radicale.setPassword("carol", "carol-changed-pass");
  await expectUnavailable();

  // Recovers as soon as the server accepts it again.
  await radicale.setPassword("carol", pw("carol"));
  await client.reload();
  expect(await slotTimes()).toEqual(["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);

  // The server is gone.
  await radicale.stop();
  await expectUnavailable();
  await client.context().close();
});
