import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, type Page } from "@playwright/test";
import { expect, test as base } from "./fixtures";
import { DEMO, isJs, signIn, skipNativeValidation } from "./support";

// One JavaScript-enabled context per worker to run axe on copies of no-JS pages (see analyze).
const test = base.extend<{ analyze: (page: Page) => ReturnType<AxeBuilder["analyze"]> }, { axeContext: BrowserContext }>({
  axeContext: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ javaScriptEnabled: true });
      await use(context);
      await context.close();
    },
    { scope: "worker" },
  ],
  analyze: async ({ axeContext }, use) => {
    await use((page) => analyze(page, axeContext));
  },
});

/**
 * axe runs inside the page, which a JavaScript-disabled page cannot do (its evaluate never
 * settles). Without JS, the document as the browser shows it is copied into a JS-enabled page at
 * the same URL, minus its scripts, so axe checks exactly the no-JS markup (styles included).
 */
async function analyze(page: Page, axeContext: BrowserContext) {
  if (isJs()) return checked(page);
  const url = page.url();
  const html = (await page.content())
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "")
    .replace(/<link[^>]+rel="modulepreload"[^>]*>/gi, "");
  const copy = await axeContext.newPage();
  try {
    await copy.setViewportSize(page.viewportSize()!);
    await copy.route(
      (u) => u.href === url,
      (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }),
    );
    await copy.goto(url);
    return await checked(copy);
  } finally {
    await copy.close();
  }
}

/** Contrast findings mean nothing on an unstyled page: make sure app.css is applied first. */
async function checked(page: Page) {
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), "app.css applied")
    .toBe("rgb(246, 247, 248)");
  return new AxeBuilder({ page }).analyze();
}

/** Runs axe on the page as it is now; fails on "serious" or "critical" findings and prints them. */
async function expectNoSeriousViolations(analyze: (page: Page) => ReturnType<AxeBuilder["analyze"]>, page: Page, label: string) {
  const results = await analyze(page);
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length > 0) {
    const text = serious
      .map(
        (v) =>
          `[${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n")}`,
      )
      .join("\n");
    console.log(`axe on ${label} (${test.info().project.name}):\n${text}`);
  }
  // Soft: a page with findings does not stop the pages after it from being checked.
  expect
    .soft(
      serious.map((v) => `${v.id} (${v.nodes.length})`),
      label,
    )
    .toEqual([]);
  // Guard against analysing an empty or error page.
  expect(results.passes.length, label).toBeGreaterThan(5);
}

test.describe("public pages", () => {
  test("/, /login, /signup and the demo booking page", async ({ page, analyze }) => {
    // The demo page also in Arabic (right to left) and in a visitor's zone whose date differs.
    for (const path of ["/", "/login", "/signup", `/c/${DEMO.slug}`, `/c/${DEMO.slug}?lang=ar`, `/c/${DEMO.slug}?tz=Pacific/Kiritimati`]) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(200);
      await expectNoSeriousViolations(analyze, page, path);
    }
  });

  test("/login and /signup showing errors", async ({ page, analyze }) => {
    await signIn(page, DEMO.email, "wrong-password");
    await expect(page.getByRole("alert")).toBeVisible();
    await expectNoSeriousViolations(analyze, page, "/login with an error");
    await page.goto("/signup");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill("short");
    // The server's error page is what is checked here, not the browser's own bubble.
    await skipNativeValidation(page);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Use at least 8 characters")).toBeVisible();
    await expectNoSeriousViolations(analyze, page, "/signup with errors");
  });
});

test.describe("settings", () => {
  test("every settings section", async ({ signedInProvider: { page }, analyze }) => {
    for (const path of [
      "/settings",
      "/settings/hours",
      "/settings/time-off",
      "/settings/whatsapp",
      "/settings/booking",
      "/settings/language",
      "/settings/calendar",
    ]) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }), path).toBeVisible();
      await expectNoSeriousViolations(analyze, page, path);
    }
  });

  test("forms showing errors and the Saved banner", async ({ signedInProvider: { page }, analyze }) => {
    await page.goto("/settings/hours");
    await page.getByLabel("Time zone").fill("Mars/Olympus");
    await page.getByLabel("Time zone").blur();
    await page.getByRole("button", { name: "Save working hours" }).click();
    await expect(page.getByText("No time zone found for “Mars/Olympus”")).toBeVisible();
    await expectNoSeriousViolations(analyze, page, "/settings/hours with errors");

    await page.goto("/settings/booking");
    await page.getByRole("button", { name: "Save booking rules" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expectNoSeriousViolations(analyze, page, "/settings/booking saved");

    await page.goto("/settings");
    await page.getByLabel("Publish my booking page").check();
    await page.getByLabel("Public address").fill("admin");
    await page.getByLabel("Public address").blur();
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByText("This address is reserved")).toBeVisible();
    await expectNoSeriousViolations(analyze, page, "/settings with errors");
  });
});
