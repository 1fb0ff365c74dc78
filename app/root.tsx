import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import styles from "~/styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Slotline: booking pages for WhatsApp" }];

/** Routes that work fully as HTML say so with `handle = { hydrate: false }` and ship no JavaScript. */
function useShouldHydrate() {
  return !useMatches().some((m) => (m.handle as { hydrate?: boolean } | undefined)?.hydrate === false);
}

// No root loader on purpose: auth stays out of it, so public pages never touch the session.
export function Layout({ children }: { children: ReactNode }) {
  const hydrate = useShouldHydrate();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        {hydrate ? (
          <>
            <ScrollRestoration />
            <Scripts />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404
      ? "Page not found"
      : status === 403
        ? "Not allowed"
        : status === 503
          ? "Temporarily unavailable"
          : "Something went wrong";
  const text =
    status === 404
      ? "There is nothing at this address. Check the link you were given."
      : isRouteErrorResponse(error) && typeof error.data === "string"
        ? error.data
        : "Please try again in a moment.";
  return (
    <main className="narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </main>
  );
}
