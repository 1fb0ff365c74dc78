/**
 * Helpers shared by calendar.spec.ts, public-page.spec.ts and the fixtures: the settings forms, the
 * CalDAV connect form, iCalendar builders and a recorder of everything the app sent to the browser.
 */
import { createServer } from "node:net";
import { expect, type Locator, type Page, type Response } from "@playwright/test";
import { clickAndSettle, signUpQuickly, uniqueEmail } from "./support";

/** A loopback port nothing listens on (allocated, then closed). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = addr && typeof addr === "object" ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/* ---------------------------------------------------------------------------------------- */
/* Calendar settings page                                                                   */
/* ---------------------------------------------------------------------------------------- */

export function caldavForm(page: Page): Locator {
  return page.locator("details", { hasText: "Other CalDAV server" });
}

/** Fills and submits the "Other CalDAV server" form (opening its <details> by its summary). */
export async function submitCalDav(page: Page, creds: { serverUrl: string; username: string; password: string }) {
  if (!page.url().endsWith("/settings/calendar")) await page.goto("/settings/calendar");
  const details = caldavForm(page);
  if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
  await details.getByLabel("Server address").fill(creds.serverUrl);
  await details.getByLabel("Username").fill(creds.username);
  await details.getByLabel("Password").fill(creds.password);
  await details.getByRole("button", { name: "Connect calendar" }).click();
}

/** Connects and waits for the success banner. */
export async function connectCalDav(page: Page, creds: { serverUrl: string; username: string; password: string }) {
  await submitCalDav(page, creds);
  await expect(page.getByText("Calendar connected. All its calendars now count as busy", { exact: false })).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/calendar\?connected=[0-9a-z]+$/);
}

export function selectionFieldset(page: Page): Locator {
  return page.getByRole("group", { name: "Calendars that count as busy" });
}

/** Ticks exactly `names` (calendar display names), unticks the rest, saves. */
export async function selectCalendars(page: Page, names: string[]) {
  const boxes = selectionFieldset(page).getByRole("checkbox");
  const count = await boxes.count();
  for (let i = 0; i < count; i++) {
    const box = boxes.nth(i);
    const label = (await box.locator("xpath=..").innerText()).trim();
    await box.setChecked(names.includes(label));
  }
  await page.getByRole("button", { name: "Save selection" }).click();
  await expect(page).toHaveURL(/\/settings\/calendar\?saved=1$/);
  await expect(page.getByText("Saved.", { exact: true })).toBeVisible();
}

/** Names of the listed calendars with their ticked state, in page order. */
export async function listedCalendars(page: Page): Promise<{ name: string; checked: boolean }[]> {
  const labels = selectionFieldset(page).locator("label");
  const out: { name: string; checked: boolean }[] = [];
  for (let i = 0; i < (await labels.count()); i++) {
    const label = labels.nth(i);
    out.push({ name: (await label.innerText()).trim(), checked: await label.getByRole("checkbox").isChecked() });
  }
  return out;
}

/* ---------------------------------------------------------------------------------------- */
/* Other settings sections                                                                  */
/* ---------------------------------------------------------------------------------------- */

async function expectSaved(page: Page, path: string) {
  await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, "\\/")}\\?saved=1$`));
  await expect(page.getByText("Saved.", { exact: true })).toBeVisible();
}

export const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/**
 * Fills the week grid on /settings/hours (without saving): every day gets exactly the given
 * ranges, through the page's own add/remove buttons, so it works with and without JavaScript.
 */
export async function fillWeek(page: Page, week: Partial<Record<number, [string, string][]>>) {
  for (let d = 1; d <= 7; d++) {
    const name = DAY_NAMES[d - 1];
    const ranges = week[d] ?? [];
    const remove = page.getByRole("button", { name: `Remove ${name} range 1`, exact: true });
    while ((await remove.count()) > 0) {
      const before = await page.getByLabel(new RegExp(`^${name} range \\d+ from$`)).count();
      await clickAndSettle(page, remove);
      await expect(page.getByLabel(new RegExp(`^${name} range \\d+ from$`))).toHaveCount(before - 1);
    }
    for (let i = 0; i < ranges.length; i++) {
      await clickAndSettle(page, page.getByRole("button", { name: `Add a time range to ${name}`, exact: true }));
      await page.getByLabel(`${name} range ${i + 1} from`, { exact: true }).fill(ranges[i][0]);
      await page.getByLabel(`${name} range ${i + 1} to`, { exact: true }).fill(ranges[i][1]);
    }
  }
}

export async function saveWeek(page: Page, timezone: string, week: Partial<Record<number, [string, string][]>>) {
  await page.goto("/settings/hours");
  await page.getByLabel("Time zone").fill(timezone);
  await fillWeek(page, week);
  await page.getByRole("button", { name: "Save working hours" }).click();
  await expectSaved(page, "/settings/hours");
}

/** The seed's shape (days x one start-end), entered through the week grid. */
export async function saveWorkingHours(page: Page, hours: { timezone: string; days: number[]; start: string; end: string }) {
  const week: Partial<Record<number, [string, string][]>> = {};
  for (const d of hours.days) week[d] = [[hours.start, hours.end]];
  await saveWeek(page, hours.timezone, week);
}

export async function saveBookingRules(page: Page, rules: { slot: number; buffer: number; notice: number; horizon: number }) {
  await page.goto("/settings/booking");
  await page.getByLabel("Appointment length (minutes)").fill(String(rules.slot));
  await page.getByLabel("Buffer between appointments (minutes)").fill(String(rules.buffer));
  await page.getByLabel("Minimum notice (hours)").fill(String(rules.notice));
  await page.getByLabel("Booking horizon (days)").fill(String(rules.horizon));
  await page.getByRole("button", { name: "Save booking rules" }).click();
  await expectSaved(page, "/settings/booking");
}

export async function saveWhatsApp(page: Page, wa: { phone: string; template: string }) {
  await page.goto("/settings/whatsapp");
  await page.getByLabel("Clients book by WhatsApp message").setChecked(true);
  await page.getByLabel("WhatsApp number").fill(wa.phone);
  await page.getByLabel("Message template").fill(wa.template);
  await page.getByRole("button", { name: "Save WhatsApp settings" }).click();
  await expectSaved(page, "/settings/whatsapp");
}

export async function saveProfile(page: Page, profile: { slug: string; publish: boolean; displayName?: string }) {
  await page.goto("/settings");
  await page.getByLabel("Public address").fill(profile.slug);
  if (profile.displayName !== undefined) await page.getByLabel("Name shown to clients (optional)").fill(profile.displayName);
  await page.getByLabel("Publish my booking page").setChecked(profile.publish);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expectSaved(page, "/settings");
}

/* ---------------------------------------------------------------------------------------- */
/* What the browser received                                                                */
/* ---------------------------------------------------------------------------------------- */

/**
 * Records every response from the app (documents, redirects, Remix data requests) while
 * attached, so a test can assert that a secret appears in none of them: bodies, and for
 * redirects (whose body the browser drops) the headers.
 */
export function recordResponses(page: Page, origin: string) {
  const pending: Promise<string>[] = [];
  const urls: string[] = [];
  const onResponse = (res: Response) => {
    if (!res.url().startsWith(origin)) return;
    urls.push(`${res.request().method()} ${res.url()} ${res.status()}`);
    pending.push(
      (async () => {
        const headers = JSON.stringify(await res.allHeaders());
        if (res.status() >= 300 && res.status() < 400) return headers;
        try {
          return headers + (await res.text());
        } catch {
          return headers;
        }
      })(),
    );
  };
  page.on("response", onResponse);
  return {
    urls,
    async texts(): Promise<string[]> {
      return Promise.all(pending);
    },
    stop() {
      page.off("response", onResponse);
    },
  };
}

/* ---------------------------------------------------------------------------------------- */
/* iCalendar                                                                                */
/* ---------------------------------------------------------------------------------------- */

function icsUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
}

export function vevent(e: { uid: string; start: number; end: number; summary?: string; rrule?: string; transparent?: boolean }): string {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Slotline e2e//EN",
    "BEGIN:VEVENT",
    `UID:${e.uid}`,
    `DTSTAMP:${icsUtc(Date.now())}`,
    `DTSTART:${icsUtc(e.start)}`,
    `DTEND:${icsUtc(e.end)}`,
    `SUMMARY:${e.summary ?? "Busy"}`,
    ...(e.rrule ? [`RRULE:${e.rrule}`] : []),
    ...(e.transparent ? ["TRANSP:TRANSPARENT"] : []),
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

export { uniqueEmail } from "./support";

/** A new provider, signed in, on the profile page (the quick sign-up, then /settings). */
export async function signUp(page: Page, email = uniqueEmail("p")): Promise<string> {
  await signUpQuickly(page, email);
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Profile and publishing" })).toBeVisible();
  return email;
}
