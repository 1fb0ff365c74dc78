/**
 * Connecting a CalDAV calendar (a fresh user on the worker's Radicale per test, see the
 * radicaleAccount fixture), choosing calendars, and every way a connection goes wrong. Runs with
 * JavaScript on and off.
 */
import { type Page } from "@playwright/test";
import { caldavForm, closedPort, connectCalDav, listedCalendars, recordResponses, selectCalendars, submitCalDav } from "./calendar-support";
import { expect, test } from "./fixtures";

const NO_CALENDAR = "No calendar connected yet";

async function expectNoSecret(page: Page, texts: string[], secrets: string[]) {
  const html = await page.content();
  for (const secret of secrets) {
    expect(html, "the page HTML must not contain the password").not.toContain(secret);
    for (const text of texts) expect(text.includes(secret), "no response may contain the password").toBe(false);
  }
}

test.describe("alice: three event calendars and a task list", () => {
  test.use({
    radicaleSetup: {
      user: "alice",
      calendars: [
        { slug: "work", displayName: "Work", color: "#1BADF8FF" },
        { slug: "gym", displayName: "Gym", color: "#63DA38FF" },
        { slug: "family", displayName: "Family", color: "#FF2968FF" },
        { slug: "tasks", displayName: "Tasks", components: ["VTODO"] },
      ],
    },
  });

  test("connects a CalDAV account, lists only event calendars, keeps the selection", async ({
    signedInProvider: { page },
    radicaleAccount,
    baseURL,
  }, info) => {
    await page.goto("/settings/calendar");
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();

    const rec = recordResponses(page, baseURL!);
    const started = Date.now();
    await connectCalDav(page, radicaleAccount.creds);
    info.annotations.push({ type: "connect-ms", description: String(Date.now() - started) });

    const account = page.getByTestId("account");
    await expect(account).toHaveCount(1);
    await expect(account.getByTestId("account-status")).toHaveText("connected");
    await expect(account).toContainText("Signed in as alice");
    // Event calendars with their names; the VTODO-only one is not offered.
    expect((await listedCalendars(page)).map((c) => c.name).sort()).toEqual(["Family", "Gym", "Work"]);
    await expect(page.getByText("Tasks", { exact: true })).toHaveCount(0);
    // Issue 13: all event calendars of a new account count as busy until the provider unticks one.
    expect((await listedCalendars(page)).every((c) => c.checked)).toBe(true);
    // The connect form was cleared: no password (nor username) left in it.
    await expect(caldavForm(page).getByLabel("Password")).toHaveValue("");
    await expect(caldavForm(page).getByLabel("Username")).toHaveValue("");

    await selectCalendars(page, ["Work", "Gym"]);
    const expected = [
      { name: "Family", checked: false },
      { name: "Gym", checked: true },
      { name: "Work", checked: true },
    ];
    const sorted = async () => (await listedCalendars(page)).sort((a, b) => a.name.localeCompare(b.name));
    expect(await sorted()).toEqual(expected);

    await page.reload();
    expect(await sorted()).toEqual(expected);
    rec.stop();
    await expectNoSecret(page, await rec.texts(), [radicaleAccount.password]);
    expect(rec.urls.some((u) => u.startsWith("POST "))).toBe(true);

    // A fresh page load (new tab of the same signed-in browser) reads it back from the database.
    const fresh = await page.context().newPage();
    await fresh.goto("/settings/calendar");
    expect((await listedCalendars(fresh)).sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected);
    await expect(fresh.getByTestId("account-status")).toHaveText("connected");
    await expectNoSecret(fresh, [], [radicaleAccount.password]);

    if (info.project.name === "js") {
      await page.setViewportSize({ width: 1000, height: 900 });
      await page.screenshot({ path: "docs/screenshots/settings-calendar.png", fullPage: true });
    }
  });

  test("wrong password, unreachable server and non-http address are refused and nothing is stored", async ({
    signedInProvider: { page },
    radicaleAccount,
    baseURL,
  }, info) => {
    await page.goto("/settings/calendar");
    const form = caldavForm(page);
    const rec = recordResponses(page, baseURL!);
    const wrong = "wrong-secret-7391";

    await submitCalDav(page, { ...radicaleAccount.creds, password: wrong });
    await expect(form.getByRole("alert")).toHaveText("The server refused this username and password.");
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();
    await expect(page.getByTestId("account")).toHaveCount(0);
    // Without JavaScript the form comes back from the server: the password is not sent back.
    if (info.project.use.javaScriptEnabled === false) await expect(form.getByLabel("Password")).toHaveValue("");
    // The recorder did see the refusal (so "contains no password" below is about real bodies).
    expect((await rec.texts()).some((t) => t.includes("The server refused this username and password."))).toBe(true);
    await expectNoSecret(page, await rec.texts(), [wrong]);

    const port = await closedPort();
    const unreachable = "unreachable-secret-5521";
    await submitCalDav(page, { serverUrl: `http://127.0.0.1:${port}`, username: "alice", password: unreachable });
    await expect(form.getByRole("alert")).toHaveText(`Could not reach the server at 127.0.0.1:${port}.`);
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();

    const ftp = "ftp-secret-8812";
    await submitCalDav(page, { serverUrl: "ftp://x", username: "alice", password: ftp });
    await expect(form.getByText("Enter an http:// or https:// address, e.g. https://caldav.fastmail.com")).toBeVisible();
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();

    // Still nothing stored after a fresh load.
    await page.goto("/settings/calendar");
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();
    rec.stop();
    await expectNoSecret(page, await rec.texts(), [wrong, unreachable, ftp]);
  });
});

test.describe("carol: a calendar that will be deleted", () => {
  test.use({
    radicaleSetup: {
      user: "carol",
      calendars: [
        { slug: "work", displayName: "Work" },
        { slug: "old", displayName: "Old" },
      ],
    },
  });

  test("a calendar deleted on the server is flagged and can be removed from the selection", async ({
    signedInProvider: { page },
    radicaleAccount,
  }) => {
    await connectCalDav(page, radicaleAccount.creds);
    await selectCalendars(page, ["Work", "Old"]);

    await radicaleAccount.deleteCalendar("Old");
    await page.reload();
    const gone = page.getByText("A selected calendar no longer exists on the server");
    await expect(gone).toBeVisible();
    expect(await listedCalendars(page)).toEqual([
      { name: "Work", checked: true },
      { name: "A selected calendar no longer exists on the server (untick it and save to remove it)", checked: true },
    ]);

    // Saving with it still ticked is refused, naming the problem.
    await page.getByRole("button", { name: "Save selection" }).click();
    await expect(page.getByText("These calendars are not in your connected account (anymore); untick them")).toBeVisible();

    await page.reload();
    await gone.locator("xpath=ancestor::label").getByRole("checkbox").uncheck();
    await page.getByRole("button", { name: "Save selection" }).click();
    await expect(page).toHaveURL(/\?saved=1$/);
    await expect(gone).toHaveCount(0);
    await page.reload();
    await expect(gone).toHaveCount(0);
    expect(await listedCalendars(page)).toEqual([{ name: "Work", checked: true }]);
  });
});

test.describe("dave: a password that will change", () => {
  test.use({
    radicaleSetup: {
      user: "dave",
      calendars: [
        { slug: "work", displayName: "Work" },
        { slug: "gym", displayName: "Gym" },
      ],
    },
  });

  test("a password changed on the server asks for a reconnect; reconnect and disconnect work", async ({
    signedInProvider: { page },
    radicaleAccount,
  }) => {
    await connectCalDav(page, radicaleAccount.creds);
    await selectCalendars(page, ["Work"]);

    const newPassword = "dave-new-pass-9";
    const oldPassword = radicaleAccount.password;
    // This test's own Radicale user: nothing to restore afterwards.
    await radicaleAccount.setPassword(newPassword);
    await page.reload();
    await expect(page.getByTestId("account-status")).toHaveText("needs reconnecting");
    await expect(page.getByTestId("account").getByRole("alert")).toContainText("The server refused this username and password.");

    await connectCalDav(page, { ...radicaleAccount.creds, password: newPassword });
    await expect(page.getByTestId("account")).toHaveCount(1);
    await expect(page.getByTestId("account-status")).toHaveText("connected");
    // Reconnecting keeps the earlier choice (the unticked calendar is not ticked again).
    expect((await listedCalendars(page)).find((c) => c.name === "Work")?.checked).toBe(true);
    expect((await listedCalendars(page)).find((c) => c.name === "Gym")?.checked).toBe(false);
    const html = await page.content();
    expect(html).not.toContain(newPassword);
    expect(html).not.toContain(oldPassword);

    await page.getByRole("button", { name: /^Disconnect / }).click();
    await expect(page).toHaveURL(/\?disconnected=1$/);
    await expect(page.getByText("Calendar disconnected. Its password was deleted.")).toBeVisible();
    await expect(page.getByText(NO_CALENDAR)).toBeVisible();

    // The selection went with the account: connecting again starts afresh, with every event
    // calendar ticked (issue 13: nothing ticked would show every working hour as free).
    await connectCalDav(page, { ...radicaleAccount.creds, password: newPassword });
    const listed = await listedCalendars(page);
    expect(listed.map((c) => c.name).sort()).toEqual(["Gym", "Work"]);
    expect(listed.every((c) => c.checked)).toBe(true);
  });
});
