import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import styles from "~/styles/app.css";
import { useNonce } from "~/components/nonce";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Slotline: booking pages for WhatsApp" }];

/** Routes that work fully as HTML say so with `handle = { hydrate: false }` and ship no JavaScript. */
function useShouldHydrate() {
  return !useMatches().some((m) => (m.handle as { hydrate?: boolean } | undefined)?.hydrate === false);
}

type DocumentAttributes = { lang: string; dir: "ltr" | "rtl" };

/**
 * <html lang dir> from the deepest route that says so (`handle.document(data)`), e.g. the public
 * page in Arabic; English left-to-right otherwise. Rendered on the server: no JavaScript needed.
 */
function useDocumentAttributes(): DocumentAttributes {
  for (const match of [...useMatches()].reverse()) {
    const document = (match.handle as { document?: (data: unknown) => DocumentAttributes | undefined } | undefined)?.document;
    const attributes = document?.(match.data);
    if (attributes) return attributes;
  }
  return { lang: "en", dir: "ltr" };
}

// No root loader on purpose: auth stays out of it, so public pages never touch the session.
export function Layout({ children }: { children: ReactNode }) {
  const hydrate = useShouldHydrate();
  const { lang, dir } = useDocumentAttributes();
  const nonce = useNonce();
  return (
    <html lang={lang} dir={dir}>
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
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
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
  return (
    <main className="narrow">
      <GeneralErrorBoundary />
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </main>
  );
}
