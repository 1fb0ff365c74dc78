import { expect, test } from "./fixtures";
import {
  DEMO,
  expectNavigationKind,
  fillSignIn,
  isJs,
  markDocument,
  PASSWORD,
  signIn,
  signUp,
  signUpQuickly,
  skipNativeValidation,
  uniqueEmail,
} from "./support";

const WRONG = "Email or password is wrong.";

test.describe("sign up", () => {
  test("a new email lands in /settings, signed in", async ({ page }) => {
    const email = uniqueEmail("signup");
    await page.goto("/signup");
    await markDocument(page);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".topbar")).toContainText(email);
    await expect(page.getByRole("heading", { name: "Profile and publishing" })).toBeVisible();
    await expectNavigationKind(page);
    // The session works on a fresh load too.
    await page.goto("/settings/hours");
    await expect(page.getByRole("heading", { name: "Working hours" })).toBeVisible();
  });

  test("an existing email is refused and the email is kept", async ({ page }) => {
    const { email } = await signUpQuickly(page, uniqueEmail("dupe"));
    await page.context().clearCookies();
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email.toUpperCase()); // same account whatever the case
    await page.getByLabel("Password").fill("another-password-1");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert")).toContainText("An account with this email already exists");
    await expect(page).toHaveURL(/\/signup/);
    await expect(page.getByLabel("Email")).toHaveValue(email.toUpperCase());
    // The server never sends a password back (with JS the browser merely keeps what was typed).
    if (!isJs()) await expect(page.getByLabel("Password")).toHaveValue("");
    // The original password still works, the new one never did.
    await signIn(page, email, "another-password-1");
    await expect(page.getByRole("alert")).toHaveText(WRONG);
  });

  test("a password shorter than 8 characters is refused", async ({ page }) => {
    const email = uniqueEmail("short");
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("short7!");
    // The browser's own minlength check would stop this first; the server's rule is under test.
    await skipNativeValidation(page);
    await page.getByRole("button", { name: "Create account" }).click();
    const password = page.getByLabel("Password");
    // The error sits under the field and is announced with it.
    await expect(page.locator("#signup-password-error")).toHaveText("Use at least 8 characters");
    await expect(password).toHaveAttribute("aria-describedby", /signup-password-error/);
    await expect(password).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/signup/);
    await expect(page.getByLabel("Email")).toHaveValue(email);
    // No account was created.
    await signIn(page, email, "short7!");
    await expect(page.getByRole("alert")).toHaveText(WRONG);
  });

  test("an invalid email is refused", async ({ page }) => {
    await page.goto("/signup");
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password").fill(PASSWORD);
    await skipNativeValidation(page);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("alert")).toContainText("Enter a valid email address");
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
    await expect(page).toHaveURL(/\/signup/);
  });
});

test.describe("sign in and out", () => {
  test("the demo account signs in and lands in /settings", async ({ page }) => {
    await page.goto("/login");
    await markDocument(page);
    await fillSignIn(page, DEMO.email, DEMO.password);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".topbar")).toContainText(DEMO.email);
    await expect(page.getByLabel("Public address")).toHaveValue(DEMO.slug);
    await expectNavigationKind(page);
  });

  test("a wrong password and an unknown email get the same generic message", async ({ page }) => {
    await signIn(page, DEMO.email, "not-the-password");
    await expect(page.getByRole("alert")).toHaveText(WRONG);
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByLabel("Email")).toHaveValue(DEMO.email);
    if (!isJs()) await expect(page.getByLabel("Password")).toHaveValue("");

    await signIn(page, uniqueEmail("nobody"), "whatever-password");
    await expect(page.getByRole("alert")).toHaveText(WRONG);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings$/);
  });

  test("sign out, then /settings asks to sign in and returns there", async ({ page }) => {
    const { email, password } = await signUp(page);
    await page.locator(".topbar").getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.context().cookies()).find((c) => c.name === "__session")).toBeUndefined();

    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings$/);
    await fillSignIn(page, email, password);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".topbar")).toContainText(email);

    // A deeper page comes back to itself, query string included.
    await page.locator(".topbar").getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/settings/booking?x=1");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings%2Fbooking%3Fx%3D1$/);
    await fillSignIn(page, email, password);
    await expect(page).toHaveURL(/\/settings\/booking\?x=1$/);
    await expect(page.getByRole("heading", { name: "Booking rules" })).toBeVisible();
  });

  test("GET /logout does not sign out", async ({ signedInProvider: { page } }) => {
    await page.goto("/logout");
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/settings$/);
  });

  test("redirectTo to another site (//evil.com, https://…, /\\…) stays inside the app", async ({ page, baseURL }) => {
    for (const target of ["//evil.com", "https://evil.com/x", "/\\evil.com"]) {
      await page.goto(`/login?redirectTo=${encodeURIComponent(target)}`);
      await fillSignIn(page, DEMO.email, DEMO.password);
      await expect(page, target).toHaveURL(`${baseURL}/settings`);
      // Already signed in: the login loader redirects at once, also inside the app.
      await page.goto(`/login?redirectTo=${encodeURIComponent(target)}`);
      await expect(page, target).toHaveURL(`${baseURL}/settings`);
      await page.context().clearCookies();
    }
  });
});

test.describe("session and HTTP", () => {
  test("the session cookie is HttpOnly and SameSite=Lax", async ({ page }) => {
    await signUp(page);
    const session = (await page.context().cookies()).find((c) => c.name === "__session");
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
    expect(await page.evaluate(() => document.cookie)).not.toContain("__session");
  });

  test("pages with private data send Cache-Control: private, no-store", async ({ page }) => {
    for (const path of ["/login", "/signup"]) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(200);
      expect(response!.headers()["cache-control"], path).toBe("private, no-store");
    }
    await signUpQuickly(page);
    for (const path of ["/settings", "/settings/hours", "/settings/whatsapp", "/settings/booking", "/settings/calendar"]) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(200);
      expect(response!.headers()["cache-control"], path).toBe("private, no-store");
    }
  });

  test("a POST from another origin is refused with 403 and changes nothing", async ({ signedInProvider: { page }, baseURL }) => {
    await page.goto("/settings/booking");
    const version = await page.locator('input[name="version"]').inputValue();
    const form = { slotMinutes: "45", bufferMinutes: "5", minNoticeHours: "3", horizonDays: "21", version };

    const foreign = await page.request.post("/settings/booking", { form, headers: { Origin: "http://evil.example" }, maxRedirects: 0 });
    expect(foreign.status()).toBe(403);
    await page.goto("/settings/booking");
    await expect(page.getByLabel("Appointment length (minutes)")).toHaveValue("60");
    await expect(page.getByLabel("Booking horizon (days)")).toHaveValue("14");

    // The same request from our own origin (the session cookie travels along) is accepted.
    const own = await page.request.post("/settings/booking", { form, headers: { Origin: new URL(baseURL!).origin }, maxRedirects: 0 });
    expect(own.status()).toBe(302);
    expect(own.headers()["location"]).toBe("/settings/booking?saved=1");
    await page.goto("/settings/booking");
    await expect(page.getByLabel("Appointment length (minutes)")).toHaveValue("45");
    await expect(page.getByLabel("Booking horizon (days)")).toHaveValue("21");
  });

  test("a foreign-origin sign-out or sign-in is refused too", async ({ signedInProvider: { page } }) => {
    const logout = await page.request.post("/logout", { headers: { Origin: "http://evil.example" }, maxRedirects: 0 });
    expect(logout.status()).toBe(403);
    const login = await page.request.post("/login", {
      form: { email: DEMO.email, password: DEMO.password },
      headers: { Origin: "http://evil.example" },
      maxRedirects: 0,
    });
    expect(login.status()).toBe(403);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".topbar")).not.toContainText(DEMO.email);
  });
});
