import fs from "node:fs";
import path from "node:path";
import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import {
  activeElementName,
  clickAndSettle,
  DEMO,
  expectNavigationKind,
  isJs,
  markDocument,
  savedBanner,
  uniqueSlug,
  skipNativeValidation,
} from "./support";
import { fillWeek, saveWeek } from "./calendar-support";

const STALE = "This section was changed elsewhere; here is the current version.";
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

// Every test asks for its own brand-new account (the signedInProvider fixture): no test sees
// another's saves. The sign-up page itself is covered in auth.spec.ts; the screenshots use their
// own fixed account.

/** The error list conform ties to a field: shown right under it and named by aria-describedby. */
async function expectFieldError(field: Locator, message: string | RegExp) {
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const id = await field.getAttribute("id");
  const error = field.page().locator(`[id="${id}-error"]`);
  await expect(error).toContainText(message);
  // Ids of list items carry "[0]": escaped, so they are matched literally.
  const escaped = `${id}-error`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await expect(field).toHaveAttribute("aria-describedby", new RegExp(`(^| )${escaped}( |$)`));
}

async function expectNoFieldError(field: Locator) {
  await expect(field).not.toHaveAttribute("aria-invalid", "true");
  const id = await field.getAttribute("id");
  await expect(field.page().locator(`[id="${id}-error"]`)).toHaveCount(0);
}

/**
 * After a refused save: still on the form (the query may say ?index or keep an earlier ?saved=1:
 * Remix posts to the current URL), and no "Saved." banner.
 */
async function expectRefused(page: Page, pathname: string) {
  await expect.poll(() => new URL(page.url()).pathname).toBe(pathname);
  await expect(savedBanner(page)).toHaveCount(0);
}

/**
 * Leaves the field being edited first, as a user tabbing to the button would. With JS a bad value
 * is reported on blur, and the message it inserts pushes the button down: a click that itself
 * causes the blur lands where the button was and is lost (see the report on layout shift).
 */
async function save(page: Page, button: string) {
  // The server's rules are under test here; native constraints have their own test below.
  await skipNativeValidation(page);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.getByRole("button", { name: button }).click();
}

async function expectSaved(page: Page, pathname: string) {
  await expect(page).toHaveURL(new RegExp(`${pathname.replace(/\//g, "\\/")}\\?saved=1$`));
  await expect(savedBanner(page)).toBeVisible();
}

const hours = (page: Page) => ({
  timezone: page.getByLabel("Time zone"),
  from: (day: string, n = 1) => page.getByLabel(`${day} range ${n} from`, { exact: true }),
  to: (day: string, n = 1) => page.getByLabel(`${day} range ${n} to`, { exact: true }),
  ranges: (day: string) => page.getByLabel(new RegExp(`^${day} range \\d+ from$`)),
  clock: page.getByTestId("zone-clock"),
});

const wa = (page: Page) => ({
  enabled: page.getByLabel("Clients book by WhatsApp message"),
  phone: page.getByLabel("WhatsApp number"),
  template: page.getByLabel("Message template"),
  preview: page.getByTestId("message-preview"),
  link: page.getByTestId("link-preview"),
});

const booking = (page: Page) => ({
  slot: page.getByLabel("Appointment length (minutes)"),
  buffer: page.getByLabel("Buffer between appointments (minutes)"),
  notice: page.getByLabel("Minimum notice (hours)"),
  horizon: page.getByLabel("Booking horizon (days)"),
});

const profile = (page: Page) => ({
  slug: page.getByLabel("Public address"),
  name: page.getByLabel("Name shown to clients (optional)"),
  publish: page.getByLabel("Publish my booking page"),
});

/** The week as the grid shows it: day -> ["HH:MM-HH:MM", ...]. */
async function weekShown(page: Page): Promise<Record<string, string[]>> {
  const f = hours(page);
  const out: Record<string, string[]> = {};
  for (const day of DAYS) {
    const n = await f.ranges(day).count();
    const list: string[] = [];
    for (let i = 1; i <= n; i++) list.push(`${await f.from(day, i).inputValue()}-${await f.to(day, i).inputValue()}`);
    if (list.length) out[day] = list;
  }
  return out;
}

async function saveHours(page: Page, v: { timezone: string; days: string[]; start: string; end: string }) {
  const week: Record<number, [string, string][]> = {};
  for (const day of v.days) week[DAYS.indexOf(day) + 1] = [[v.start, v.end]];
  await saveWeek(page, v.timezone, week);
}

async function saveWhatsapp(page: Page, phone: string, template?: string) {
  await page.goto("/settings/whatsapp");
  await wa(page).phone.fill(phone);
  if (template !== undefined) await wa(page).template.fill(template);
  await save(page, "Save WhatsApp settings");
  await expectSaved(page, "/settings/whatsapp");
}

test.describe("each section saves and reloads", () => {
  test("working hours: a week grid with a split day and a night past midnight, zone found by city", async ({
    signedInProvider: { page },
  }) => {
    await page.goto("/settings/hours");
    const f = hours(page);
    // A new account shows Monday to Friday, 09:00-17:00.
    expect(await weekShown(page)).toEqual(Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, ["09:00-17:00"]])));
    await markDocument(page);
    await f.timezone.fill("Berlin");
    await fillWeek(page, {
      1: [
        ["06:00", "10:00"],
        ["17:00", "21:00"],
      ],
      3: [["08:30", "15:00"]],
      5: [["20:00", "01:00"]],
    });
    await save(page, "Save working hours");
    await expectSaved(page, "/settings/hours");
    await expectNavigationKind(page);

    await page.goto("/settings/hours");
    await expect(savedBanner(page)).toHaveCount(0);
    await expect(f.timezone).toHaveValue("Europe/Berlin");
    await expect(f.clock).toContainText(/Europe\/Berlin: it is now \d\d:\d\d, /);
    expect(await weekShown(page)).toEqual({ Monday: ["06:00-10:00", "17:00-21:00"], Wednesday: ["08:30-15:00"], Friday: ["20:00-01:00"] });
  });

  test("working hours: copy a day to all days and find a zone, nothing saved until Save", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/hours");
    const f = hours(page);
    await markDocument(page);
    await f.timezone.fill("new york");
    await clickAndSettle(page, page.getByRole("button", { name: "Find time zone" }));
    await expect(f.timezone).toHaveValue("America/New_York");
    await expect(f.clock).toContainText("America/New York: it is now");
    await f.from("Tuesday").fill("07:15");
    await clickAndSettle(page, page.getByRole("button", { name: "Copy Tuesday's hours to all days" }));
    expect(await weekShown(page)).toEqual(Object.fromEntries(DAYS.map((d) => [d, ["07:15-17:00"]])));
    // Without JavaScript each of these was a round trip that kept every typed value; with it, in place.
    await expectNavigationKind(page);
    await page.goto("/settings/hours");
    await expect(f.timezone).not.toHaveValue("America/New_York");
    expect(Object.keys(await weekShown(page))).toEqual(DAYS.slice(0, 5));
  });

  test("WhatsApp: the number is stored in international format, the template as edited", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/whatsapp");
    const f = wa(page);
    await expect(f.enabled).toBeChecked();
    await expect(f.template).toHaveValue("Hi! Can I book {date} at {time}? (ref {ref})");
    await markDocument(page);
    await f.phone.fill("+971 (50) 123-4567");
    await f.template.fill("Hello! Is {time} on {date} still free?");
    await save(page, "Save WhatsApp settings");
    await expectSaved(page, "/settings/whatsapp");
    await expectNavigationKind(page);

    await page.goto("/settings/whatsapp");
    await expect(f.phone).toHaveValue("+971501234567");
    await expect(f.template).toHaveValue("Hello! Is {time} on {date} still free?");
    await expect(f.enabled).toBeChecked();
    await expect(f.preview).toHaveText(/^Hello! Is 10:00 Dubai time on \w{3} \d{1,2} \w{3} still free\?$/);
    await expect(f.link).toHaveText(/^https:\/\/wa\.me\/971501234567\?text=Hello!%20Is%2010%3A00%20Dubai%20time%20on%20/);
  });

  test("booking rules", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/booking");
    const f = booking(page);
    await expect(f.slot).toHaveValue("60");
    await markDocument(page);
    await f.slot.fill("30");
    await f.buffer.fill("10");
    await f.notice.fill("4");
    await f.horizon.fill("30");
    await save(page, "Save booking rules");
    await expectSaved(page, "/settings/booking");
    await expectNavigationKind(page);

    await page.goto("/settings/booking");
    await expect(f.slot).toHaveValue("30");
    await expect(f.buffer).toHaveValue("10");
    await expect(f.notice).toHaveValue("4");
    await expect(f.horizon).toHaveValue("30");
  });

  test("profile: public address and display name", async ({ signedInProvider: { page }, baseURL }) => {
    const slug = uniqueSlug("anna");
    await page.goto("/settings");
    const f = profile(page);
    await expect(f.slug).toHaveValue("");
    await markDocument(page);
    // Typed with capitals and spaces around: stored normalised.
    await f.slug.fill(`  ${slug.toUpperCase()} `);
    await f.name.fill("Anna Yoga");
    await save(page, "Save profile");
    await expectSaved(page, "/settings");
    await expectNavigationKind(page);

    await page.goto("/settings");
    await expect(f.slug).toHaveValue(slug);
    await expect(f.name).toHaveValue("Anna Yoga");
    await expect(f.publish).not.toBeChecked();
    // Issue 13: the link is a read-only field now (select-all on a phone), not text.
    await expect(page.locator("#public-url")).toHaveValue(`${baseURL}/c/${slug}`);
    await expect(page.getByText("Not published yet")).toBeVisible();
    // Saved but not published: the public page does not exist yet.
    expect((await page.request.get(`/c/${slug}`)).status()).toBe(404);
  });
});

test.describe("bad input is shown next to its field, kept, and not saved", () => {
  test("working hours: unknown place, overlapping ranges, a bad time, no hours at all", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/hours");
    const f = hours(page);
    const zoneBefore = await f.timezone.inputValue();
    await markDocument(page);
    await f.timezone.fill("Atlantis");
    await f.timezone.blur();
    await fillWeek(page, {
      1: [
        ["06:00", "10:00"],
        ["09:00", "12:00"],
      ],
      2: [["25:00", "17:00"]],
      3: [["09:00", "17:00"]],
    });
    await save(page, "Save working hours");

    await expectFieldError(f.timezone, "No time zone found for “Atlantis”");
    await expect(page.getByRole("group", { name: "Monday" })).toContainText("09:00–12:00 overlaps 06:00–10:00");
    await expectFieldError(f.from("Tuesday"), "Enter a time of day, e.g. 09:00 or 9:00 AM");
    await expectNoFieldError(f.from("Wednesday"));
    await expectRefused(page, "/settings/hours");
    // Typed values kept.
    await expect(f.timezone).toHaveValue("Atlantis");
    expect(await weekShown(page)).toEqual({ Monday: ["06:00-10:00", "09:00-12:00"], Tuesday: ["25:00-17:00"], Wednesday: ["09:00-17:00"] });
    if (!isJs()) expect(await activeElementName(page)).toBe("timezone");
    await expectNavigationKind(page);

    // Every range removed: at least one is needed.
    await f.timezone.fill("Berlin");
    await fillWeek(page, {});
    await save(page, "Save working hours");
    await expect(page.getByText("Add at least one working time")).toBeVisible();
    await expectRefused(page, "/settings/hours");

    // Nothing was saved.
    await page.goto("/settings/hours");
    await expect(f.timezone).toHaveValue(zoneBefore);
    expect(zoneBefore).not.toBe("Europe/Berlin");
    expect(await weekShown(page)).toEqual(Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, ["09:00-17:00"]])));
  });

  test("WhatsApp: bad number, unknown placeholder, too long a template", async ({ signedInProvider: { page } }) => {
    await saveWhatsapp(page, "+44 20 7946 0958", "Hi, {date} {time}?");
    const f = wa(page);
    await f.phone.fill("12345");
    await f.template.fill("Hi {name}, is {date} at {time} ok?");
    await save(page, "Save WhatsApp settings");
    await expectFieldError(f.phone, "Enter the number in international format, e.g. +971 50 123 4567");
    await expectFieldError(f.template, "Unknown placeholder {name}: use {date}, {time} and {ref}");
    await expectRefused(page, "/settings/whatsapp");
    await expect(f.phone).toHaveValue("12345");
    await expect(f.template).toHaveValue("Hi {name}, is {date} at {time} ok?");
    expect(await activeElementName(page)).toBe("phoneE164");

    // 301 characters. The textarea has no maxlength, so the server's rule is what refuses it
    // (without JS nothing else could).
    const long = `{date} {time} ${"x".repeat(301 - 14)}`;
    await skipNativeValidation(page);
    expect(long).toHaveLength(301);
    await f.phone.fill("+44 20 7946 0958");
    await f.template.fill(long);
    await expect(f.template).toHaveValue(long);
    await save(page, "Save WhatsApp settings");
    await expectFieldError(f.template, "Keep the message to at most 300 characters");
    await expectNoFieldError(f.phone);
    await expect(f.template).toHaveValue(long);
    expect(await activeElementName(page)).toBe("messageTemplate");

    await page.goto("/settings/whatsapp");
    await expect(f.phone).toHaveValue("+442079460958");
    await expect(f.template).toHaveValue("Hi, {date} {time}?");
  });

  for (const slot of ["5", "500"]) {
    test(`booking rules: appointment length ${slot}`, async ({ signedInProvider: { page } }) => {
      await page.goto("/settings/booking");
      const f = booking(page);
      await f.slot.fill(slot);
      await f.horizon.fill("45");
      await save(page, "Save booking rules");
      await expectFieldError(f.slot, "Slot length must be a whole number of minutes from 10 to 240");
      await expectNoFieldError(f.horizon);
      await expectRefused(page, "/settings/booking");
      await expect(f.slot).toHaveValue(slot);
      await expect(f.horizon).toHaveValue("45");
      expect(await activeElementName(page)).toBe("slotMinutes");

      await page.goto("/settings/booking");
      await expect(f.slot).toHaveValue("60");
      await expect(f.horizon).toHaveValue("14");
    });
  }

  test("profile: reserved, malformed and taken addresses", async ({ signedInProvider: { page } }) => {
    const f = profile(page);
    const cases: [string, string][] = [
      ["admin", "This address is reserved"],
      ["Bad Slug!", "Spaces aren't allowed: use hyphens instead"],
      ["bad_slug!", "“_”, “!” are not allowed"],
      [DEMO.slug, "This address is taken"],
    ];
    await page.goto("/settings");
    for (const [slug, message] of cases) {
      await f.slug.fill(slug);
      await f.name.fill("Kept Name");
      await save(page, "Save profile");
      await expectFieldError(f.slug, message);
      await expectRefused(page, "/settings");
      await expect(f.slug).toHaveValue(slug);
      await expect(f.name).toHaveValue("Kept Name");
      if (!isJs()) expect(await activeElementName(page), slug).toBe("publicSlug");
    }
    await page.goto("/settings");
    await expect(f.slug).toHaveValue("");
    await expect(f.name).toHaveValue("");
  });
});

test("publishing is refused with reasons, then allowed once hours, WhatsApp and address are set", async ({
  signedInProvider: { page },
}) => {
  const slug = uniqueSlug("pub");
  const f = profile(page);
  await page.goto("/settings");
  const before = page.locator(".hint").filter({ hasText: "Before you can publish:" });
  await expect(before).toContainText("Choose a public address");
  await expect(before).toContainText("Set your working hours");
  await expect(before).toContainText("Add your WhatsApp number");

  await f.slug.fill(slug);
  await f.publish.check();
  await save(page, "Save profile");
  await expectFieldError(f.publish, "Your page cannot be published yet:");
  const reasons = page.locator(`[id="${await f.publish.getAttribute("id")}-error"]`);
  await expect(reasons).toContainText("Set your working hours");
  await expect(reasons).toContainText("Add your WhatsApp number");
  await expect(reasons).not.toContainText("Choose a public address");
  await expect(f.slug).toHaveValue(slug);
  await expect(f.publish).toBeChecked();
  await expectRefused(page, "/settings");
  if (!isJs()) expect(await activeElementName(page)).toBe("isPublic");
  await page.goto("/settings");
  await expect(f.slug).toHaveValue("");
  expect((await page.request.get(`/c/${slug}`)).status()).toBe(404);

  await saveHours(page, { timezone: "Europe/Berlin", days: ["Monday", "Wednesday", "Friday"], start: "08:30", end: "15:00" });
  await saveWhatsapp(page, "+971 50 123 4567");
  await page.goto("/settings");
  await expect(page.locator(".hint").filter({ hasText: "Before you can publish:" })).toContainText("Choose a public address");
  await expect(page.locator(".hint").filter({ hasText: "Before you can publish:" })).not.toContainText("Set your working hours");
  await f.slug.fill(slug);
  await f.name.fill("Published Person");
  await f.publish.check();
  await save(page, "Save profile");
  await expectSaved(page, "/settings");
  await expect(f.publish).toBeChecked();
  await expect(page.getByText(`Your page is live at /c/${slug}`)).toBeVisible();
  await expect(page.getByText("Published: share this link with clients.")).toBeVisible();

  const response = await page.goto(`/c/${slug}`);
  expect(response!.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Book Published Person");
  await expect(page.getByText(/^Times in \w/)).toBeVisible();
});

test.describe("two tabs", () => {
  test("a stale save of the same section is refused and shows the current version", async ({ signedInProvider: { page } }) => {
    const other = await page.context().newPage();
    await page.goto("/settings/booking");
    await other.goto("/settings/booking");

    await booking(other).slot.fill("30");
    await booking(other).horizon.fill("20");
    await save(other, "Save booking rules");
    await expectSaved(other, "/settings/booking");

    const f = booking(page);
    await f.slot.fill("90");
    await save(page, "Save booking rules");
    await expect(page.getByRole("alert")).toContainText(STALE);
    await expect(page).toHaveURL(/\/settings\/booking$/);
    await expect(f.slot).toHaveValue("30");
    await expect(f.horizon).toHaveValue("20");

    // Nothing of the stale save reached the database.
    await other.goto("/settings/booking");
    await expect(booking(other).slot).toHaveValue("30");

    // The refreshed form is based on the current version: saving it again works.
    await f.slot.fill("90");
    await save(page, "Save booking rules");
    await expectSaved(page, "/settings/booking");
    await page.goto("/settings/booking");
    await expect(f.slot).toHaveValue("90");
    await expect(f.horizon).toHaveValue("20");
    await other.close();
  });

  test("a stale profile save is refused too", async ({ signedInProvider: { page } }) => {
    const other = await page.context().newPage();
    const slug = uniqueSlug("stale");
    await page.goto("/settings");
    await profile(page).slug.fill(slug);
    await save(page, "Save profile");
    await expectSaved(page, "/settings");
    await other.goto("/settings");
    await profile(other).name.fill("From the other tab");
    await save(other, "Save profile");
    await expectSaved(other, "/settings");

    await profile(page).name.fill("From this tab");
    await save(page, "Save profile");
    await expect(page.getByRole("alert")).toContainText(STALE);
    await expect(profile(page).name).toHaveValue("From the other tab");
    await expect(profile(page).slug).toHaveValue(slug);
    await page.goto("/settings");
    await expect(profile(page).name).toHaveValue("From the other tab");
    await other.close();
  });

  test("different sections saved from two tabs both persist", async ({ signedInProvider: { page } }) => {
    const other = await page.context().newPage();
    await page.goto("/settings/hours");
    await other.goto("/settings/booking");
    const h = hours(page);
    const b = booking(other);
    await h.timezone.fill("Europe/Berlin");
    await fillWeek(page, { 1: [["09:00", "17:00"]], 3: [["09:00", "17:00"]], 5: [["09:00", "17:00"]] });
    await b.slot.fill("45");
    await save(page, "Save working hours");
    await expectSaved(page, "/settings/hours");
    await save(other, "Save booking rules");
    await expectSaved(other, "/settings/booking");

    await page.goto("/settings/hours");
    await expect(h.timezone).toHaveValue("Europe/Berlin");
    expect(Object.keys(await weekShown(page))).toEqual(["Monday", "Wednesday", "Friday"]);
    await page.goto("/settings/booking");
    await expect(booking(page).slot).toHaveValue("45");
    await other.close();
  });
});

test.describe("with JavaScript", () => {
  test.skip(() => !isJs(), "live behaviour needs JavaScript");

  test("the WhatsApp preview follows the template as you type", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/whatsapp");
    const f = wa(page);
    await markDocument(page);
    const initial = await f.preview.textContent();
    expect(initial).toMatch(/^Hi! Can I book \w{3} \d{1,2} \w{3} at 10:00 Dubai time\? \(ref K7Q2\)$/);
    await f.template.fill("");
    await f.template.pressSequentially("See you {date} at {time}");
    await expect(f.preview).toHaveText(/^See you \w{3} \d{1,2} \w{3} at 10:00 Dubai time$/);
    await f.template.press("!");
    await expect(f.preview).toHaveText(/at 10:00 Dubai time!$/);
    await f.phone.pressSequentially("+44 20 7946 0958");
    await expect(f.link).toHaveText(/^https:\/\/wa\.me\/442079460958\?text=See%20you%20/);
    await expectNavigationKind(page);
  });

  test("errors appear before submitting and go away once fixed", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/whatsapp");
    const f = wa(page);
    let posts = 0;
    page.on("request", (r) => {
      if (r.method() === "POST") posts += 1;
    });
    await f.phone.pressSequentially("12345");
    await f.phone.blur();
    await expectFieldError(f.phone, "Enter the number in international format");
    // Fixed while typing: the message goes away without a submit.
    await f.phone.fill("");
    await f.phone.pressSequentially("+971501234567");
    await expectNoFieldError(f.phone);

    await f.template.fill("Hi {name}");
    await f.template.blur();
    await expectFieldError(f.template, "Unknown placeholder {name}: use {date}, {time} and {ref}");
    await f.template.pressSequentially(" and {nme}");
    await expect(page.locator(`[id="${await f.template.getAttribute("id")}-error"]`)).toContainText("Unknown placeholder {nme}");
    expect(posts).toBe(0);
  });

  test("the save button says it is saving while the request is on its way", async ({ signedInProvider: { page } }) => {
    await page.goto("/settings/booking");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/settings\/booking\?.*_data=/, async (route) => {
      if (route.request().method() === "POST") await held;
      await route.continue();
    });
    await booking(page).slot.fill("20");
    await save(page, "Save booking rules");
    const button = page.getByRole("button", { name: "Saving…" });
    await expect(button).toBeVisible();
    await expect(button).toBeDisabled();
    release();
    await expectSaved(page, "/settings/booking");
    await expect(page.getByRole("button", { name: "Save booking rules" })).toBeEnabled();
  });
});

test.describe("README screenshots", () => {
  test.skip(() => !isJs(), "one set is enough; taken with JavaScript");

  test("settings-hours.png and settings-whatsapp.png", async ({ browser }, testInfo) => {
    const dir = path.join(path.dirname(testInfo.config.configFile!), "docs", "screenshots");
    fs.mkdirSync(dir, { recursive: true });
    const context = await browser.newContext({
      baseURL: testInfo.project.use.baseURL,
      viewport: { width: 1000, height: 900 },
      locale: "en-GB",
      timezoneId: "Europe/Berlin",
    });
    const page = await context.newPage();
    // A fixed address shown in the top bar; the DB is fresh per run, but be tolerant if not.
    const email = "screenshot@example.com";
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("screenshot-password");
    await page.getByRole("button", { name: "Create account" }).click();
    if (!/\/settings$/.test(page.url())) {
      await page.waitForLoadState();
      if (await page.getByText("already exists").isVisible()) {
        await page.goto("/login");
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Password").fill("screenshot-password");
        await page.getByRole("button", { name: "Sign in" }).click();
      }
    }
    await expect(page).toHaveURL(/\/settings$/);
    await saveHours(page, { timezone: "Europe/Berlin", days: ["Monday", "Wednesday", "Friday"], start: "08:30", end: "15:00" });
    await page.goto("/settings/hours");
    await page.screenshot({ path: path.join(dir, "settings-hours.png"), fullPage: true });
    await saveWhatsapp(page, "+971 50 123 4567", "Hi Anna! Can I book {date} at {time}?");
    await page.goto("/settings/whatsapp");
    await expect(wa(page).preview).toContainText("Hi Anna! Can I book");
    await page.screenshot({ path: path.join(dir, "settings-whatsapp.png"), fullPage: true });
    await context.close();
    for (const name of ["settings-hours.png", "settings-whatsapp.png"])
      expect(fs.statSync(path.join(dir, name)).size).toBeGreaterThan(5000);
  });
});

test("native constraints refuse out-of-range input before any request, also without JavaScript", async ({ signedInProvider: { page } }) => {
  await page.goto("/settings/booking");
  const slot = page.getByLabel("Appointment length (minutes)");
  await slot.fill("500");
  await page.getByRole("button", { name: "Save booking rules" }).click();
  if (isJs()) {
    // After hydration conform validates instead of the browser, with the server's message.
    await expect(page.getByText("Slot length must be a whole number of minutes from 10 to 240")).toBeVisible();
  } else {
    await expect(page.locator("input:invalid")).toHaveCount(1);
    expect(await slot.evaluate((el: HTMLInputElement) => el.validity.rangeOverflow)).toBe(true);
  }
  await expect(page).toHaveURL(/\/settings\/booking$/);
  await page.goto("/settings/booking");
  await expect(slot).toHaveValue("60");
  await page.goto("/settings/whatsapp");
  expect(await page.getByLabel("Message template").getAttribute("maxlength")).toBe("300");
});
