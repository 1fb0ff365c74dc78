import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPreviewCard } from "~/modules/booking-page/preview-card.server";
import { getPublicPage, PageDatabaseDownError } from "~/modules/booking-page/page.server";
import { isPossibleSlug } from "~/modules/settings/slug";
import { getEnv } from "~/server/env.server";

/**
 * The link preview image (og:image) of /c/<slug>: 1200×630 JPEG. Chat apps fetch it once per
 * link and ?v=, so a short lifetime is enough; the ?v= in the page changes when the card would.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const slug = String(params.slug ?? "").toLowerCase();
  let page;
  try {
    page = isPossibleSlug(slug) ? (await getPublicPage(slug))?.page : null;
  } catch (err) {
    if (!(err instanceof PageDatabaseDownError)) throw err;
    return new Response("Temporarily unavailable", { status: 503, headers: { "Content-Type": "text/plain", "Retry-After": "30" } });
  }
  // The host printed on the card: the public address when configured (behind a proxy the
  // request's own host may be an internal one).
  const host = new URL(getEnv().APP_URL ?? request.url).host;
  const jpeg = page ? await getPreviewCard(slug, page, host) : null;
  if (!jpeg)
    return new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain", "Cache-Control": "public, max-age=10" } });
  return new Response(new Uint8Array(jpeg), {
    headers: {
      "Content-Type": "image/jpeg",
      "Content-Length": String(jpeg.length),
      "Cache-Control": "public, max-age=600, s-maxage=600",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
