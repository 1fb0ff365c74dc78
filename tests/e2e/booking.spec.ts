/**
 * The tap in a browser, with JavaScript on and off (the booking route ships none either way):
 * a slot link holds the time and lands in WhatsApp (stubbed here), the page then no longer offers
 * it, the old link answers "This time was just taken" with nearby times, and the provider confirms
 * and releases it on /settings/requests with plain forms.
 */
import { expect, test, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { DEMO, isJs, signIn } from "./support";

const ZONE = "Asia/Dubai";
// A phone, not a headless browser: isbot() treats "HeadlessChrome" as a bot, and bots never hold.
const PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

/** The demo's n-th working day (Mon-Fri) from three days ahead, at 14:00 in Dubai; one per project. */
function slotStart(n: number): DateTime {
  let d = DateTime.now().setZone(ZONE).startOf("day").plus({ days: 3 });
  for (let seen = -1; ; d = d.plus({ days: 1 })) {
    if (d.weekday <= 5) seen++;
    if (seen === n) return d.set({ hour: 14 });
  }
}

async function stubWhatsApp(page: Page, seen: string[]) {
  await page.context().route("https://wa.me/**", (route) => {
    seen.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>WhatsApp</title><h1>WhatsApp stub</h1>" });
  });
}

test("a tap holds the slot and opens WhatsApp; the old link says it was just taken; the provider confirms and releases", async ({
  browser,
  baseURL,
}) => {
  const start = slotStart(isJs() ? 0 : 1);
  const href = `/c/${DEMO.slug}/book/${start.toUTC().toFormat("yyyy-LL-dd'T'HH:mm'Z'")}`;
  const label = start.setLocale("en-GB").toFormat("ccc d LLL 'at' HH:mm");
  const client = await (await browser.newContext({ baseURL, userAgent: PHONE_UA, javaScriptEnabled: isJs() })).newPage();
  const opened: string[] = [];
  await stubWhatsApp(client, opened);

  await client.goto(`/c/${DEMO.slug}?lang=en`);
  const link = client.locator(`a[href="${href}?lang=en"]`);
  await expect(link).toHaveAccessibleName(`Book ${label}`);
  await link.click();
  await expect(client.getByRole("heading", { name: "WhatsApp stub" })).toBeVisible();
  expect(opened).toHaveLength(1);
  expect(decodeURIComponent(opened[0])).toContain(`Can I book ${start.setLocale("en-GB").toFormat("ccc d LLL")} at 14:00 Dubai time?`);

  // The page no longer offers it (one request later).
  await client.goto(`/c/${DEMO.slug}`);
  await expect(client.locator(`a[href="${href}"]`)).toHaveCount(0);

  // A client still holding the old page taps it: 409 with the nearest free times and a way back.
  const res = await client.goto(`${href}?lang=en`);
  expect(res?.status()).toBe(409);
  expect(res?.headers()["cache-control"]).toBe("private, no-store");
  expect(res?.headers()["set-cookie"]).toBeUndefined();
  await expect(client.getByRole("heading", { level: 1 })).toHaveText("This time was just taken");
  const nearby = client.getByRole("list", { name: "Nearby free times" }).getByRole("link");
  await expect(nearby).toHaveCount(3);
  for (const a of await nearby.all()) expect(await a.getAttribute("href")).toMatch(new RegExp(`^/c/${DEMO.slug}/book/.+Z\\?lang=en$`));
  expect(await client.locator("script").count()).toBe(0);
  await client.getByRole("link", { name: /See all free times/ }).click();
  await expect(client).toHaveURL(new RegExp(`/c/${DEMO.slug}\\?lang=en$`));
  expect(opened).toHaveLength(1);

  // The provider's side, as plain forms.
  const provider = await (await browser.newContext({ baseURL, javaScriptEnabled: isJs() })).newPage();
  await signIn(provider, DEMO.email, DEMO.password);
  await expect(provider).toHaveURL(/\/settings$/);
  await provider.getByRole("link", { name: "Requests" }).click();
  await expect(provider.getByRole("heading", { name: "Requests" })).toBeVisible();
  const item = provider.getByTestId("request").filter({ hasText: start.setLocale("en-GB").toFormat("cccc d LLLL, HH:mm") });
  await expect(item).toHaveCount(1);
  const reference = await item.getAttribute("data-reference");
  expect(reference).toMatch(/^[A-Z0-9]{4}$/);
  await item.getByRole("button", { name: `Confirm ${reference}` }).click();
  await expect(provider.getByRole("status")).toHaveText(
    `Confirmed ${reference}. It stays booked here; download the .ics to add it to your calendar.`,
  );
  await expect(item.getByRole("button", { name: `Confirm ${reference}` })).toHaveCount(0);
  await item.getByRole("button", { name: `Release ${reference}` }).click();
  await expect(provider.getByRole("status")).toHaveText(`Released ${reference}: the time is free again.`);
  await expect(item).toHaveCount(0);

  await client.goto(`/c/${DEMO.slug}`);
  await expect(client.locator(`a[href="${href}"]`)).toHaveCount(1);
  await client.context().close();
  await provider.context().close();
});
