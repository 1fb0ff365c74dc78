import { test, expect } from "@playwright/test";
import { signUp } from "./support";
test("probe", async ({ page }) => {
  test.skip(test.info().project.name !== "js");
  page.on("console", (m) => console.log("CONSOLE", m.type(), m.text().slice(0, 500)));
  page.on("pageerror", (e) => console.log("PAGEERROR", e.message.slice(0, 300)));
  await signUp(page);
  for (let i = 0; i < 3; i++) {
    await page.goto("/settings/hours");
    await page.getByLabel("Time zone").fill("Mars/Olympus"); if (i == 1) await page.getByLabel("Time zone").press("Escape"); if (i == 2) await page.getByLabel("Time zone").blur();
    for (const d of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]) {
      await page.getByLabel(d, { exact: true }).setChecked(false).catch((e) => console.log("FAIL", d, e.message.split("\n")[0]));
    }
    console.log("checked:", await page.locator("input[name=days]:checked").count(), "tz:", await page.getByLabel("Time zone").inputValue());
  }
});
