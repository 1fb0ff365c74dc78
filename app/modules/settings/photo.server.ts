import { PHOTO_MAX_BYTES } from "~/server/hardening.server";
/**
 * The profile photo: checked, re-encoded and stored under the provider's own RLS. Whatever a
 * phone sends (a 12 MP HEIC with GPS in its EXIF, a sideways JPEG) becomes a square 512 px WebP
 * and JPEG with no metadata at all; only those bytes are ever stored or served.
 */
import crypto from "node:crypto";
import sharp, { type Sharp } from "sharp";
import type { Queryable } from "~/server/db.server";
import { getOrCreateProvider } from "./providers.server";

export { PHOTO_MAX_BYTES };
export const PHOTO_SIZE = 512;
/** Larger images (e.g. a 200 MP panorama) are refused before decoding, to bound memory. */
const MAX_INPUT_PIXELS = 100_000_000;

export const PHOTO_MESSAGES = {
  missing: "Choose a photo to upload.",
  tooBig: "The photo is larger than 10 MB. Please choose a smaller one.",
  type: "This file is not a photo we can use. Please upload a JPEG, PNG, WebP or HEIC photo.",
  unreadable: "This photo could not be read; the file may be damaged. Please upload another JPEG or PNG.",
  heic: "This HEIC photo could not be read. Please upload it as JPEG or PNG (on an iPhone: Settings → Camera → Formats → Most Compatible).",
  tooLarge: "This image has too many pixels. Please upload a photo of at most 100 megapixels.",
  request: "The upload did not arrive completely. Please try again.",
} as const;
export type PhotoMessageKey = keyof typeof PHOTO_MESSAGES;

export type ProcessedPhoto = { hash: string; webp: Buffer; jpeg: Buffer };
export type PhotoResult = { ok: true; photo: ProcessedPhoto } | { ok: false; reason: PhotoMessageKey };

type Kind = "jpeg" | "png" | "webp" | "heif";

/**
 * The format from the file's first bytes, never from its name or the browser's Content-Type
 * (phones send HEIC as "application/octet-stream", and anyone can lie). SVG, GIF, TIFF and PDF,
 * which the decoder would also read, are refused here before it sees them.
 */
export function sniffImage(bytes: Uint8Array): Kind | null {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 8 && ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (bytes.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (bytes.length >= 12 && ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    if (["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif"].includes(brand)) return "heif";
  }
  return null;
}

/**
 * iPhone photos are HEVC-coded HEIF. The libvips that ships inside sharp's npm package decodes
 * only AV1 (AVIF) HEIF (HEVC is left out for patent reasons), so HEVC goes through libheif
 * compiled to WebAssembly (heic-decode), which also applies the file's rotation.
 */
async function decodeHeic(bytes: Uint8Array): Promise<Sharp> {
  const { default: decode } = await import("heic-decode");
  const image = await decode({ buffer: bytes });
  if (image.width * image.height > MAX_INPUT_PIXELS) throw new TooManyPixels();
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 4 },
  });
}

class TooManyPixels extends Error {}

export async function processPhoto(bytes: Uint8Array): Promise<PhotoResult> {
  if (bytes.length === 0) return { ok: false, reason: "missing" };
  if (bytes.length > PHOTO_MAX_BYTES) return { ok: false, reason: "tooBig" };
  const kind = sniffImage(bytes);
  if (!kind) return { ok: false, reason: "type" };
  try {
    let image: Sharp;
    if (kind === "heif") {
      const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
        .metadata()
        .catch(() => null);
      // AVIF decodes natively; HEVC (every iPhone photo) needs the WebAssembly decoder.
      image = meta?.compression === "av1" ? sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" }) : await decodeHeic(bytes);
    } else {
      image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" });
    }
    // rotate() with no angle applies the EXIF orientation; sharp writes no metadata (EXIF, GPS,
    // XMP, ICC) unless asked to, so the output carries none.
    const square = await image
      .rotate()
      .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: "cover", position: "attention" })
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb")
      .png()
      .toBuffer();
    const [webp, jpeg] = await Promise.all([
      sharp(square).webp({ quality: 82 }).toBuffer(),
      sharp(square).jpeg({ quality: 84, mozjpeg: true }).toBuffer(),
    ]);
    const hash = crypto.createHash("sha256").update(webp).digest("hex").slice(0, 32);
    return { ok: true, photo: { hash, webp, jpeg } };
  } catch (err) {
    if (err instanceof TooManyPixels || (err instanceof Error && /pixel limit/i.test(err.message)))
      return { ok: false, reason: "tooLarge" };
    return { ok: false, reason: kind === "heif" ? "heic" : "unreadable" };
  }
}

/** Stores the photo (replacing the previous one) and names it in settings.profile.photo. */
export async function savePhoto(tx: Queryable, userId: string, photo: ProcessedPhoto): Promise<{ ok: true }> {
  await getOrCreateProvider(tx, userId);
  await tx.query(
    `insert into public.provider_photos (owner_user_id, hash, webp, jpeg) values ($1, $2, $3, $4)
     on conflict (owner_user_id) do update set hash = excluded.hash, webp = excluded.webp, jpeg = excluded.jpeg`,
    [userId, photo.hash, photo.webp, photo.jpeg],
  );
  await setPhotoReference(tx, userId, photo.hash);
  return { ok: true };
}

export async function removePhoto(tx: Queryable, userId: string): Promise<{ ok: true }> {
  await getOrCreateProvider(tx, userId);
  await tx.query("delete from public.provider_photos where owner_user_id = $1", [userId]);
  await setPhotoReference(tx, userId, null);
  return { ok: true };
}

/** Only settings.profile.photo changes: the profile's texts (another form) stay as they are. */
async function setPhotoReference(tx: Queryable, userId: string, hash: string | null) {
  await tx.query(
    `update public.providers
     set settings = jsonb_set(settings, '{profile}',
       (case when jsonb_typeof(settings -> 'profile') = 'object' then settings -> 'profile' else '{}'::jsonb end - 'photo')
         || case when $2::text is null then '{}'::jsonb else jsonb_build_object('photo', $2::text) end,
       true)
     where owner_user_id = $1`,
    [userId, hash],
  );
}

/** The provider's own photo (RLS: only theirs), for the share kit's images. */
export async function ownPhotoJpeg(tx: Queryable, userId: string): Promise<Buffer | null> {
  const [row] = await tx.query<{ jpeg: Uint8Array }>("select jpeg from public.provider_photos where owner_user_id = $1", [userId]);
  return row ? Buffer.from(row.jpeg) : null;
}
