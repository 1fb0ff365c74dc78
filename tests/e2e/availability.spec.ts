/**
 * Issue 9 end to end, with JavaScript on and off: a provider sets a split Monday, an overnight
 * Friday, a week off and a special date through the settings pages; the public page shows exactly
 * the slots those rules give, and never the override's private note.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { DateTime } from "luxon";
import { saveProfile, saveWeek, saveWhatsApp, signUp, uniqueEmail } from "./calendar-support";
import { clickAndSettle, isJs, markDocument, expectNavigationKind } from "./support";

const ZONE = "Asia/Dubai"; // no DST: the expected slots below are plain wall-clock arithmetic
const NOTE = "Dentist, private";
const HORIZON = 28;

type Ranges = [string, string][];
const WEEK: Record<number, Ranges> = {
  1: [
    ["06:00", "08:00"],
    ["17:00", "19:00"],
  ],
  5: [["20:00", "01:00"]],
};

/** The next Monday strictly after today, in the provider's zone. */
function nextMonday(): DateTime {
  const today = DateTime.now().setZone(ZONE).startOf("day");
  return today.plus({ days: 8 - today.weekday });
}

/** What the page must show per date: a literal reading of the rules for this test's week. */
function expectedSlots(weekOff: { from: DateTime; to: DateTime }, special: DateTime): Map<string, string[]> {
  const today = DateTime.now().setZone(ZONE).startOf("day");
  const out = new Map<string, string[]>();
  const add = (day: DateTime, hour: number) => {
    const slot = day.plus({ hours: hour });
    const key = slot.toISODate()!;
    out.set(key, [...(out.get(key) ?? []), slot.toFormat("HH:mm")]);
  };
  for (let i = -1; i <= HORIZON + 1; i++) {
    const day = today.plus({ days: i });
    let ranges = WEEK[day.weekday] ?? [];
    if (day >= weekOff.from && day <= weekOff.to) ranges = [];
    if (day.hasSame(special, "day")) ranges = [["10:00", "12:00"]];
    for (const [start, end] of ranges) {
      const s = Number(start.slice(0, 2));
      let e = Number(end.slice(0, 2));
      if (e <= s) e += 24;
      for (let h = s; h + 1 <= e; h++) add(day, h);
    }
  }
  return out;
}

/**
 * Leaves the field being edited before pressing a button: with JS a bad value is reported on blur
 * and the message pushes the button down, so a click that itself causes the blur can miss it.
 */
async function press(page: Page, name: string) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await clickAndSettle(page, page.getByRole("button", { name, exact: true }));
}

async function addOverride(page: Page, n: number, o: { from: string; to: string; ranges?: Ranges; note?: string }) {
  await press(page, "Add time off or a special date");
  const title = `Dates ${n}`;
  await page.getByLabel(`${title}: first day`).fill(o.from);
  await page.getByLabel(`${title}: last day`).fill(o.to);
  for (let i = 0; i < (o.ranges ?? []).length; i++) {
    await press(page, `${title}: add a time range`);
    await page.getByLabel(`${title}: range ${i + 1} from`).fill(o.ranges![i][0]);
    await page.getByLabel(`${title}: range ${i + 1} to`).fill(o.ranges![i][1]);
  }
  if (o.ranges?.length) await expect(page.getByLabel(`${title}: special hours`)).toBeChecked();
  else await expect(page.getByLabel(`${title}: day off`)).toBeChecked();
  if (o.note) await page.getByLabel(`${title}: note`).fill(o.note);
}

test("a split Monday, an overnight Friday, a week off and a special date: exactly those slots", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const monday = nextMonday();
  const weekOff = { from: monday.plus({ days: 7 }), to: monday.plus({ days: 13 }) };
  const special = monday.plus({ days: 2 }); // a Wednesday, normally not working

  await signUp(page, uniqueEmail("week"));
  await saveWeek(page, "Dubai", WEEK);
  await page.goto("/settings/booking");
  await page.getByLabel("Appointment length (minutes)").fill("60");
  await page.getByLabel("Start a slot every (minutes)").fill("60");
  await page.getByLabel("Minimum notice (hours)").fill("0");
  await page.getByLabel("Booking horizon (days)").fill(String(HORIZON));
  await page.getByRole("button", { name: "Save booking rules" }).click();
  await expect(page).toHaveURL(/\/settings\/booking\?saved=1$/);

  await page.goto("/settings/time-off");
  await expect(page.getByText("No time off or special dates yet.")).toBeVisible();
  await markDocument(page);
  await addOverride(page, 1, { from: weekOff.from.toISODate()!, to: weekOff.to.toISODate()!, note: "Holiday" });
  await addOverride(page, 2, { from: special.toISODate()!, to: special.toISODate()!, ranges: [["10:00", "12:00"]], note: NOTE });
  await expectNavigationKind(page);
  await page.getByRole("button", { name: "Save time off" }).click();
  await expect(page).toHaveURL(/\/settings\/time-off\?saved=1$/);
  // Stored sorted by date: the special date comes first now.
  await expect(page.getByLabel("Dates 1: first day")).toHaveValue(special.toISODate()!);
  await expect(page.getByLabel("Dates 1: range 1 from")).toHaveValue("10:00");
  await expect(page.getByLabel("Dates 2: first day")).toHaveValue(weekOff.from.toISODate()!);
  await expect(page.getByLabel("Dates 2: note")).toHaveValue("Holiday");

  await saveWhatsApp(page, { phone: "+971 50 123 4567", template: "Hi! Can I book {date} at {time}?" });
  const slug = `week-${randomUUID().slice(0, 8)}`;
  await saveProfile(page, { slug, publish: true });

  const client = await (await browser.newContext({ baseURL, javaScriptEnabled: isJs() })).newPage();
  const response = await client.goto(`/c/${slug}`);
  expect(response?.status()).toBe(200);
  const html = await response!.text();
  expect(html).not.toContain("Dentist");
  expect(html).not.toContain("Holiday");

  const shown = new Map<string, string[]>();
  for (const section of await client.locator("section.day").all()) {
    const id = (await section.getByRole("heading", { level: 2 }).getAttribute("id"))!.replace(/^d-/, "");
    shown.set(
      id,
      (await section.locator("ul.slots li").allInnerTexts()).map((t) => t.trim()),
    );
  }
  const expected = expectedSlots(weekOff, special);
  // Today and the horizon's last day depend on the clock at the moment of the request; every
  // date between must match exactly, including dates without any slot.
  const today = DateTime.now().setZone(ZONE).startOf("day");
  for (let i = 1; i < HORIZON; i++) {
    const date = today.plus({ days: i }).toISODate()!;
    expect(shown.get(date) ?? [], date).toEqual(expected.get(date) ?? []);
  }
  // The named days, spelled out.
  expect(shown.get(monday.toISODate()!)).toEqual(["06:00", "07:00", "17:00", "18:00"]);
  expect(shown.get(special.toISODate()!)).toEqual(["10:00", "11:00"]);
  expect(shown.get(monday.plus({ days: 4 }).toISODate()!)).toEqual(["20:00", "21:00", "22:00", "23:00"]);
  expect(shown.get(monday.plus({ days: 5 }).toISODate()!)).toEqual(["00:00"]);
  for (let i = 0; i < 7; i++) expect(shown.has(weekOff.from.plus({ days: i }).toISODate()!)).toBe(false);
  expect(shown.get(monday.plus({ days: 14 }).toISODate()!)).toEqual(["06:00", "07:00", "17:00", "18:00"]);
  await client.context().close();
});

test("time off refuses a last day before the first and overlapping dates, keeping what was typed", async ({ page }) => {
  await signUp(page, uniqueEmail("off"));
  await page.goto("/settings/time-off");
  await addOverride(page, 1, { from: "2031-05-10", to: "2031-05-08" });
  await addOverride(page, 2, { from: "2031-05-01", to: "2031-05-10" });
  await press(page, "Save time off");
  await expect(page.getByText("The last day must be on or after the first day")).toBeVisible();
  await expect(page.getByLabel("Dates 1: last day")).toHaveValue("2031-05-08");
  await expect(page.getByLabel("Dates 2: first day")).toHaveValue("2031-05-01");
  // Fix the order: now the two overlap.
  await page.getByLabel("Dates 1: last day").fill("2031-05-12");
  await press(page, "Save time off");
  await expect(page.getByText("Overlaps the dates 2031-05-01 to 2031-05-10")).toBeVisible();
  await press(page, "Remove dates 2");
  await press(page, "Save time off");
  await expect(page).toHaveURL(/\/settings\/time-off\?saved=1$/);
  await expect(page.getByTestId("override")).toHaveCount(1);
  await expect(page.getByLabel("Dates 1: first day")).toHaveValue("2031-05-10");
});

test("the all-day switch on the calendar page saves and reloads", async ({ page }) => {
  await signUp(page, uniqueEmail("allday"));
  await page.goto("/settings/calendar");
  await expect(page.getByText("iPhone and Mac mark all-day events as free; choose whether they block your day.")).toBeVisible();
  const busy = page.getByLabel("All-day events block my day, even when marked free");
  const asMarked = page.getByLabel("Only all-day events marked busy block my day");
  await expect(busy).toBeChecked();
  await asMarked.check();
  await page.getByRole("button", { name: "Save all-day rule" }).click();
  await expect(page).toHaveURL(/\/settings\/calendar\?saved=1$/);
  await page.goto("/settings/calendar");
  await expect(asMarked).toBeChecked();
});
