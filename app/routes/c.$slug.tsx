import { json, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { cacheControl } from "~/modules/booking-page/cache-control.server";
import { isPossibleSlug } from "~/modules/settings/slug";
import { getPublicPage } from "~/modules/booking-page/page.server";
import { cardVersion } from "~/modules/booking-page/preview-card.server";
import { previewDescription } from "~/modules/booking-page/profile-card";
import { getEnv } from "~/server/env.server";

// Plain HTML: links and no forms, so no JavaScript is shipped to clients' phones.
export const handle = { hydrate: false };

export async function loader({ params, request }: LoaderFunctionArgs) {
  const slug = String(params.slug ?? "").toLowerCase();
  const page = isPossibleSlug(slug) ? await getPublicPage(slug) : null;
  // Unknown and unpublished slugs get the same answer.
  if (!page) throw json("not found", { status: 404, headers: { "Cache-Control": cacheControl("not-found") } });
  // Link previews need absolute URLs: the public address when configured, else this request's.
  const origin = getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
  const share = { url: `${origin}/c/${slug}`, image: `${origin}/c/${slug}/card.jpg?v=${cardVersion(page)}` };
  return json({ ...page, share }, { headers: { "Cache-Control": cacheControl(page.state), ETag: page.etag } });
}

export const headers: HeadersFunction = ({ loaderHeaders, errorHeaders }) => {
  const source = errorHeaders ?? loaderHeaders;
  const headers = new Headers();
  for (const name of ["Cache-Control", "ETag"]) {
    const value = source.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
};

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Page not found" }];
  const title = data.profile.headline ? `${data.name} · ${data.profile.headline}` : `Book ${data.name}`;
  const description = previewDescription({
    nextFree: data.nextFree,
    session: data.profile.session,
    location: data.profile.location,
    fallback: "Book by WhatsApp",
  });
  return [
    { title: `Book ${data.name}` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: data.share.url },
    // What WhatsApp, Telegram, iMessage and others show under a pasted link.
    { property: "og:type", content: "website" },
    { property: "og:site_name", content: "Slotline" },
    { property: "og:title", content: title },
    { property: "og:description", content: description },
    { property: "og:url", content: data.share.url },
    { property: "og:image", content: data.share.image },
    { property: "og:image:type", content: "image/jpeg" },
    { property: "og:image:width", content: "1200" },
    { property: "og:image:height", content: "630" },
    { property: "og:image:alt", content: `${data.name}: photo, ${data.profile.session.toLowerCase()} and next free times` },
    { name: "twitter:card", content: "summary_large_image" },
  ];
};

export default function PublicBookingPage() {
  const page = useLoaderData<typeof loader>();
  return (
    <main>
      <header className="who">
        {page.profile.photo ? (
          <img src={`/p/${page.profile.photo}.webp`} width={88} height={88} alt={page.name} />
        ) : (
          <span className="initials" aria-hidden="true">
            {page.profile.initials}
          </span>
        )}
        <div>
          <h1>Book {page.name}</h1>
          {page.profile.headline ? <p className="headline">{page.profile.headline}</p> : null}
        </div>
      </header>
      <ul className="facts">
        <li>{page.profile.session}</li>
        {page.profile.location ? <li>{page.profile.location}</li> : null}
        {page.profile.price ? <li>{page.profile.price}</li> : null}
      </ul>
      {page.profile.about ? <p className="about">{page.profile.about}</p> : null}
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
  return (
    <main className="narrow">
      <h1>{notFound ? "Page not found" : "Something went wrong"}</h1>
      <p>{notFound ? "There is no booking page at this address. Check the link you were given." : "Please try again in a moment."}</p>
    </main>
  );
}
