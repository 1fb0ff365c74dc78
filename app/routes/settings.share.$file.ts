import type { LoaderFunctionArgs } from "@remix-run/node";
import { initials, sessionLabel } from "~/modules/booking-page/profile-card";
import { qrPng, qrSvg, renderStatus } from "~/modules/booking-page/share-images.server";
import { ownPhotoJpeg } from "~/modules/settings/photo.server";
import { getOrCreateProvider } from "~/modules/settings/providers.server";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { getEnv } from "~/server/env.server";

/**
 * The share kit's downloads, for the signed-in provider's own page: qr.svg, qr.png (the page
 * link as a QR code) and status.jpg (1080×1920, for a WhatsApp Status). Plain links with
 * Content-Disposition: attachment, so they work without JavaScript.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const [p, photo] = await ctx.run(
    async (tx) => [await getOrCreateProvider(tx, ctx.user.id), await ownPhotoJpeg(tx, ctx.user.id)] as const,
  );
  const file = String(params.file ?? "");
  if (!p.public_slug || !["qr.svg", "qr.png", "status.jpg"].includes(file)) {
    return new Response("Choose a public address first.", {
      status: 404,
      headers: { "Content-Type": "text/plain", "Cache-Control": "private, no-store" },
    });
  }
  const origin = getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
  const url = `${origin}/c/${p.public_slug}`;
  const name = p.settings.displayName ?? p.public_slug;
  let body: Uint8Array<ArrayBuffer>;
  let type: string;
  if (file === "qr.svg") {
    body = new TextEncoder().encode(await qrSvg(url));
    type = "image/svg+xml";
  } else if (file === "qr.png") {
    body = new Uint8Array(await qrPng(url));
    type = "image/png";
  } else {
    const profile = p.settings.profile ?? {};
    const jpeg = await renderStatus({
      name,
      headline: profile.headline ?? null,
      initials: initials(name),
      photoJpeg: photo,
      facts: [sessionLabel(p.settings.booking.slotMinutes), profile.location, profile.price].filter((f): f is string => !!f),
      nextFree: [],
      host: new URL(origin).host,
      url,
    });
    body = new Uint8Array(jpeg);
    type = "image/jpeg";
  }
  const headers = new Headers(ctx.headers);
  headers.set("Content-Type", type);
  headers.set("Content-Length", String(body.byteLength));
  headers.set("Content-Disposition", `attachment; filename="${p.public_slug}-${file}"`);
  headers.set("Cache-Control", "private, no-store");
  return new Response(body, { headers });
}
