import type { LoaderFunctionArgs } from "@remix-run/node";
import { requestIcs } from "~/modules/booking-page/requests.server";
import { requireProviderContext } from "~/modules/settings/provider-context.server";

/** The .ics of one of the provider's holds or bookings, for calendars Slotline cannot write to (e.g. an ICS feed). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const file = await requestIcs(ctx, String(params.id ?? ""));
  const headers = new Headers(ctx.headers);
  headers.set("Cache-Control", "private, no-store");
  if (!file) return new Response("Not found", { status: 404, headers });
  headers.set("Content-Type", "text/calendar; charset=utf-8");
  headers.set("Content-Disposition", `attachment; filename="${file.filename}"`);
  return new Response(file.ics, { status: 200, headers });
}
