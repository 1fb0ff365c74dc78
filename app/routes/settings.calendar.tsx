import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FieldErrors, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { CALENDAR_TYPE_MESSAGE, connectCalendarSchema, connectFeedSchema, NO_SUCH_CONNECTION } from "~/modules/calendar/schemas";
import { CalendarHealthBlock, IcsFeedsBlock, type CalendarHealthRow } from "~/components/calendar-health";
import { connectFeed, listFeeds, removeFeed } from "~/modules/calendar/ics-feeds.server";
import { listCalendarHealth } from "~/modules/calendar/health.server";
import { checkCalendarsNow } from "~/modules/calendar/busy-times.server";
import { isFeedCalendarId } from "~/modules/calendar/feed-ids";
import { checkSelection, rememberListing } from "~/modules/calendar/listings.server";
import { integrationExists } from "~/modules/calendar/integrations.server";
import { privateHeaders } from "~/server/http";
import { allDayEventsSchema, calendarSelectionSchema, MAX_SELECTED_CALENDARS } from "~/modules/settings/schemas";
import { saveSection } from "~/modules/settings/providers.server";
import { connectAccount, disconnectAccount, listAccounts } from "~/modules/calendar/accounts.server";
import { loadSection, requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce, STALE_MESSAGE, staleReply } from "~/modules/settings/section-save.server";
import { BOOKING_CALENDAR_INTENT, bookingCalendarSchema } from "~/modules/settings/schemas";
import { bookingCalendarFormData, saveBookingCalendarForm } from "~/modules/booking-page/booking-calendar.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Calendar · Settings · Slotline" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "calendar");
  const accounts = await listAccounts(ctx.user.id);
  const selected = p.settings.calendar.selectedCalendarIds;
  // Issue 10: ICS feeds and per-calendar health.
  const feeds = await listFeeds(ctx.user.id);
  const healthRows = await ctx.run((tx) => listCalendarHealth(tx, ctx.user.id));
  const known = new Set([...accounts.flatMap((a) => a.calendars?.map((c) => c.url) ?? []), ...feeds.map((f) => f.calendarId)]);
  const names = new Map<string, string>([
    ...accounts.flatMap((a) => a.calendars?.map((c) => [c.url, c.displayName || "Untitled calendar"] as [string, string]) ?? []),
    ...feeds.map((f) => [f.calendarId, f.name] as [string, string]),
  ]);
  const health: CalendarHealthRow[] = selected.map((id) => {
    const h = healthRows.find((r) => r.calendarId === id);
    return {
      calendarId: id,
      name: names.get(id) ?? "A selected calendar",
      lastAttemptAt: h?.lastAttemptAt ?? null,
      lastSuccessAt: h?.lastSuccessAt ?? null,
      failureReason: h?.failureReason ?? null,
      failureEvent: h?.failureEvent ?? null,
      warningsCount: h?.warningsCount ?? 0,
      warnings: h?.warnings ?? [],
    };
  });
  const anyUnreadable = accounts.some((a) => a.calendars === null);
  // The selection is saved against this very list (see listings.server.ts).
  const listing = accounts.length > 0 ? await rememberListing(ctx.user.id, version, accounts) : null;
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
      feeds: feeds.map((f) => ({ id: f.id, calendarId: f.calendarId, name: f.name, hint: f.hint })),
      health,
      // Only claim "deleted" when every account could be listed; an unreachable server proves nothing.
      missing: anyUnreadable ? [] : selected.filter((url) => !known.has(url)),
      version: version,
      listing,
      allDayEvents: p.settings.calendar.allDayEvents,
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
    // An unknown type has no form of its own: its error goes on the CalDAV form, as a form error.
    const type = formData.get("type") === "icloud" ? "icloud" : "caldav";
    if (submission.status !== "success") {
      const typeKnown = formData.get("type") === "icloud" || formData.get("type") === "caldav";
      return json<ActionData>(
        { intent: `connect-${type}`, result: typeKnown ? reply() : reply({ formErrors: [CALENDAR_TYPE_MESSAGE] }) },
        { status: 400, headers: ctx.headers },
      );
    }
    const result = await connectAccount(ctx.user.id, submission.value);
    if (!result.ok) {
      return json<ActionData>(
        { intent: `connect-${submission.value.type}`, result: reply({ formErrors: [result.message] }) },
        { status: 400, headers: ctx.headers },
      );
    }
    // Every event calendar of a newly connected account counts as busy until the provider unticks
    // one: an empty selection would show every working hour as free. A reconnect (some of the
    // account's calendars already selected) keeps the provider's choice. Through the settings
    // save path, so "provider changed" is announced.
    const p = await ctx.provider();
    const selected = p.settings.calendar.selectedCalendarIds;
    const urls = result.calendars.map((c) => c.url);
    if (!urls.some((url) => selected.includes(url))) {
      const merged = [...new Set([...selected, ...urls])].slice(0, MAX_SELECTED_CALENDARS);
      await saveAndAnnounce(ctx, (tx) => saveSection(tx, ctx.user.id, "calendar", { selectedCalendarIds: merged }, undefined));
    }
    // A new value each time, so the connect form is rebuilt empty (no password left in it).
    throw redirect(`/settings/calendar?connected=${Date.now().toString(36)}`, { headers: ctx.headers });
  }

  // Issue 10: ICS subscription feeds and the health check.
  if (intent === "connect-feed") {
    const submission = parseWithZod(formData, { schema: connectFeedSchema });
    // The address is a credential: never echoed back into the form.
    const reply = (opts?: Parameters<typeof submission.reply>[0]) => submission.reply({ ...opts, hideFields: ["feedUrl"] });
    if (submission.status !== "success")
      return json<ActionData>({ intent: "connect-feed", result: reply() }, { status: 400, headers: ctx.headers });
    const p = await ctx.provider();
    const result = await connectFeed(ctx.user.id, { url: submission.value.feedUrl, name: submission.value.feedName }, p.timezone);
    if (!result.ok)
      return json<ActionData>(
        { intent: "connect-feed", result: reply({ formErrors: [result.message] }) },
        { status: 400, headers: ctx.headers },
      );
    throw redirect("/settings/calendar?feed=1", { headers: ctx.headers });
  }

  if (intent === "remove-feed") {
    await removeFeed(ctx.user.id, String(formData.get("feedId") ?? ""));
    throw redirect("/settings/calendar?feedRemoved=1", { headers: ctx.headers });
  }

  if (intent === "check-calendars") {
    const p = await ctx.provider();
    await checkCalendarsNow({
      ownerUserId: ctx.user.id,
      slug: p.public_slug ?? "(unpublished)",
      timezone: p.timezone,
      selectedCalendarIds: p.settings.calendar.selectedCalendarIds,
    });
    throw redirect("/settings/calendar?checked=1", { headers: ctx.headers });
  }

  if (intent === "select") {
    const submission = parseWithZod(formData, { schema: calendarSelectionSchema });
    if (submission.status !== "success")
      return json<ActionData>({ intent: "select", result: submission.reply() }, { status: 400, headers: ctx.headers });
    // Only calendars of the connected accounts: as listed when the form was rendered (fresh for
    // 10 minutes), else as the server lists them now.
    // An ICS feed is one of the user's own feeds; a CalDAV calendar must be in an account's listing.
    const chosen = submission.value.selectedCalendarIds;
    const feedIds = new Set((await listFeeds(ctx.user.id)).map((f) => f.calendarId));
    const unknownFeeds = chosen.filter((id) => isFeedCalendarId(id) && !feedIds.has(id));
    const check = await checkSelection(
      ctx.user.id,
      chosen.filter((id) => !isFeedCalendarId(id)),
      {
        listing: formData.get("listing"),
        version: submission.value.version,
      },
    );
    if (!check.ok && check.reason === "unchecked") {
      return json<ActionData>(
        { intent: "select", result: submission.reply({ formErrors: [check.message] }) },
        { status: 400, headers: ctx.headers },
      );
    }
    if (!check.ok || unknownFeeds.length > 0) {
      const unknown = [...(check.ok ? [] : check.unknown), ...unknownFeeds];
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

  if (intent === "all-day") {
    const submission = parseWithZod(formData, { schema: allDayEventsSchema });
    if (submission.status !== "success")
      return json<ActionData>({ intent: "all-day", result: submission.reply() }, { status: 400, headers: ctx.headers });
    const { allDayEvents, version } = submission.value;
    const saved = await saveAndAnnounce(ctx, (tx) => saveSection(tx, ctx.user.id, "calendar", { allDayEvents }, version));
    if (!saved.ok)
      return json<ActionData>({ intent: "all-day", result: staleReply(), stale: STALE_MESSAGE }, { status: 409, headers: ctx.headers });
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
    // Someone else's id is invisible under RLS, so it looks exactly like one that never existed.
    if (!(await ctx.run((tx) => integrationExists(tx, id)))) {
      return json<ActionData>(
        { intent: "disconnect", result: { status: "error", error: { "": [NO_SUCH_CONNECTION] } } },
        { status: 404, headers: ctx.headers },
      );
    }
    const p = await ctx.provider();
    const accounts = await listAccounts(ctx.user.id);
    const account = accounts.find((a) => a.integration.id === id);
    const deleted = await disconnectAccount(
      ctx.user.id,
      id,
      p.settings.calendar.selectedCalendarIds,
      account?.calendars?.map((c) => c.url) ?? null,
    );
    // Gone in the meantime (another tab): say so rather than claim a deletion.
    if (!deleted) {
      return json<ActionData>(
        { intent: "disconnect", result: { status: "error", error: { "": [NO_SUCH_CONNECTION] } } },
        { status: 404, headers: ctx.headers },
      );
    }
    throw redirect("/settings/calendar?disconnected=1", { headers: ctx.headers });
  }

  return json<ActionData>(
    {
      intent: "unknown",
      result: { status: "error", error: { "": ["Unknown action: reload the page and try again. Nothing was changed."] } },
    },
    { status: 400, headers: ctx.headers },
  );
}

export default function CalendarSettings() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const flash = searchParams.has("connected")
    ? "Calendar connected. All its calendars now count as busy: untick any that should not, then save the selection."
    : searchParams.has("disconnected")
      ? "Calendar disconnected. Its password was deleted."
      : searchParams.has("saved")
        ? "Saved."
        : searchParams.has("feed")
          ? "Calendar feed added. Its events now count as busy."
          : searchParams.has("feedRemoved")
            ? "Calendar feed removed. Its address was deleted."
            : searchParams.has("checked")
              ? "Calendars checked."
              : null;
  return (
    <section className="card" aria-labelledby="calendar-heading">
      <h1 id="calendar-heading">Calendar</h1>
      <SavedBanner show={!!flash && !actionData}>{flash}</SavedBanner>
      {actionData && (actionData.intent === "disconnect" || actionData.intent === "unknown") ? (
        <p className="banner err" role="alert">
          {actionData.result.error?.[""]?.join(" ")}
        </p>
      ) : null}
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
      {data.accounts.length === 0 && data.feeds.length > 0 ? (
        <SelectionForm data={data} lastResult={actionData?.intent === "select" ? actionData.result : undefined} />
      ) : null}
      <CalendarHealthBlock rows={data.health} />
      <AllDayForm data={data} lastResult={actionData?.intent === "all-day" ? actionData.result : undefined} />
      <h2>{data.accounts.length ? "Reconnect or add an account" : "Connect a calendar"}</h2>
      {/* Keyed by the connection: after a successful connect both forms start empty again. */}
      <ICloudForm
        key={`icloud-${searchParams.get("connected") ?? ""}`}
        lastResult={actionData?.intent === "connect-icloud" ? actionData.result : undefined}
      />
      <CalDavForm
        key={`caldav-${searchParams.get("connected") ?? ""}`}
        lastResult={actionData?.intent === "connect-caldav" ? actionData.result : undefined}
      />
      <IcsFeedsBlock feeds={data.feeds} lastResult={actionData?.intent === "connect-feed" ? actionData.result : undefined} />
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
  const calendars = [
    ...data.accounts.flatMap((a) => a.calendars ?? []),
    ...data.feeds.map((f) => ({ url: f.calendarId, name: `${f.name} (feed)`, color: null as string | null })),
  ];
  // A single ticked box comes back as a string, several as an array.
  const submitted = lastResult?.initialValue?.selectedCalendarIds as string | string[] | undefined;
  const checked = new Set((submitted === undefined ? data.selected : [submitted].flat()).map(String));
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="select" />
      <input type="hidden" name="version" value={data.version} />
      {data.listing ? <input type="hidden" name="listing" value={data.listing} /> : null}
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

/** The all-day rule (issue 9): its own small form, saved into `calendar` beside the selection. */
function AllDayForm({ data, lastResult }: { data: LoaderData; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(allDayEventsSchema, {
    id: `calendar-all-day-${data.version}`,
    lastResult,
    defaultValue: { allDayEvents: data.allDayEvents },
  });
  const options = [
    { value: "busy", label: "All-day events block my day, even when marked free" },
    { value: "as-marked", label: "Only all-day events marked busy block my day" },
  ];
  return (
    <Form method="post" {...getFormProps(form)}>
      <input type="hidden" name="intent" value="all-day" />
      <input type="hidden" name="version" value={data.version} />
      <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
      <fieldset aria-describedby="all-day-hint">
        <legend>All-day events</legend>
        <p className="hint" id="all-day-hint">
          iPhone and Mac mark all-day events as free; choose whether they block your day.
        </p>
        {options.map((o) => (
          <label key={o.value} className="check" style={{ display: "flex" }}>
            <input
              type="radio"
              name={fields.allDayEvents.name}
              value={o.value}
              defaultChecked={(fields.allDayEvents.initialValue ?? data.allDayEvents) === o.value}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
      <FieldErrors field={fields.allDayEvents} />
      <SubmitButton pendingText="Saving…" intent="all-day">
        Save all-day rule
      </SubmitButton>
    </Form>
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
