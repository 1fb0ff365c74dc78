/**
 * Issue 13: what happens to an uploaded photo. Real sharp/libvips and the real HEIC decoder, on
 * images made here (tests/fixtures/photo.heic was encoded with Debian's heif-enc from a generated
 * red-over-blue picture: HEVC, as an iPhone writes it).
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, test } from "vitest";
import { PHOTO_MAX_BYTES, processPhoto, sniffImage } from "~/modules/settings/photo.server";

const RED = { r: 221, g: 34, b: 34 };
const BLUE = { r: 34, g: 102, b: 204 };

/** 600×300: red top half, blue bottom half. */
async function stripes() {
  return sharp({ create: { width: 600, height: 300, channels: 3, background: BLUE } })
    .composite([{ input: { create: { width: 600, height: 150, channels: 3, background: RED } }, top: 0, left: 0 }])
    .png()
    .toBuffer();
}

async function pixel(image: Buffer, x: number, y: number) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return { r: data[i], g: data[i + 1], b: data[i + 2] };
}

function near(actual: { r: number; g: number; b: number }, expected: { r: number; g: number; b: number }) {
  return Math.abs(actual.r - expected.r) < 40 && Math.abs(actual.g - expected.g) < 40 && Math.abs(actual.b - expected.b) < 40;
}

/** A phone JPEG: EXIF orientation 6 (turn 90° clockwise to view) and a GPS position. */
async function phoneJpeg(orientation: number) {
  return sharp(await stripes())
    .jpeg()
    .withExif({ IFD0: { Make: "PhoneMaker" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "25/1 4/1 48/1" } })
    .withMetadata({ orientation })
    .toBuffer();
}

describe("processPhoto", () => {
  test("the input really carries orientation and GPS (control)", async () => {
    const input = await phoneJpeg(6);
    const meta = await sharp(input).metadata();
    expect(meta.orientation).toBe(6);
    expect(meta.exif?.includes(Buffer.from("PhoneMaker"))).toBe(true);
    expect(meta.exif?.length).toBeGreaterThan(40);
  });

  test("turned upright, cropped square, 512 px WebP and JPEG, no metadata left", async () => {
    const result = await processPhoto(await phoneJpeg(6));
    if (!result.ok) throw new Error(result.reason);
    const { webp, jpeg, hash } = result.photo;
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    for (const [bytes, format] of [
      [webp, "webp"],
      [jpeg, "jpeg"],
    ] as const) {
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe(format);
      expect([meta.width, meta.height]).toEqual([512, 512]);
      expect(meta.exif).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(bytes.includes(Buffer.from("PhoneMaker"))).toBe(false);
      expect(bytes.includes(Buffer.from("Exif"))).toBe(false);
    }
    // Orientation 6 turns the red top to the right side: left blue, right red.
    expect(near(await pixel(jpeg, 10, 256), BLUE)).toBe(true);
    expect(near(await pixel(jpeg, 500, 256), RED)).toBe(true);
  });

  test("without an orientation tag the picture is left as it is (control)", async () => {
    const result = await processPhoto(await phoneJpeg(1));
    if (!result.ok) throw new Error(result.reason);
    expect(near(await pixel(result.photo.jpeg, 256, 10), RED)).toBe(true);
    expect(near(await pixel(result.photo.jpeg, 256, 500), BLUE)).toBe(true);
  });

  test("PNG and WebP are accepted; the same image gives the same fingerprint", async () => {
    const png = await stripes();
    const webp = await sharp(png).webp({ lossless: true }).toBuffer();
    const a = await processPhoto(png);
    const b = await processPhoto(png);
    const c = await processPhoto(webp);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok) expect(a.photo.hash).toBe(b.photo.hash);
  });

  test("HEIC (HEVC, as iPhones write it) is decoded", async () => {
    const heic = fs.readFileSync(path.join(__dirname, "../fixtures/photo.heic"));
    expect(sniffImage(heic)).toBe("heif");
    // sharp's own libvips cannot: this is why the WebAssembly decoder is there.
    await expect(sharp(heic).toBuffer()).rejects.toThrow(/HEVC|compression format|bad seek/i);
    const result = await processPhoto(heic);
    if (!result.ok) throw new Error(result.reason);
    const meta = await sharp(result.photo.jpeg).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
    expect(near(await pixel(result.photo.jpeg, 256, 20), RED)).toBe(true);
    expect(near(await pixel(result.photo.jpeg, 256, 490), BLUE)).toBe(true);
  });

  test("a damaged HEIC gets the HEIC message", async () => {
    const heic = fs.readFileSync(path.join(__dirname, "../fixtures/photo.heic"));
    const broken = Buffer.concat([heic.subarray(0, 64), Buffer.alloc(200, 7)]);
    expect(await processPhoto(broken)).toEqual({ ok: false, reason: "heic" });
  });

  test("files that are not photos are refused by their bytes, whatever their name", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const gif = await sharp(await stripes())
      .gif()
      .toBuffer();
    expect(await processPhoto(svg)).toEqual({ ok: false, reason: "type" });
    expect(await processPhoto(gif)).toEqual({ ok: false, reason: "type" });
    expect(await processPhoto(Buffer.from("%PDF-1.4 hello"))).toEqual({ ok: false, reason: "type" });
    expect(await processPhoto(new Uint8Array())).toEqual({ ok: false, reason: "missing" });
  });

  test("a truncated JPEG is unreadable, not a crash", async () => {
    const jpeg = await phoneJpeg(1);
    expect(await processPhoto(jpeg.subarray(0, 300))).toEqual({ ok: false, reason: "unreadable" });
  });

  test("more than 10 MB is refused before decoding", async () => {
    const big = Buffer.alloc(PHOTO_MAX_BYTES + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect(await processPhoto(big)).toEqual({ ok: false, reason: "tooBig" });
  });
});
