import { withService, type Database } from "~/server/db.server";

/**
 * The one public read of profile photos, on the service path (RLS bypassed): the re-encoded bytes
 * (never anything the provider uploaded as is) by their fingerprint, for /p/<hash>.webp|jpg and
 * the link preview image. A fingerprint is 128 bits of a SHA-256 of the bytes: it cannot be
 * guessed, and it names the same bytes for ever, which is what makes the URL cacheable for ever.
 */
export type PhotoFormat = "webp" | "jpeg";

export async function photoByHash(db: Database, hash: string, format: PhotoFormat): Promise<Buffer | null> {
  if (!/^[0-9a-f]{32}$/.test(hash)) return null;
  const column = format === "webp" ? "webp" : "jpeg";
  const [row] = await withService(db, (tx) =>
    tx.query<{ bytes: Uint8Array }>(`select ${column} as bytes from public.provider_photos where hash = $1 limit 1`, [hash]),
  );
  return row ? Buffer.from(row.bytes) : null;
}
