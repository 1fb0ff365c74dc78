/**
 * Issue 13, the page people share in WhatsApp: a new provider goes from sign-up to a live page
 * with a photo by following the first-run steps; the link preview (Open Graph tags and the card
 * image) and the share kit are checked. Runs with JavaScript on and off.
 */
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { DEMO, isJs, signUp, uniqueSlug } from "./support";

/** A camera-like JPEG made here: 900×600, sideways (EXIF orientation 6), with a GPS position. */
async function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 900, height: 600, channels: 3, background: "#2a9d8f" } })
    .composite([{ input: { create: { width: 300, height: 300, channels: 3, background: "#e9c46a" } }, top: 150, left: 300 }])
    .jpeg()
    .withExif({ IFD0: { Make: "CameraMaker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "25/1 4/1 48/1" } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

function meta(page: Page, attr: "property" | "name", key: string) {
  return page.locator(`head meta[${attr}="${key}"]`).getAttribute("content");
}

test("sign-up to a live page with photo: checklist links, suggested hours, next steps, preview and share kit", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  await signUp(page);
  await expect(page).toHaveTitle("Profile and sharing · Settings · Slotline");

  // 1. The checklist names what is missing, each item a link to where it is fixed.
  const checklist = page.locator("#checklist");
  await expect(checklist.getByRole("link", { name: "Choose a public address" })).toHaveAttribute("href", "/settings#address");
  await expect(checklist.getByRole("link", { name: "Set your working hours" })).toHaveAttribute("href", "/settings/hours");
  await expect(checklist.getByRole("link", { name: "Add your WhatsApp number" })).toHaveAttribute("href", "/settings/whatsapp");

  // 2. The suggested hours are offered as such and saved with one click.
  await expect(checklist).toContainText("Suggested: Mon–Fri, 09:00–17:00 (Asia/Dubai time)");
  await checklist.getByRole("button", { name: "Use suggested hours" }).click();
  await expect(page).toHaveURL(/\/settings\?saved=hours$/);
  await expect(page.getByText("Suggested working hours saved.")).toBeVisible();
  await expect(checklist.getByRole("link", { name: "Set your working hours" })).toHaveCount(0);
  await expect(page.getByTestId("next-step")).toContainText("Next step: Choose a public address");
  await page.goto("/settings/hours");
  await expect(page).toHaveTitle("Working hours · Settings · Slotline");
  await expect(page.getByText("Suggested hours, not saved yet")).toHaveCount(0);

  // 3. The WhatsApp item leads to its section; its save names the next step.
  await page.goto("/settings");
  await page.locator("#checklist").getByRole("link", { name: "Add your WhatsApp number" }).click();
  await expect(page).toHaveURL(/\/settings\/whatsapp$/);
  await expect(page).toHaveTitle("WhatsApp · Settings · Slotline");
  await page.getByLabel("Clients book by WhatsApp message").setChecked(true);
  await page.getByLabel("WhatsApp number").fill("+971 50 123 4567");
  await page.getByRole("button", { name: "Save WhatsApp settings" }).click();
  await expect(page).toHaveURL(/\/settings\/whatsapp\?saved=1$/);
  const next = page.getByTestId("next-step").getByRole("link", { name: "Choose a public address" });
  await expect(next).toBeVisible();
  await next.click();
  await expect(page).toHaveURL(/\/settings#address$/);

  // 4. Profile details, then publish.
  const slug = uniqueSlug("share");
  await page.getByLabel("Public address").fill(slug);
  await page.getByLabel("Name shown to clients (optional)").fill("Kim Lindberg");
  await page.getByLabel("Headline (optional)").fill("Personal trainer · JLT and Marina");
  await page.getByLabel("About you (optional)").fill("Strength and running coaching.\nBring water.");
  await page.getByLabel("Location (optional)").fill("Dubai Marina");
  await page.getByLabel("Price (optional)").fill("AED 350 per session");
  await page.getByLabel("Publish my booking page").check();
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL(/\/settings\?saved=1$/);
  await expect(page.getByTestId("next-step")).toContainText("Connect your calendar");

  // 5. A bad file gets a clear message and changes nothing; a camera photo is accepted.
  await page.getByLabel("Upload a photo").setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not a photo") });
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page).toHaveURL(/\/settings\?photo=type#photo$/);
  await expect(page.getByRole("alert").filter({ hasText: "Please upload a JPEG, PNG, WebP or HEIC photo." })).toBeVisible();
  await expect(page.locator('#photo img[src^="/p/"]')).toHaveCount(0);

  await page.getByLabel("Upload a photo").setInputFiles({ name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: await cameraJpeg() });
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page).toHaveURL(/\/settings\?photo=saved#photo$/);
  await expect(page.getByText("Photo saved.")).toBeVisible();
  const photoSrc = await page.locator("#photo img").getAttribute("src");
  expect(photoSrc).toMatch(/^\/p\/[0-9a-f]{32}\.webp$/);
  const photo = await page.request.get(photoSrc!);
  expect(photo.headers()["content-type"]).toBe("image/webp");
  expect(photo.headers()["cache-control"]).toContain("immutable");
  const photoMeta = await sharp(await photo.body()).metadata();
  expect([photoMeta.width, photoMeta.height, photoMeta.exif]).toEqual([512, 512, undefined]);
  expect((await photo.body()).includes(Buffer.from("CameraMaker"))).toBe(false);

  // 6. The share kit, without JavaScript: the link, WhatsApp, QR codes and the Status image.
  const url = `${baseURL}/c/${slug}`;
  const share = page.locator("#share");
  await expect(share.getByLabel("Your page’s link")).toHaveValue(url);
  const wa = await share.getByRole("link", { name: "Share on WhatsApp" }).getAttribute("href");
  expect(wa).toMatch(/^https:\/\/wa\.me\/\?text=/);
  expect(decodeURIComponent(wa!.split("text=")[1])).toContain(url);
  await expect(share.getByRole("button", { name: "Copy link" })).toHaveCount(isJs() ? 1 : 0);
  const svg = await page.request.get("/settings/share/qr.svg");
  expect(svg.headers()["content-type"]).toBe("image/svg+xml");
  expect(svg.headers()["content-disposition"]).toContain("attachment");
  expect((await svg.text()).startsWith("<svg")).toBe(true);
  const png = await sharp(await (await page.request.get("/settings/share/qr.png")).body()).metadata();
  expect(png.format).toBe("png");
  const status = await sharp(await (await page.request.get("/settings/share/status.jpg")).body()).metadata();
  expect([status.format, status.width, status.height]).toEqual(["jpeg", 1080, 1920]);
  const qr = share.locator('img[src="/settings/share/qr.svg"]');
  await expect.poll(() => qr.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  const download = share.getByRole("link", { name: /Image for your WhatsApp Status/ });
  await expect(download).toHaveAttribute("download", "");

  // 7. The live page, as a client sees it (same JavaScript setting, no session).
  const context = await browser.newContext({ baseURL, javaScriptEnabled: isJs(), viewport: { width: 390, height: 844 } });
  const client = await context.newPage();
  const response = await client.goto(`/c/${slug}`);
  expect(response?.status()).toBe(200);
  await expect(client.getByRole("heading", { level: 1 })).toHaveText("Book Kim Lindberg");
  await expect(client.getByText("Personal trainer · JLT and Marina")).toBeVisible();
  await expect(client.locator(".facts")).toHaveText(/60-minute sessions\s*Dubai Marina\s*AED 350 per session/);
  await expect(client.locator(".about")).toContainText("Bring water.");
  const img = client.locator(".who img");
  await expect(img).toHaveAttribute("src", photoSrc!);
  expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(512);
  expect(await client.locator("script").count()).toBe(0);

  // 8. The link preview: tags, then the image they name.
  expect(await meta(client, "property", "og:title")).toBe("Kim Lindberg · Personal trainer · JLT and Marina");
  expect(await meta(client, "property", "og:description")).toMatch(
    /^Next free: (today|tomorrow|\w{3} \d{1,2} \w{3}) \d\d:\d\d · 60-minute sessions · Dubai Marina$/,
  );
  expect(await meta(client, "property", "og:url")).toBe(url);
  expect(await client.locator('head link[rel="canonical"]').getAttribute("href")).toBe(url);
  expect(await meta(client, "name", "twitter:card")).toBe("summary_large_image");
  expect(await meta(client, "property", "og:image:width")).toBe("1200");
  expect(await meta(client, "property", "og:image:height")).toBe("630");
  expect(await meta(client, "property", "og:image:alt")).toContain("Kim Lindberg");
  const image = await meta(client, "property", "og:image");
  expect(image).toMatch(new RegExp(`^${url}/card\\.jpg\\?v=[\\w-]+$`));
  const card = await client.request.get(image!);
  expect(card.status()).toBe(200);
  expect(card.headers()["content-type"]).toBe("image/jpeg");
  const cardBytes = await card.body();
  expect(cardBytes.length).toBeLessThan(300_000);
  const cardMeta = await sharp(cardBytes).metadata();
  expect([cardMeta.format, cardMeta.width, cardMeta.height]).toEqual(["jpeg", 1200, 630]);
  test.info().annotations.push({ type: "preview-card-bytes", description: String(cardBytes.length) });

  // 9. A profile change reaches the preview: new ?v=, new image.
  await page.goto("/settings");
  await page.getByLabel("Headline (optional)").fill("Running coach · Marina");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page).toHaveURL(/\/settings\?saved=1$/);
  // (Not client.goto: the browser may keep its copy of the page for max-age; a chat app's fetch is fresh.)
  const html = await (await client.request.get(`/c/${slug}`)).text();
  const image2 = /<meta property="og:image" content="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, "&");
  expect(image2).not.toBe(image);
  const card2 = await (await client.request.get(image2!)).body();
  expect(card2.equals(cardBytes)).toBe(false);
  await context.close();
});

test("every settings page has its own title", async ({ page }) => {
  await signUp(page);
  const titles: string[] = [];
  for (const p of ["/settings", "/settings/hours", "/settings/whatsapp", "/settings/booking", "/settings/calendar"]) {
    await page.goto(p);
    titles.push(await page.title());
  }
  expect(new Set(titles).size).toBe(titles.length);
  expect(titles.every((t) => t.endsWith("· Settings · Slotline"))).toBe(true);
});

test("the header fits a 360 px screen with a 40-character email, sign-out reachable", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const local = `h${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`.padEnd(28, "x").slice(0, 28);
  const email = `${local}@example.com`;
  expect(email).toHaveLength(40);
  await signUp(page, email);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  const signOut = page.getByRole("button", { name: "Sign out", exact: true });
  await expect(signOut).toBeInViewport({ ratio: 1 });
  const box = await signOut.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(360);
  await expect(page.locator(".topbar .email")).toHaveAttribute("title", email);
});

test("the demo page shows the whole card; README screenshots", async ({ page, baseURL }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/c/${DEMO.slug}`);
  await expect(page.locator(".who img")).toBeVisible();
  await expect(page.locator(".headline")).toHaveText("Personal trainer · JLT and Dubai Marina");
  await expect(page.locator(".facts li")).toHaveCount(3);
  await expect(page.locator(".about")).not.toBeEmpty();
  const image = await meta(page, "property", "og:image");
  const card = await page.request.get(image!);
  expect(card.headers()["content-type"]).toBe("image/jpeg");
  if (info.project.name !== "js") return;
  const dir = path.join(path.dirname(info.config.configFile!), "docs", "screenshots");
  await page.screenshot({ path: path.join(dir, "public-page-profile.png"), fullPage: false });
  // The preview image exactly as served (what WhatsApp shows), and the host it names.
  expect(baseURL).toBeTruthy();
  await sharp(await card.body()).toFile(path.join(dir, "link-preview.jpg"));
});
