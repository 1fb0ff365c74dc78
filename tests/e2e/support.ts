/**
 * Shared helpers for the e2e specs (auth, settings, a11y). Every flow runs in both projects:
 * `js` (Remix client navigation, conform validates while typing) and `no-js` (plain HTML forms,
 * POST + redirect, server-side validation only).
 */
import { expect, test, type Locator, type Page } from "@playwright/test";

export const DEMO = { email: "demo@example.com", password: "demo-password-123", slug: "demo-trainer" } as const;
export const PASSWORD = "correct-horse-battery";

let counter = 0;
/** A new address per call: tests share one database and run in parallel. */
export function uniqueEmail(tag = "user"): string {
  const info = test.info();
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `${tag}-${info.project.name}-w${info.workerIndex}-${Date.now().toString(36)}-${counter}-${rand}@example.com`;
}

/** A slug that no other test (or project) will take: 3–40 chars, lowercase, single hyphens. */
export function uniqueSlug(tag = "p"): string {
  counter += 1;
  const project = test.info().project.name.replace(/[^a-z0-9]/g, "");
  return `${tag}-${project}-${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`.slice(0, 40);
}

export function isJs(): boolean {
  return test.info().project.name === "js";
}

export async function signUp(page: Page, email = uniqueEmail(), password = PASSWORD): Promise<{ email: string; password: string }> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator(".topbar")).toContainText(email);
  return { email, password };
}

/**
 * The same sign-up as a plain form POST from the page's own context (its cookie jar gets the
 * session): for specs that need a fresh account but do not test the sign-up page itself.
 */
export async function signUpQuickly(page: Page, email = uniqueEmail(), password = PASSWORD): Promise<{ email: string; password: string }> {
  const response = await page.request.post("/signup", { form: { email, password, redirectTo: "/settings" }, maxRedirects: 0 });
  expect(response.status(), await response.text()).toBe(302);
  expect(response.headers()["location"]).toBe("/settings");
  expect((await page.context().cookies()).some((c) => c.name === "__session")).toBe(true);
  return { email, password };
}

export async function signIn(page: Page, email: string, password: string, path = "/login"): Promise<void> {
  await page.goto(path);
  await fillSignIn(page, email, password);
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Set before a submit; afterwards `expectNavigationKind` checks how the page got there:
 * with JS the document survives (client-side navigation), without JS it was replaced.
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __marker?: string }).__marker = "same-document";
  });
}

/**
 * Clicks a button that submits its form and lets the result arrive before the next step. Without
 * JavaScript that is a new document: until it has loaded, the old one (with the old values) still
 * answers locators, and a click on it would post the old form again.
 */
export async function clickAndSettle(page: Page, button: Locator): Promise<void> {
  if (isJs()) {
    await button.click();
    return;
  }
  const loaded = page.waitForEvent("load");
  await button.click();
  await loaded;
}

export async function expectNavigationKind(page: Page): Promise<void> {
  const marker = await page.evaluate(() => (window as unknown as { __marker?: string }).__marker ?? null);
  if (isJs()) expect(marker, "with JS the form should submit without a full reload").toBe("same-document");
  else expect(marker, "without JS the browser posts and loads a new document").toBeNull();
}

/** The id of the focused element ("" when the body has the focus). */
export function activeElementName(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? null);
}

/** The "Saved." banner that Post/Redirect/Get shows. */
export function savedBanner(page: Page) {
  return page.getByRole("status").filter({ hasText: /^Saved\.$/ });
}

/**
 * Native HTML constraints (required, min/max, minlength, maxlength) stop bad input before any
 * request, with or without JavaScript. To test what the server does with input a browser would
 * refuse (as a script or an old browser could send), turn that check off for the page's forms.
 */
export async function skipNativeValidation(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const form of Array.from(document.forms)) form.noValidate = true;
    for (const el of Array.from(document.querySelectorAll("[maxlength]"))) el.removeAttribute("maxlength");
  });
}
