import { json, redirect, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { isbot } from "isbot";
import { keptQuery } from "~/modules/booking-page/book-links";
import { tapSlot } from "~/modules/booking-page/book.server";
import { isPossibleSlug } from "~/modules/settings/slug";

/**
 * `/c/<slug>/book/<UTC start>` (the `_` keeps it out of the public page's layout): the tap on a
 * slot. Never cached, no cookie, no JavaScript. Free → hold + 303 to WhatsApp; taken → 409 with
 * the nearest free times; a slot that never existed → 404. GET is unsafe here only for people:
 * bots and link previewers (WhatsApp, Facebook, Slack... fetch links to draw a preview) get a plain
 * page and hold nothing.
 */
export const handle = { hydrate: false };

const NO_STORE = { "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow" };

/** Requests no person made: a previewer, a crawler, a prefetch, or a HEAD. */
function isPreview(request: Request): boolean {
  if (request.method !== "GET") return true;
  const ua = request.headers.get("user-agent") ?? "";
  if (ua.trim() === "" || isbot(ua)) return true;
  const purpose = `${request.headers.get("sec-purpose") ?? ""} ${request.headers.get("purpose") ?? ""}`.toLowerCase();
  return purpose.includes("prefetch") || purpose.includes("prerender");
}

function clientAddress(context: unknown): string | null {
  const value = (context as { clientAddress?: unknown } | undefined)?.clientAddress;
  return typeof value === "string" && value !== "" ? value : null;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const slug = String(params.slug ?? "").toLowerCase();
  const notFound = () => json({ kind: "not-found" as const }, { status: 404, headers: NO_STORE });
  if (!isPossibleSlug(slug)) throw notFound();
  const outcome = await tapSlot({
    slug,
    start: String(params.start ?? ""),
    clientAddress: clientAddress(context),
    preview: isPreview(request),
    query: keptQuery(new URL(request.url).searchParams),
  });
  switch (outcome.kind) {
    case "not-found":
      throw notFound();
    case "redirect":
      // 303: the browser follows with a GET to wa.me (the WhatsApp app on a phone).
      return redirect(outcome.location, { status: 303, headers: NO_STORE });
    case "taken":
      return json(outcome, { status: 409, headers: NO_STORE });
    case "unavailable":
      return json(outcome, { status: 503, headers: { ...NO_STORE, "Retry-After": "60" } });
    case "preview":
      return json(outcome, { status: 200, headers: NO_STORE });
  }
}

export const headers: HeadersFunction = () => NO_STORE;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Time not found" }];
  return [{ title: `Book ${data.view.name}: ${data.view.slotLabel}` }, { name: "robots", content: "noindex, nofollow" }];
};

export default function BookSlot() {
  const data = useLoaderData<typeof loader>();
  const { view } = data;
  const askButton = view.chatHref ? (
    <p>
      <a className="button" href={view.chatHref}>
        Ask {view.name} on WhatsApp
      </a>
    </p>
  ) : null;
  return (
    <main className="narrow">
      {data.kind === "taken" ? (
        <>
          <h1>This time was just taken</h1>
          <p>
            {view.slotLabel} with {view.name} is no longer free.{" "}
            {view.alternatives.length ? "These times nearby are free right now:" : "There are no other free times right now."}
          </p>
        </>
      ) : data.kind === "unavailable" ? (
        <>
          <h1>This time could not be checked</h1>
          <p className="banner warn" role="status">
            {view.name}’s calendar cannot be read right now, so {view.slotLabel} was not reserved. You can still ask on WhatsApp.
          </p>
          {askButton}
        </>
      ) : (
        <>
          <h1>
            Book {view.name}: {view.slotLabel}
          </h1>
          <p>Open this link on your phone to book this time by WhatsApp.</p>
          {/* Nothing was held for a previewer; a person whose browser looked like one can still ask. */}
          {askButton}
        </>
      )}
      {view.alternatives.length ? (
        <ul className="slots" aria-label="Nearby free times">
          {view.alternatives.map((a) => (
            <li key={a.href}>
              <a href={a.href} aria-label={`Book ${a.label}`}>
                {a.label}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="meta">Times are shown in {view.zoneLabel}.</p>
      <p>
        <a href={view.pageHref}>See all free times of {view.name}</a>
      </p>
    </main>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main className="narrow">
      <h1>{notFound ? "Time not found" : "Something went wrong"}</h1>
      <p>
        {notFound
          ? "This booking link does not lead to a time that can be booked. Open the booking page again and choose a time."
          : "Please try again in a moment."}
      </p>
    </main>
  );
}
