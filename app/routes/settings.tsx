import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { privateHeaders } from "~/server/http";
import { requireProviderContext } from "~/modules/settings/provider-context.server";

export const meta: MetaFunction = () => [{ title: "Settings · Slotline" }];
export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const provider = await ctx.provider();
  return json(
    { email: ctx.user.email, slug: provider.public_slug, isPublic: provider.is_public, problems: provider.settings.problems },
    { headers: ctx.headers },
  );
}

const SECTIONS = [
  { to: "/settings", label: "Profile", end: true },
  { to: "/settings/hours", label: "Working hours" },
  { to: "/settings/whatsapp", label: "WhatsApp" },
  { to: "/settings/booking", label: "Booking rules" },
  { to: "/settings/calendar", label: "Calendar" },
  { to: "/settings/requests", label: "Requests" },
];

export default function SettingsLayout() {
  const { email, slug, isPublic, problems } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="topbar">
        <Link className="brand" to="/">
          Slotline
        </Link>
        <span className="hint">{email}</span>
        <Form method="post" action="/logout">
          <button type="submit" className="secondary">
            Sign out
          </button>
        </Form>
      </header>
      <main>
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
