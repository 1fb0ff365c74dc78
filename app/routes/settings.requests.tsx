import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { SubmitButton } from "~/components/form";
import { confirmRequest, listRequests, loadBookingCalendarChoice, releaseRequest } from "~/modules/booking-page/requests.server";
// Pure: the component runs in the browser, where *.server modules are empty.
import { doneMessage } from "~/modules/booking-page/requests";
import { requireProviderContext } from "~/modules/settings/provider-context.server";
import { privateHeaders } from "~/server/http";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Requests · Slotline" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const [{ zone, items }, choice] = await Promise.all([listRequests(ctx), loadBookingCalendarChoice(ctx)]);
  return json({ zone, items, writesToCalendar: !!choice.calendarUrl }, { headers: ctx.headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "");
  if (intent !== "confirm" && intent !== "release") throw new Response("Unknown action", { status: 400, headers: ctx.headers });
  const result = intent === "confirm" ? await confirmRequest(ctx, id) : await releaseRequest(ctx, id);
  if (!result.ok) return json({ error: result.message, id }, { status: intent === "confirm" ? 502 : 409, headers: ctx.headers });
  throw redirect(`/settings/requests?done=${result.code}&ref=${result.reference}`, { headers: ctx.headers });
}

export default function Requests() {
  const { zone, items, writesToCalendar } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = actionData ? null : doneMessage(params.get("done"), params.get("ref"));
  const held = items.filter((i) => i.state === "held");
  const confirmed = items.filter((i) => i.state === "confirmed");
  return (
    <section className="card" aria-labelledby="requests-heading">
      <h1 id="requests-heading">Requests</h1>
      <p className="hint">
        A client’s tap holds the time for a short while and opens WhatsApp with its reference. Confirm the ones you agreed in the chat;
        release the others. Times are in {zone.replace(/_/g, " ")} time.{" "}
        {writesToCalendar
          ? "Confirm adds the session to the calendar you chose for bookings."
          : "No calendar is chosen for bookings (Calendar page): Confirm keeps the time booked here, and you can download an .ics."}
      </p>
      {done ? (
        <p className="banner ok" role="status">
          {done}
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="banner err" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <h2>Held</h2>
      {held.length === 0 ? <p>No requests waiting.</p> : <RequestList items={held} />}
      <h2>Confirmed, upcoming</h2>
      {confirmed.length === 0 ? <p>No upcoming confirmed sessions.</p> : <RequestList items={confirmed} />}
    </section>
  );
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

function RequestList({ items }: { items: Item[] }) {
  return (
    <ul className="requests">
      {items.map((item) => (
        <li key={item.id} className="card" data-testid="request" data-reference={item.reference}>
          <p>
            <strong>{item.when}</strong> · ref <strong>{item.reference}</strong>
          </p>
          <p className="hint">
            Requested {item.age}
            {item.expires ? `, ${item.expires}` : null}
            {item.state === "confirmed" ? (item.inCalendar ? ", in your calendar" : ", booked here") : null}.
          </p>
          <div className="actions" style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap", alignItems: "center" }}>
            {item.state === "held" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="confirm" />
                <input type="hidden" name="id" value={item.id} />
                <SubmitButton pendingText="Confirming…" intent="confirm">
                  Confirm {item.reference}
                </SubmitButton>
              </Form>
            ) : null}
            <Form method="post">
              <input type="hidden" name="intent" value="release" />
              <input type="hidden" name="id" value={item.id} />
              <SubmitButton className="secondary" pendingText="Releasing…" intent="release">
                Release {item.reference}
              </SubmitButton>
            </Form>
            <a href={`/settings/requests/${item.id}/ics`} download>
              Download .ics
            </a>
          </div>
        </li>
      ))}
    </ul>
  );
}
