import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, NavLink, Outlet, useLoaderData, useRouteLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { privateHeaders } from "~/server/http";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { nextStep } from "~/modules/settings/publish";

export const meta: MetaFunction = () => [{ title: "Settings · Slotline" }];
export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const provider = await ctx.provider();
  return json(
    {
      email: ctx.user.email,
      slug: provider.public_slug,
      isPublic: provider.is_public,
      problems: provider.settings.problems,
      next: nextStep(provider.settings, provider.public_slug, provider.is_public),
    },
    { headers: ctx.headers },
  );
}

const SECTIONS = [
  { to: "/settings", label: "Profile", end: true },
  { to: "/settings/hours", label: "Working hours" },
  { to: "/settings/time-off", label: "Time off" },
  { to: "/settings/whatsapp", label: "WhatsApp" },
  { to: "/settings/booking", label: "Booking rules" },
  { to: "/settings/language", label: "Language and clock" },
  { to: "/settings/calendar", label: "Calendar" },
  { to: "/settings/requests", label: "Requests" },
];

function TopBar({ email }: { email?: string }) {
  return (
    <header className="topbar">
      <Link className="brand" to="/">
        Slotline
      </Link>
      {email ? (
        <span className="hint email" title={email}>
          {email}
        </span>
      ) : null}
      <Form method="post" action="/logout">
        <button type="submit" className="secondary">
          Sign out
        </button>
      </Form>
    </header>
  );
}

function SectionNav() {
  return (
    <nav className="sections" aria-label="Settings sections">
      <ul>
        {SECTIONS.map((s) => (
          <li key={s.to}>
            <NavLink to={s.to} end={s.end} prefetch="intent">
              {s.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export default function SettingsLayout() {
  const { email, slug, isPublic, problems, next } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  // After any successful save (each section redirects with one of these), say what comes next.
  const justSaved =
    searchParams.has("saved") || searchParams.has("connected") || ["saved", "removed"].includes(searchParams.get("photo") ?? "");
  return (
    <>
      <TopBar email={email} />
      <main>
        <SectionNav />
        {problems.length > 0 ? (
          <div className="banner warn" role="status">
            <strong>Needs attention:</strong>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {justSaved ? (
          <p className="banner next" role="status" data-testid="next-step">
            Next step: <a href={next.href}>{next.text}</a>
          </p>
        ) : null}
        {isPublic && slug ? (
          <p className="hint">
            Your page is live at <a href={`/c/${slug}`}>/c/{slug}</a>
          </p>
        ) : null}
        <Outlet />
      </main>
    </>
  );
}

/**
 * An error in one section (or a thrown Response such as "Unknown action") renders here, inside
 * the section area; the header with sign-out and the section navigation stay usable.
 */
export function ErrorBoundary() {
  return (
    <>
      <TopBar email={useRouteLoaderData<typeof loader>("routes/settings")?.email} />
      <main>
        <SectionNav />
        <section className="card">
          <GeneralErrorBoundary />
        </section>
      </main>
    </>
  );
}
