/**
 * The public booking page /c/{slug}: a provider set up entirely through the settings pages (the
 * publishedProvider fixture), busy times in a real CalDAV server (the radicaleAccount fixture),
 * slots as wa.me links; failing closed, 404s, caching headers and what the HTML must never
 * contain. Runs with JavaScript on and off.
 */
import { randomUUID } from "node:crypto";
import { type Browser, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { connectCalDav, saveProfile, selectCalendars } from "./calendar-support";
import { DEFAULT_PROVIDER_SETTINGS, expect, test, type RadicaleAccount } from "./fixtures";

// The publishedProvider fixture's defaults: every day 09:00-17:00 in Dubai, one-hour slots.
const ZONE = DEFAULT_PROVIDER_SETTINGS.hours.timezone;
const WA_DIGITS = "971501234567";
const UNAVAILABLE = "Availability cannot be shown right now";
const NOT_FOUND = "There is no booking page at this address.";

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

const ALICE_CALENDARS = [
  { slug: "work", displayName: "Work" },
  { slug: "gym", displayName: "Gym" },
  { slug: "family", displayName: "Family" },
];

/** Tomorrow in alice's calendars: busy 10:00-11:30 and 14-15 and (weekly) 16-17 in the selected ones. */
async function fillAliceCalendars(account: RadicaleAccount) {
  const weekday = tomorrow().toFormat("ccc").slice(0, 2).toUpperCase();
  await Promise.all([
    account.putEvent("Work", { uid: "meeting", start: tomorrowAt(10), end: tomorrowAt(11, 30) }),
    account.putEvent("Gym", { uid: "gym", start: tomorrowAt(14), end: tomorrowAt(15) }),
    // Started two weeks ago on tomorrow's weekday; only its expansion makes tomorrow 16:00 busy.
    account.putEvent("Work", {
      uid: "weekly",
      start: tomorrowAt(16) - 14 * 86_400_000,
      end: tomorrowAt(17) - 14 * 86_400_000,
      rrule: `FREQ=WEEKLY;BYDAY=${weekday}`,
    }),
    // Transparent ("show as free") and an unselected calendar never block.
    account.putEvent("Gym", { uid: "free-lunch", start: tomorrowAt(12), end: tomorrowAt(13), transparent: true }),
    account.putEvent("Family", { uid: "family", start: tomorrowAt(9), end: tomorrowAt(10) }),
  ]);
}

/** Connects the account in the provider's settings and ticks `names`. */
async function useCalendars(page: Page, account: RadicaleAccount, names: string[]) {
  await connectCalDav(page, account.creds);
  await selectCalendars(page, names);
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
  await expect(day.getByRole("heading", { level: 2 })).toHaveText(`Tomorrow ${tomorrow().toFormat("cccc d LLLL")}`);
  const links = day.getByRole("link");
  const out: { time: string; href: string | null }[] = [];
  for (let i = 0; i < (await links.count()); i++) {
    out.push({ time: (await links.nth(i).innerText()).trim(), href: await links.nth(i).getAttribute("href") });
  }
  return out;
}

test.describe("alice: busy in Work and Gym, an unselected Family calendar", () => {
  test.use({ radicaleSetup: { user: "alice", calendars: ALICE_CALENDARS } });

  test("shows exactly tomorrow's free slots as WhatsApp links", async ({
    publishedProvider: { page, slug },
    radicaleAccount,
    browser,
    baseURL,
  }, info) => {
    await fillAliceCalendars(radicaleAccount);
    await useCalendars(page, radicaleAccount, ["Work", "Gym"]);
    const js = info.project.use.javaScriptEnabled !== false;

    const client = await clientPage(browser, baseURL, js);
    const scripts: string[] = [];
    client.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(r.url());
    });
    const res = await client.goto(`/c/${slug}`);
    expect(res?.status()).toBe(200);
    await expect(client.getByRole("heading", { level: 1 })).toHaveText(`Book ${slug}`);
    await expect(client.getByText("Times in Dubai (GMT+4)")).toBeVisible();

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

  test("public caching headers, 304, no cookie, nothing private in the HTML", async ({ publishedProvider, radicaleAccount, request }) => {
    const { page, slug, email, password } = publishedProvider;
    await fillAliceCalendars(radicaleAccount);
    await useCalendars(page, radicaleAccount, ["Work", "Gym"]);

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
    expect(html).not.toContain(radicaleAccount.server.url);
    expect(html).not.toContain(`127.0.0.1:${radicaleAccount.server.port}`);
    expect(html).not.toMatch(/radicale/i);
    expect(html).not.toContain(`/${radicaleAccount.username}/`);
    expect(html).not.toContain(radicaleAccount.password);
    expect(html).not.toContain(password);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("@");
  });
});

test("unknown and unpublished slugs get the same 404", async ({ publishedProvider: { page, slug }, request }) => {
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

test.describe("carol: a calendar server that goes away", () => {
  // The test stops the server: its own, not the worker's.
  test.use({ radicaleSetup: { user: "carol", calendars: [{ slug: "work", displayName: "Work" }], ownServer: true } });

  test("a calendar that cannot be read never looks free", async ({
    publishedProvider: { page, slug },
    radicaleAccount,
    browser,
    baseURL,
  }, info) => {
    await radicaleAccount.putEvent("Work", { uid: "carol-meeting", start: tomorrowAt(10), end: tomorrowAt(11, 30) });
    await useCalendars(page, radicaleAccount, ["Work"]);
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
    const password = radicaleAccount.password;
    await radicaleAccount.setPassword("carol-changed-pass");
    await expectUnavailable();

    // Recovers as soon as the server accepts it again.
    await radicaleAccount.setPassword(password);
    await client.reload();
    expect(await slotTimes()).toEqual(["09:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);

    // The server is gone.
    await radicaleAccount.server.stop();
    await expectUnavailable();
    await client.context().close();
  });
});
