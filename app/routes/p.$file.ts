import type { LoaderFunctionArgs } from "@remix-run/node";
import { photoByHash } from "~/modules/booking-page/public-photo.server";
import { getDb } from "~/server/db.server";

/**
 * Profile photos by fingerprint: /p/<32 hex>.webp or .jpg. The name is a hash of the bytes, so
 * the answer never changes and browsers and CDNs may keep it for a year without asking again.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const match = /^([0-9a-f]{32})\.(webp|jpg)$/.exec(String(params.file ?? ""));
  const bytes = match ? await photoByHash(await getDb(), match[1], match[2] === "webp" ? "webp" : "jpeg") : null;
  if (!match || !bytes) {
    return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain", "Cache-Control": "public, max-age=60" } });
  }
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": match[2] === "webp" ? "image/webp" : "image/jpeg",
      "Content-Length": String(bytes.length),
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
