import { json, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { cacheControl, RETRY_AFTER_SECONDS } from "~/modules/booking-page/cache-control.server";
import { isPossibleSlug } from "~/modules/settings/slug";
import { getPublicPage, PageDatabaseDownError, readPageQuery } from "~/modules/booking-page/page.server";
import { notePageForCache } from "~/modules/booking-page/rendered-cache.server";
import { MESSAGES } from "~/modules/booking-page/messages";
import { cardVersion } from "~/modules/booking-page/preview-card.server";
import { previewDescription } from "~/modules/booking-page/profile-card";
import { getEnv } from "~/server/env.server";

/**
 * Plain HTML: links and one GET form, so no JavaScript is shipped to clients' phones.
 * `document` sets <html lang dir> (read by the root layout) from the page's language.
 */
export const handle = {
  hydrate: false,
  document: (data: unknown) => {
    const lang = (data as { lang?: unknown } | undefined)?.lang;
    return lang === "ar" || lang === "en" ? { lang, dir: MESSAGES[lang].dir } : undefined;
  },
};

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const slug = String(params.slug ?? "").toLowerCase();
  const query = readPageQuery(new URL(request.url).searchParams);
  let built;
  try {
    built = isPossibleSlug(slug) ? await getPublicPage(slug, query) : null;
  } catch (err) {
    if (!(err instanceof PageDatabaseDownError)) throw err;
    throw json("unavailable", {
      status: 503,
      headers: { "Cache-Control": cacheControl("db-down"), "Retry-After": String(RETRY_AFTER_SECONDS) },
    });
  }
  // Unknown and unpublished slugs get the same answer.
  if (!built) throw json("not found", { status: 404, headers: { "Cache-Control": cacheControl("not-found") } });
  const page = built.page;
  // entry.server keeps the rendered HTML (rendered-cache.server.ts) with these facts.
  notePageForCache(context, {
    owner: built.owner,
    state: built.cacheState,
    freshUntil: built.freshUntil,
    usableUntil: built.usableUntil,
    epoch: built.epoch,
  });
  // Link previews need absolute URLs: the public address when configured, else this request's.
  const origin = getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
  const share = { url: `${origin}/c/${slug}`, image: `${origin}/c/${slug}/card.jpg?v=${cardVersion(page)}` };
  return json({ ...page, share }, { headers: { "Cache-Control": cacheControl(built.cacheState), ETag: page.etag } });
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

export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  if (!data) return [{ title: isRouteErrorResponse(error) && error.status === 503 ? UNAVAILABLE_TITLE : MESSAGES.en.notFoundTitle }];
  const t = MESSAGES[data.lang];
  const title = data.profile.headline ? `${data.name} · ${data.profile.headline}` : t.title(data.name);
  // The preview's facts ("Next free: tomorrow 07:00 · 60-minute sessions") are written in English.
  const description =
    data.lang === "en"
      ? previewDescription({
          nextFree: data.nextFree,
          session: data.profile.session,
          location: data.profile.location,
          fallback: "Book by WhatsApp",
        })
      : t.description(data.name);
  return [
    { title: t.title(data.name) },
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
  const t = MESSAGES[page.lang];
  const chat = (text: string) =>
    page.chatHref ? (
      <p>
        <a className="button" href={page.chatHref}>
          {text}
        </a>
      </p>
    ) : null;
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
          <h1>{t.heading(page.name)}</h1>
          {/* The provider's own words may be in either script: each runs in its own direction. */}
          {page.profile.headline ? (
            <p className="headline" dir="auto">
              {page.profile.headline}
            </p>
          ) : null}
        </div>
        {page.langSwitch ? (
          <a href={page.langSwitch.href} hrefLang={page.langSwitch.lang} lang={page.langSwitch.lang}>
            {page.langSwitch.label}
          </a>
        ) : null}
      </header>
      <ul className="facts">
        <li>{page.profile.sessionShown}</li>
        {page.profile.location ? <li dir="auto">{page.profile.location}</li> : null}
        {page.profile.price ? <li dir="auto">{page.profile.price}</li> : null}
      </ul>
      {page.profile.about ? (
        <p className="about" dir="auto">
          {page.profile.about}
        </p>
      ) : null}
      <form method="get" className="zone">
        <p className="meta">{page.zoneLabel}</p>
        {page.zoneNote ? <p className="meta">{page.zoneNote}</p> : null}
        <label htmlFor="tz">{t.showTimesIn}</label>
        {page.zones.lang ? <input type="hidden" name="lang" value={page.zones.lang} /> : null}
        <select id="tz" name="tz" defaultValue={page.zones.selected}>
          <optgroup label={t.zoneGroups.provider}>
            <option value={page.zones.provider.value}>{page.zones.provider.label}</option>
          </optgroup>
          {page.zones.common.length ? (
            <optgroup label={t.zoneGroups.common}>
              {page.zones.common.map((z) => (
                <option key={z.value} value={z.value}>
                  {z.label}
                </option>
              ))}
            </optgroup>
          ) : null}
          <optgroup label={t.zoneGroups.all}>
            {page.zones.all.map((z) => (
              <option key={z}>{z}</option>
            ))}
          </optgroup>
        </select>
        <button type="submit">{t.show}</button>
      </form>
      {page.state === "stale" ? (
        <p className="banner warn" role="status">
          {t.stale}
        </p>
      ) : null}
      {page.state === "unavailable" ? (
        <div className="banner warn" role="status">
          <p>{t.unavailable}</p>
          {chat(t.messageOnWhatsApp(page.name))}
        </div>
      ) : !page.days.some((d) => d.slots.length > 0) ? (
        <div className="card">
          <p>{page.noTimes}</p>
          {chat(t.askOnWhatsApp)}
        </div>
      ) : (
        <>
          {page.bookable ? <p>{t.tapHint}</p> : <p className="banner warn">{t.notBookable(page.name)}</p>}
          {page.days.map((day) => (
            <section key={day.date} className="day" aria-labelledby={`d-${day.date}`}>
              <h2 id={`d-${day.date}`}>
                {day.label}
                {day.sub ? <small>{` ${day.sub}`}</small> : null}
              </h2>
              {day.full ? (
                <p className="full">{t.fullyBooked}</p>
              ) : (
                <ul className="slots">
                  {day.slots.map((slot, i) => (
                    <li key={`${i}-${slot.time}`}>
                      {slot.href ? (
                        <a href={slot.href} aria-label={slot.label}>
                          {slot.time}
                          {slot.other ? <small>{slot.other}</small> : null}
                        </a>
                      ) : (
                        <span>
                          {slot.time}
                          {slot.other ? <small>{slot.other}</small> : null}
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          ))}
        </>
      )}
      <footer>{t.footer}</footer>
    </main>
  );
}

const UNAVAILABLE_TITLE = "Booking page temporarily unavailable";

export function ErrorBoundary() {
  return (
    <main className="narrow">
      <GeneralErrorBoundary
        statusHandlers={{
          503: () => (
            <>
              <h1>{UNAVAILABLE_TITLE}</h1>
              <p>This booking page cannot be loaded right now. Please try again in a minute.</p>
            </>
          ),
          404: () => (
            <>
              <h1>{MESSAGES.en.notFoundTitle}</h1>
              <p>{MESSAGES.en.notFoundText}</p>
            </>
          ),
        }}
        defaultHandler={() => (
          <>
            <h1>Something went wrong</h1>
            <p>Please try again in a moment.</p>
          </>
        )}
      />
    </main>
  );
}
