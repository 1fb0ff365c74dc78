import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FieldErrors, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { connectCalendarSchema } from "~/modules/calendar/schemas";
import { privateHeaders } from "~/server/http";
import { calendarSelectionSchema } from "~/modules/settings/schemas";
import { saveSection } from "~/modules/settings/providers.server";
import { connectAccount, disconnectAccount, listAccounts } from "~/modules/calendar/accounts.server";
import { loadSection, requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce, STALE_MESSAGE, staleReply } from "~/modules/settings/section-save.server";
import { BOOKING_CALENDAR_INTENT, bookingCalendarSchema } from "~/modules/settings/schemas";
import { bookingCalendarFormData, saveBookingCalendarForm } from "~/modules/booking-page/booking-calendar.server";

export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "calendar");
  const accounts = await listAccounts(ctx.user.id);
  const selected = p.settings.calendar.selectedCalendarIds;
  const known = new Set(accounts.flatMap((a) => a.calendars?.map((c) => c.url) ?? []));
  const anyUnreadable = accounts.some((a) => a.calendars === null);
  const bookingCalendar = await bookingCalendarFormData(ctx);
  return json(
    {
      accounts: accounts.map((a) => ({
        id: a.integration.id,
        type: a.integration.integration_type,
        label: a.integration.label,
        username: a.integration.external_username,
        status: a.integration.status,
        error: a.error?.message ?? null,
        calendars: a.calendars?.map((c) => ({ url: c.url, name: c.displayName || "Untitled calendar", color: c.color })) ?? null,
      })),
      selected,
      // Only claim "deleted" when every account could be listed; an unreachable server proves nothing.
      missing: anyUnreadable ? [] : selected.filter((url) => !known.has(url)),
      version: version,
      bookingCalendar,
    },
    { headers: ctx.headers },
  );
}

type ActionData = { intent: string; result: SubmissionResult<string[]>; stale?: string };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const formData = await request.formData();
  const intent = formData.get("intent");

  if (intent === "connect") {
    const submission = parseWithZod(formData, { schema: connectCalendarSchema });
    const reply = (opts?: Parameters<typeof submission.reply>[0]) => submission.reply({ ...opts, hideFields: ["password"] });
    if (submission.status !== "success")
      return json<ActionData>({ intent: `connect-${formData.get("type")}`, result: reply() }, { status: 400, headers: ctx.headers });
    const result = await connectAccount(ctx.user.id, submission.value);
    if (!result.ok) {
      return json<ActionData>(
        { intent: `connect-${submission.value.type}`, result: reply({ formErrors: [result.message] }) },
        { status: 400, headers: ctx.headers },
      );
    }
    throw redirect("/settings/calendar?connected=1", { headers: ctx.headers });
  }

  if (intent === "select") {
    const submission = parseWithZod(formData, { schema: calendarSelectionSchema });
    if (submission.status !== "success")
      return json<ActionData>({ intent: "select", result: submission.reply() }, { status: 400, headers: ctx.headers });
    // Only calendars of the connected accounts, as the server lists them right now.
    const accounts = await listAccounts(ctx.user.id);
    if (accounts.some((a) => a.calendars === null) && submission.value.selectedCalendarIds.length > 0) {
      const reason = accounts.find((a) => a.error)?.error?.message ?? "";
      return json<ActionData>(
        {
          intent: "select",
          result: submission.reply({ formErrors: [`Your calendar server could not be checked, so nothing was changed. ${reason}`.trim()] }),
        },
        { status: 400, headers: ctx.headers },
      );
    }
    const allowed = new Set(accounts.flatMap((a) => a.calendars?.map((c) => c.url) ?? []));
    const unknown = submission.value.selectedCalendarIds.filter((url) => !allowed.has(url));
    if (unknown.length > 0) {
      return json<ActionData>(
        {
          intent: "select",
          result: submission.reply({
            fieldErrors: {
              selectedCalendarIds: ["These calendars are not in your connected account (anymore); untick them: " + unknown.join(", ")],
            },
          }),
        },
        { status: 400, headers: ctx.headers },
      );
    }
    const saved = await saveAndAnnounce(ctx, (tx) =>
      saveSection(tx, ctx.user.id, "calendar", { selectedCalendarIds: submission.value.selectedCalendarIds }, submission.value.version),
    );
    if (!saved.ok)
      return json<ActionData>({ intent: "select", result: staleReply(), stale: STALE_MESSAGE }, { status: 409, headers: ctx.headers });
    throw redirect("/settings/calendar?saved=1", { headers: ctx.headers });
  }

  if (intent === BOOKING_CALENDAR_INTENT) {
    const reply = await saveBookingCalendarForm(ctx, formData);
    if (reply)
      return json<ActionData>({ intent: BOOKING_CALENDAR_INTENT, result: reply.result }, { status: reply.status, headers: ctx.headers });
    throw redirect("/settings/calendar?saved=1", { headers: ctx.headers });
  }

  if (intent === "disconnect") {
    const id = String(formData.get("integrationId") ?? "");
    const p = await ctx.provider();
    const accounts = await listAccounts(ctx.user.id);
    const account = accounts.find((a) => a.integration.id === id);
    if (account) {
      await disconnectAccount(ctx.user.id, id, p.settings.calendar.selectedCalendarIds, account.calendars?.map((c) => c.url) ?? null);
    }
    throw redirect("/settings/calendar?disconnected=1", { headers: ctx.headers });
  }

  throw new Response("Unknown action", { status: 400, headers: ctx.headers });
}

export default function CalendarSettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const flash = searchParams.has("connected")
    ? "Calendar connected. Choose which calendars count as busy."
    : searchParams.has("disconnected")
      ? "Calendar disconnected. Its password was deleted."
      : searchParams.has("saved")
        ? "Saved."
        : null;
  return (
    <section className="card" aria-labelledby="calendar-heading">
      <h1 id="calendar-heading">Calendar</h1>
      <SavedBanner show={!!flash && !actionData}>{flash}</SavedBanner>
      {data.accounts.length === 0 ? (
        <p>
          No calendar connected yet. Connect your Apple iCloud calendar (or any CalDAV calendar) so that clients only see times you are
          really free. Until then, your page shows your working hours as free.
        </p>
      ) : (
        <>
          {data.accounts.map((a) => (
            <div key={a.id} className="card" data-testid="account">
              <h2>{a.label}</h2>
              <p>
                Signed in as <strong>{a.username}</strong>. Status:{" "}
                <strong data-testid="account-status">
                  {a.status === "active" ? "connected" : a.status === "error" ? "needs reconnecting" : a.status}
                </strong>
              </p>
              {a.error ? (
                <p className="banner err" role="alert">
                  {a.error} {a.status === "error" ? "Reconnect below with a new password." : null}
                </p>
              ) : null}
              <Form method="post">
                <input type="hidden" name="intent" value="disconnect" />
                <input type="hidden" name="integrationId" value={a.id} />
                <SubmitButton className="danger" pendingText="Disconnecting…" intent="disconnect">
                  Disconnect {a.label}
                </SubmitButton>
              </Form>
            </div>
          ))}
          <SelectionForm data={data} lastResult={actionData?.intent === "select" ? actionData.result : undefined} />
          <BookingCalendarForm data={data} lastResult={actionData?.intent === BOOKING_CALENDAR_INTENT ? actionData.result : undefined} />
        </>
      )}
      <h2>{data.accounts.length ? "Reconnect or add an account" : "Connect a calendar"}</h2>
      <ICloudForm lastResult={actionData?.intent === "connect-icloud" ? actionData.result : undefined} />
      <CalDavForm lastResult={actionData?.intent === "connect-caldav" ? actionData.result : undefined} />
    </section>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function SelectionForm({ data, lastResult }: { data: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(calendarSelectionSchema, {
    id: `calendar-select-${data.version}`,
    lastResult,
    defaultValue: { selectedCalendarIds: data.selected },
  });
  const calendars = data.accounts.flatMap((a) => a.calendars ?? []);
  const checked = new Set(((lastResult?.initialValue?.selectedCalendarIds as string[] | undefined) ?? data.selected).map(String));
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="select" />
      <input type="hidden" name="version" value={data.version} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <fieldset aria-describedby={fields.selectedCalendarIds.errors?.length ? fields.selectedCalendarIds.errorId : undefined}>
        <legend>Calendars that count as busy</legend>
        {calendars.length === 0 && data.missing.length === 0 ? <p className="hint">No event calendars could be listed.</p> : null}
        {calendars.map((c) => (
          <label key={c.url} className="check" style={{ display: "flex" }}>
            <input type="checkbox" name="selectedCalendarIds" value={c.url} defaultChecked={checked.has(c.url)} />
            <span
              aria-hidden="true"
              style={{ display: "inline-block", width: 12, height: 12, borderRadius: 6, background: c.color ?? "#888" }}
            />
            {c.name}
          </label>
        ))}
        {data.missing.map((url) => (
          <label key={url} className="check" style={{ display: "flex" }}>
            <input type="checkbox" name="selectedCalendarIds" value={url} defaultChecked={checked.has(url)} />
            <span>
              A selected calendar no longer exists on the server <small>(untick it and save to remove it)</small>
            </span>
          </label>
        ))}
      </fieldset>
      <FieldErrors field={fields.selectedCalendarIds} />
      <SubmitButton pendingText="Saving…" intent="select">
        Save selection
      </SubmitButton>
    </Form>
  );
}

function ICloudForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(connectCalendarSchema, { id: "connect-icloud", lastResult });
  return (
    <details className="card" open={!!lastResult || undefined}>
      <summary>
        <strong>Apple iCloud</strong>
      </summary>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="connect" />
        <input type="hidden" name="type" value="icloud" />
        <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
        <p className="hint" id="asp-help">
          Use an <strong>app-specific password</strong>, not your Apple ID password: Apple refuses the normal one. Create it at{" "}
          <a href="https://appleid.apple.com/account/manage" target="_blank" rel="noreferrer">
            appleid.apple.com
          </a>{" "}
          → Sign-In and Security → App-Specific Passwords (
          <a href="https://support.apple.com/en-us/102654" target="_blank" rel="noreferrer">
            how
          </a>
          ). Changing your Apple ID password revokes every app-specific password; you would then reconnect here.
        </p>
        <label htmlFor={fields.username.id}>Apple ID email</label>
        <input {...getInputProps(fields.username, { type: "email" })} autoComplete="username" />
        <FieldErrors field={fields.username} />
        <label htmlFor={fields.password.id}>App-specific password</label>
        <input
          {...getInputProps(fields.password, { type: "password", ariaDescribedBy: "asp-help" })}
          autoComplete="off"
          placeholder="xxxx-xxxx-xxxx-xxxx"
        />
        <FieldErrors field={fields.password} />
        <SubmitButton pendingText="Checking with Apple…" intent="connect">
          Connect iCloud
        </SubmitButton>
      </Form>
    </details>
  );
}

function CalDavForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(connectCalendarSchema, { id: "connect-caldav", lastResult });
  return (
    <details className="card" open={!!lastResult || undefined}>
      <summary>
        <strong>Other CalDAV server</strong> (Fastmail, Nextcloud, Radicale…)
      </summary>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="connect" />
        <input type="hidden" name="type" value="caldav" />
        <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
        <label htmlFor={fields.serverUrl.id}>Server address</label>
        <input {...getInputProps(fields.serverUrl, { type: "url" })} placeholder="https://caldav.example.com" autoComplete="url" />
        <FieldErrors field={fields.serverUrl} />
        <label htmlFor={fields.username.id}>Username</label>
        <input {...getInputProps(fields.username, { type: "text" })} autoComplete="username" autoCapitalize="none" />
        <FieldErrors field={fields.username} />
        <label htmlFor={fields.password.id}>Password</label>
        <input {...getInputProps(fields.password, { type: "password" })} autoComplete="off" />
        <FieldErrors field={fields.password} />
        <SubmitButton pendingText="Checking the server…" intent="connect">
          Connect calendar
        </SubmitButton>
      </Form>
    </details>
  );
}

/** "Add bookings to": where Confirm on the Requests page writes the session (issue 15). */
function BookingCalendarForm({ data, lastResult }: { data: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(bookingCalendarSchema, {
    id: `booking-calendar-${data.bookingCalendar.version}`,
    lastResult,
    defaultValue: { calendarUrl: data.bookingCalendar.calendarUrl ?? "" },
  });
  const names = new Map(data.accounts.flatMap((a) => a.calendars ?? []).map((c) => [c.url, c.name]));
  const chosen = (lastResult?.initialValue?.calendarUrl as string | undefined) ?? data.bookingCalendar.calendarUrl ?? "";
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="intent" value={BOOKING_CALENDAR_INTENT} />
      <input type="hidden" name="version" value={data.bookingCalendar.version} />
      <FormErrors id={form.errorId} errors={form.errors} />
      <label htmlFor={fields.calendarUrl.id}>Add bookings to</label>
      <p className="hint" id="booking-calendar-hint">
        When you confirm a request, the session is written into this calendar. Only calendars that count as busy can be chosen.
      </p>
      <select
        id={fields.calendarUrl.id}
        name={fields.calendarUrl.name}
        defaultValue={chosen}
        key={chosen}
        aria-describedby={
          fields.calendarUrl.errors?.length ? `booking-calendar-hint ${fields.calendarUrl.errorId}` : "booking-calendar-hint"
        }
        aria-invalid={fields.calendarUrl.errors?.length ? true : undefined}
      >
        <option value="">None: keep bookings here (download an .ics)</option>
        {data.selected.map((url) => (
          <option key={url} value={url}>
            {names.get(url) ?? url}
          </option>
        ))}
      </select>
      <FieldErrors field={fields.calendarUrl} />
      <SubmitButton pendingText="Saving…" intent={BOOKING_CALENDAR_INTENT}>
        Save calendar for bookings
      </SubmitButton>
    </Form>
  );
}
