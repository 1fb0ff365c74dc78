/**
 * The client's language, zone and clock on the public page (issue 14): the Arabic page laid out
 * right to left, the "Show times in" form, 12-hour times chosen in the settings, "Fully booked"
 * days, the page's weight, all with JavaScript off in the no-js project.
 * The demo provider (supabase/seed.sql) offers English and Arabic with Arabic-Indic digits, Asia/Dubai,
 * Monday to Friday 09:00-17:00, no calendar.
 */
import { gzipSync } from "node:zlib";
import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { connectCalDav, saveBookingRules, saveProfile, saveWhatsApp, saveWorkingHours, selectCalendars, vevent } from "./calendar-support";
import { DEMO, isJs, signUpQuickly } from "./support";

const DEMO_PAGE = `/c/${DEMO.slug}`;
/** HTML + CSS, gzip, for the page with its 14 days and the full zone list. */
const WEIGHT_BUDGET_BYTES = 15_000;
const ARABIC_INDIC = /[\u0660-\u0669]/;

async function client(browser: Browser, baseURL: string | undefined, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled, viewport: { width: 390, height: 844 } });
  return context.newPage();
}

/** Every script request the page makes (none is allowed). */
function recordScripts(page: Page): string[] {
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(r.url());
  });
  return scripts;
}

/** Which way the first day's times run across the screen. */
async function slotOrder(page: Page): Promise<"ltr" | "rtl"> {
  // A day with at least two times (late in the day, or after other tests' holds, today may have one).
  const items = page
    .locator("ul.slots")
    .filter({ has: page.locator("li:nth-child(2)") })
    .first()
    .locator("li");
  const [a, b] = [(await items.nth(0).boundingBox())!, (await items.nth(1).boundingBox())!];
  expect(a.y).toBe(b.y); // same row
  return a.x < b.x ? "ltr" : "rtl";
}

/**
 * The WhatsApp message of a slot link. Slot links go through the tap route (issue 15); asked as a
 * link previewer would, it shows the WhatsApp link without holding the slot.
 */
async function messageOf(page: Page, href: string | null): Promise<string> {
  expect(href).toMatch(/^\/c\/[a-z0-9-]+\/book\/\d{4}-\d\d-\d\dT\d\d:\d\dZ/);
  const res = await page.request.get(href!, { headers: { "User-Agent": "WhatsApp/2.24.1 A" } });
  const html = await res.text();
  const link = /href="(https:\/\/wa\.me\/[^"]+)"/.exec(html);
  const heading = /<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1];
  expect(link, `the tap page of ${href} links to WhatsApp (HTTP ${res.status()}: ${heading})`).not.toBeNull();
  return new URL(link![1].replace(/&amp;/g, "&")).searchParams.get("text") ?? "";
}

/** gzip size of the document and its stylesheets, as compression (zlib level 6) sends them. */
async function pageWeight(page: Page, path: string) {
  const res = await page.request.get(path);
  expect(res.status()).toBe(200);
  const html = await res.body();
  const cssHrefs = [...html.toString("utf8").matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
  expect(cssHrefs.length).toBeGreaterThan(0);
  let css = 0;
  for (const href of cssHrefs) css += gzipSync(await (await page.request.get(href)).body()).length;
  return { html: gzipSync(html).length, css, scripts: (html.toString("utf8").match(/<script/gi) ?? []).length };
}

test.describe("the demo page in Arabic and in the visitor's zone", () => {
  test("Arabic: lang and dir, Arabic names and digits, right-to-left layout, message in Arabic", async ({ browser, baseURL }) => {
    const page = await client(browser, baseURL, isJs());
    const scripts = recordScripts(page);
    const res = await page.goto(`${DEMO_PAGE}?lang=ar`);
    expect(res?.status()).toBe(200);
    await expect(page.locator("html")).toHaveAttribute("lang", "ar");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("احجز مع Demo Personal Trainer");
    await expect(page.getByText("الأوقات بتوقيت دبي (غرينتش+٤)")).toBeVisible();
    // The provider's card in Arabic too (the link preview stays English: its font has no Arabic).
    await expect(page.locator(".facts li").first()).toHaveText("جلسات مدتها ٦٠ دقيقة");
    // The provider's English texts keep their own direction inside the right-to-left page.
    const about = page.locator(".about");
    await expect(about).toHaveAttribute("dir", "auto");
    expect(await about.evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");
    expect(await page.locator("main").evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
    // Right to left without a hand-written mirror: the first time of a day is the rightmost.
    expect(await slotOrder(page)).toBe("rtl");

    const first = page.locator("ul.slots a").first();
    await expect(first).toHaveText(ARABIC_INDIC);
    const message = await messageOf(page, await first.getAttribute("href"));
    expect(message).toMatch(/^مرحبًا! هل يمكنني الحجز يوم .+ الساعة [٠-٩]{2}:[٠-٩]{2} بتوقيت دبي؟$/);
    // A day heading reads naturally: the first day listed is today or tomorrow.
    await expect(page.getByRole("heading", { level: 2 }).first()).toHaveText(/^(اليوم|غدًا) /);
    // The switch back to English is a plain link.
    await expect(page.getByRole("link", { name: "English" })).toHaveAttribute("href", DEMO_PAGE);

    expect(await res!.text()).not.toMatch(/<script/i);
    expect(scripts).toEqual([]);
    if (!isJs()) await page.screenshot({ path: "docs/screenshots/public-page-ar.png", fullPage: false });
    await page.context().close();
  });

  test("English by default with a link to Arabic; bad ?lang= and ?tz= are ignored", async ({ browser, baseURL }) => {
    const page = await client(browser, baseURL, isJs());
    await page.goto(DEMO_PAGE);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await expect(page.getByText("Times in Dubai (GMT+4)")).toBeVisible();
    expect(await slotOrder(page)).toBe("ltr");
    await page.getByRole("link", { name: "العربية" }).click();
    await expect(page).toHaveURL(/\?lang=ar$/);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");

    for (const query of ["?lang=fr&tz=Mars/Olympus", "?tz=%00%ff", `?tz=${"A".repeat(5000)}`, "?lang[]=ar&tz="]) {
      const res = await page.goto(`${DEMO_PAGE}${query}`);
      expect(res?.status(), query).toBe(200);
      await expect(page.locator("html"), query).toHaveAttribute("lang", "en");
      await expect(page.getByText("Times in Dubai (GMT+4)"), query).toBeVisible();
    }
    await page.context().close();
  });

  test("Show times in: a GET form, times and headings in the chosen zone, both zones in the message", async ({ browser, baseURL }) => {
    const page = await client(browser, baseURL, isJs());
    await page.goto(DEMO_PAGE);
    const select = page.getByLabel("Show times in");
    await expect(select).toHaveValue("Asia/Dubai");
    // Provider's zone first, the provider's usual client zones next, then every zone.
    const groups = await select.locator("optgroup").evaluateAll((gs) => gs.map((g) => g.getAttribute("label")));
    expect(groups).toEqual(["Provider's zone", "Common zones", "All time zones"]);
    await expect(select.locator("optgroup").nth(1).locator("option").first()).toHaveText(/^London \(GMT\+[01]\)$/);

    await select.selectOption("Europe/London");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/\/c\/demo-trainer\?tz=Europe%2FLondon$/);
    await expect(page.getByLabel("Show times in")).toHaveValue("Europe/London");
    await expect(page.getByText(/^Times in London \(GMT\+[01]\)$/)).toBeVisible();

    // Each link's visible time is London's; the message names Dubai's first, then London's.
    const links = page.locator("ul.slots a");
    expect(await links.count()).toBeGreaterThan(10);
    for (const i of [0, 3]) {
      const link = links.nth(i);
      const shown = (await link.innerText()).trim();
      const message = await messageOf(page, await link.getAttribute("href"));
      const m =
        /^Hi! Can I book (\w{3} \d{1,2} \w{3,4}) at (\d\d:\d\d) Dubai time \((?:\w{3} \d{1,2} \w{3,4}, )?(\d\d:\d\d) London time\)\?$/.exec(
          message,
        );
      expect(m, message).not.toBeNull();
      expect(shown).toBe(m![3]);
      const dubai = DateTime.fromFormat(`${m![1]} ${m![2]}`, "ccc d LLL HH:mm", { zone: "Asia/Dubai", locale: "en-GB" });
      const london = dubai.isValid ? dubai.setZone("Europe/London").toFormat("HH:mm") : null;
      if (london) expect(shown).toBe(london);
    }

    // The form keeps the language: Arabic page, another zone.
    await page.goto(`${DEMO_PAGE}?lang=ar`);
    await page.getByLabel("اعرض الأوقات حسب").selectOption("America/New_York");
    await page.getByRole("button", { name: "عرض" }).click();
    await expect(page).toHaveURL(/\?lang=ar&tz=America%2FNew_York$/);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByText(/^الأوقات بتوقيت نيويورك \(غرينتش-[٤٥]\)$/)).toBeVisible();
    await page.context().close();
  });

  test("a zone whose date differs: the provider's own day and time beside the slot", async ({ browser, baseURL }) => {
    const page = await client(browser, baseURL, isJs());
    // GMT+14: every Dubai slot from 10:00 on falls on the next day there.
    await page.goto(`${DEMO_PAGE}?tz=Pacific/Kiritimati`);
    await expect(page.getByText("Times in Kiritimati (GMT+14)")).toBeVisible();
    await expect(page.getByText("Where the day differs, the time in Dubai (GMT+4) is shown too.")).toBeVisible();
    const other = page.locator("ul.slots a small").first();
    await expect(other).toHaveText(/^\w{3} \d\d:\d\d Dubai$/);
    const link = other.locator("xpath=..");
    const message = await messageOf(page, await link.getAttribute("href"));
    expect(message).toMatch(/Dubai time \(\w{3} \d{1,2} \w{3,4}, \d\d:\d\d Kiritimati time\)\?$/);
    await page.context().close();
  });

  test("zero JavaScript and within the weight budget, in both languages", async ({ page }) => {
    const sizes: Record<string, { html: number; css: number }> = {};
    for (const path of [DEMO_PAGE, `${DEMO_PAGE}?lang=ar`, `${DEMO_PAGE}?lang=ar&tz=America/Los_Angeles`]) {
      const weight = await pageWeight(page, path);
      expect(weight.scripts, path).toBe(0);
      expect(weight.html + weight.css, path).toBeLessThanOrEqual(WEIGHT_BUDGET_BYTES);
      sizes[path] = { html: weight.html, css: weight.css };
    }
    test.info().annotations.push({ type: "weight (gzip bytes)", description: JSON.stringify(sizes) });
    console.log(`public page weight, gzip bytes: ${JSON.stringify(sizes)}`);
  });
});

/* ---------------------------------------------------------------------------------------------- */
/* A provider set up through the settings: Arabic only, 12-hour clock, a fully booked day          */
/* ---------------------------------------------------------------------------------------------- */

const ZONE = "Asia/Dubai";
const USER = { name: "fay", password: "fay-pass-14" };
let radicale: RadicaleServer;

function dayAfterTomorrow() {
  return DateTime.now().setZone(ZONE).plus({ days: 2 }).startOf("day");
}

test.describe("provider's choices", () => {
  test.beforeAll(async () => {
    radicale = await startRadicale({ users: [USER] });
    const work = await radicale.createCalendar(USER.name, USER.password, "work", { displayName: "Work" });
    const day = dayAfterTomorrow();
    await radicale.putEvent(
      USER.name,
      USER.password,
      work,
      "all-day-workshop",
      vevent({ uid: "all-day-workshop", start: day.set({ hour: 8 }).toMillis(), end: day.set({ hour: 18 }).toMillis() }),
    );
  });
  test.afterAll(async () => {
    await radicale?.stop();
  });

  test("Arabic only, Latin digits, 12-hour clock; settings show the same clock; a busy day reads 'Fully booked'", async ({
    page,
    browser,
    baseURL,
  }) => {
    await signUpQuickly(page);
    await saveWorkingHours(page, { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" });
    await saveBookingRules(page, { slot: 60, buffer: 0, notice: 0, horizon: 5 });
    await saveWhatsApp(page, { phone: "+971 50 123 4567", template: "Hi! Can I book {date} at {time}?" });
    await connectCalDav(page, { serverUrl: radicale.url, username: USER.name, password: USER.password });
    await selectCalendars(page, ["Work"]);

    // The language section: a plain POST form.
    await page.goto("/settings/language");
    await page.getByLabel("Arabic (right to left)").check();
    await page.getByLabel(/^Latin:/).check();
    await page.getByLabel(/^12-hour:/).check();
    await page.getByRole("button", { name: "Save language and clock" }).click();
    await expect(page).toHaveURL(/\/settings\/language\?saved=1$/);
    await expect(page.getByLabel(/^12-hour:/)).toBeChecked();

    // The week grid shows the page's clock (and accepts both).
    await page.goto("/settings/hours");
    await expect(page.getByLabel("Monday range 1 from", { exact: true })).toHaveValue("9:00 AM");
    await expect(page.getByLabel("Monday range 1 to", { exact: true })).toHaveValue("5:00 PM");
    await saveWorkingHours(page, { timezone: ZONE, days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "18:00" });

    const slug = `i14-${randomUUID().slice(0, 8)}`;
    await saveProfile(page, { slug, publish: true });

    const visitor = await client(browser, baseURL, isJs());
    await visitor.goto(`/c/${slug}`);
    await expect(visitor.locator("html")).toHaveAttribute("dir", "rtl");
    // Arabic only: no language switch; ?lang=en is ignored.
    await expect(visitor.getByRole("link", { name: "English" })).toHaveCount(0);
    const day = dayAfterTomorrow();
    const busy = visitor.locator("section", { has: visitor.locator(`h2#d-${day.toISODate()}`) });
    await expect(busy).toContainText("محجوز بالكامل");
    await expect(busy.locator("a")).toHaveCount(0);
    // Tomorrow is free all day, 12-hour with Arabic am/pm markers and Latin digits.
    const tomorrow = visitor.locator("section", { has: visitor.locator(`h2#d-${day.minus({ days: 1 }).toISODate()}`) });
    await expect(tomorrow.getByRole("heading", { level: 2 })).toHaveText(/^غدًا /);
    const times = (await tomorrow.locator("ul.slots a").allInnerTexts()).map((t) => t.trim());
    expect(times[0]).toBe("9:00 ص");
    expect(times.at(-1)).toBe("5:00 م");
    const message = await messageOf(visitor, await tomorrow.locator("ul.slots a").first().getAttribute("href"));
    expect(message).toMatch(/^مرحبًا! هل يمكنني الحجز يوم .+ الساعة 9:00 ص بتوقيت دبي؟$/);

    const en = await visitor.goto(`/c/${slug}?lang=en`);
    expect(en?.status()).toBe(200);
    await expect(visitor.locator("html")).toHaveAttribute("lang", "ar");
    await visitor.context().close();
  });
});
