import { json, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { cacheControl, RETRY_AFTER_SECONDS } from "~/modules/booking-page/cache-control.server";
import { isPossibleSlug } from "~/modules/settings/slug";
import { getPublicPage, PageDatabaseDownError } from "~/modules/booking-page/page.server";
import { notePageForCache } from "~/modules/booking-page/rendered-cache.server";

// Plain HTML: links and no forms, so no JavaScript is shipped to clients' phones.
export const handle = { hydrate: false };

export async function loader({ params, context }: LoaderFunctionArgs) {
  const slug = String(params.slug ?? "").toLowerCase();
  let built;
  try {
    built = isPossibleSlug(slug) ? await getPublicPage(slug) : null;
  } catch (err) {
    if (!(err instanceof PageDatabaseDownError)) throw err;
    throw json("unavailable", {
      status: 503,
      headers: { "Cache-Control": cacheControl("db-down"), "Retry-After": String(RETRY_AFTER_SECONDS) },
    });
  }
  // Unknown and unpublished slugs get the same answer.
  if (!built) throw json("not found", { status: 404, headers: { "Cache-Control": cacheControl("not-found") } });
  // entry.server keeps the rendered HTML (rendered-cache.server.ts) with these facts.
  notePageForCache(context, { owner: built.owner, state: built.cacheState, freshUntil: built.freshUntil, epoch: built.epoch });
  return json(built.page, { headers: { "Cache-Control": cacheControl(built.cacheState), ETag: built.page.etag } });
}

export const headers: HeadersFunction = ({ loaderHeaders, errorHeaders }) => {
  const source = errorHeaders ?? loaderHeaders;
  const headers = new Headers();
  for (const name of ["Cache-Control", "ETag", "Retry-After"]) {
    const value = source.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
};

export const meta: MetaFunction<typeof loader> = ({ data, error }) =>
  data
    ? [{ title: `Book ${data.name}` }, { name: "description", content: `Free times of ${data.name}; book by WhatsApp.` }]
    : [{ title: isRouteErrorResponse(error) && error.status === 503 ? "Booking page temporarily unavailable" : "Page not found" }];

export default function PublicBookingPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Book {page.name}</h1>
      <p className="meta">Times are shown in {page.zoneLabel}.</p>
      {page.state === "stale" ? (
        <p className="banner warn" role="status">
          The calendar could not be checked just now; these times were correct a little while ago. Please confirm in the chat.
        </p>
      ) : null}
      {page.state === "unavailable" ? (
        <div className="banner warn" role="status">
          <p>Availability cannot be shown right now. Please try again in a few minutes.</p>
          {page.chatHref ? (
            <p>
              <a className="button" href={page.chatHref}>
                Message {page.name} on WhatsApp
              </a>
            </p>
          ) : null}
        </div>
      ) : page.days.length === 0 ? (
        <div className="card">
          <p>No free times in the next {page.horizonDays} days.</p>
          {page.chatHref ? (
            <p>
              <a className="button" href={page.chatHref}>
                Ask on WhatsApp
              </a>
            </p>
          ) : null}
        </div>
      ) : (
        <>
          {page.bookable ? (
            <p>Tap a time: WhatsApp opens with a message ready to send.</p>
          ) : (
            <p className="banner warn">
              Online booking by WhatsApp is switched off; contact {page.name} directly to book one of these times.
            </p>
          )}
          {page.days.map((day) => (
            <section key={day.date} className="day" aria-labelledby={`d-${day.date}`}>
              <h2 id={`d-${day.date}`}>{day.label}</h2>
              <ul className="slots">
                {day.slots.map((slot, i) => (
                  <li key={`${i}-${slot.time}`}>
                    {slot.href ? (
                      <a href={slot.href} aria-label={`Book ${slot.label}`}>
                        {slot.time}
                      </a>
                    ) : (
                      <span>{slot.time}</span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      <footer>Booking page by Slotline</footer>
    </main>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (isRouteErrorResponse(error) && error.status === 503)
    return (
      <main className="narrow">
        <h1>Booking page temporarily unavailable</h1>
        <p>This booking page cannot be loaded right now. Please try again in a minute.</p>
      </main>
    );
  return (
    <main className="narrow">
      <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
      <p>{notFound ? "There is no booking page at this address. Check the link you were given." : "Please try again in a moment."}</p>
    </main>
  );
}
