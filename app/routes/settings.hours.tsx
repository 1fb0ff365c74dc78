import { getFormProps, getInputProps, type FieldMetadata, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "luxon";
import { useEffect, useState, type MouseEvent } from "react";
import { FieldErrors, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { applyHoursIntent, parseHoursIntent, suggestRange, type HoursIntent } from "~/modules/settings/grid-intents";
import {
  DEFAULT_WORKING_HOURS,
  HOURS_MESSAGES,
  MAX_RANGES_PER_DAY,
  WEEKDAY_KEYS,
  WEEKDAY_NAMES,
  resolveZone,
  weeklyOf,
  formatTimeOfDay,
  type Clock,
  workingHoursFormSchema,
  workingHoursSchema,
} from "~/modules/settings/schemas";
import { effectiveTimezone } from "~/modules/settings/stored";
import { loadSection, requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveSectionAction } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Working hours · Settings · Slotline" }];

/** The stored week ("HH:MM") as the form shows it in the provider's clock. */
function inClock<W extends Record<string, { start: string; end: string }[]>>(weekly: W, clock: Clock): W {
  return Object.fromEntries(
    Object.entries(weekly).map(([day, ranges]) => [
      day,
      ranges.map((r) => ({ start: formatTimeOfDay(r.start, clock), end: formatTimeOfDay(r.end, clock) })),
    ]),
  ) as W;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "workingHours");
  const wh = p.settings.workingHours ?? { ...DEFAULT_WORKING_HOURS, weekly: undefined };
  return json(
    {
      // Times shown in the clock the provider chose for the page (settings.locale); both are accepted.
      values: { timezone: effectiveTimezone(p.settings, p.timezone), weekly: inClock(weeklyOf(wh), p.settings.locale.clock), version },
      clock: p.settings.locale.clock,
      // Nothing stored yet: the form shows suggestions, which do not count until saved.
      suggested: !p.settings.workingHours,
      zones: Intl.supportedValuesOf("timeZone"),
      now: Date.now(),
    },
    { headers: ctx.headers },
  );
}

/** A grid action's reply: the edited values, nothing saved. `nonce` gives the form a fresh identity. */
type GridReply = SubmissionResult<string[]> & { nonce: number };

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.clone().formData();
  const intent = parseHoursIntent(formData.get("intent"));
  if (!intent) return saveSectionAction(request, "workingHours", workingHoursSchema, "/settings/hours");
  const ctx = await requireProviderContext(request);
  const submission = parseWithZod(formData, { schema: workingHoursSchema });
  const payload = applyHoursIntent(submission.payload, intent);
  const error: Record<string, string[]> = {};
  if (intent.type === "zone") {
    const typed = typeof payload.timezone === "string" ? payload.timezone : "";
    const zone = resolveZone(typed);
    if (zone) payload.timezone = zone;
    else error.timezone = [HOURS_MESSAGES.zoneNotFound(typed.trim())];
  }
  delete payload.intent;
  return json<GridReply>({ initialValue: payload as GridReply["initialValue"], error, nonce: Date.now() }, { headers: ctx.headers });
}

function zoneClock(typed: unknown, now: number): { zone: string; text: string } | null {
  const zone = typeof typed === "string" ? resolveZone(typed) : null;
  if (!zone) return null;
  return { zone, text: DateTime.fromMillis(now, { zone }).setLocale("en-GB").toFormat("HH:mm, cccc d LLLL") };
}

export default function HoursSettings() {
  const { values, zones, now: loadedAt, suggested, clock: timeClock } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>() as (SubmissionResult<string[]> & { nonce?: number }) | undefined;
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(workingHoursFormSchema, {
    id: `hours-${values.version}-${lastResult?.nonce ?? 0}`,
    lastResult,
    defaultValue: values,
  });
  // The clock beside the zone: the loader's instant at first (server and browser render the same
  // text), then the browser's own clock once JavaScript runs.
  const [now, setNow] = useState(loadedAt);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const clock = zoneClock(fields.timezone.value, now);
  const weekly = fields.weekly.getFieldset();
  const errorKeys = Object.keys(lastResult?.error ?? {}).filter((k) => lastResult?.error?.[k]?.length);
  const firstError = errorKeys[0];

  /** With JavaScript: the same grid actions, in place, on the form's current values. */
  const inPlace = (intent: HoursIntent) => (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    const current = (form.value ?? {}) as Record<string, unknown>;
    if (intent.type === "add") {
      const day = weekly[intent.day as keyof typeof weekly];
      const list = ((current.weekly as Record<string, unknown[]> | undefined)?.[intent.day] ?? []) as unknown[];
      form.insert({ name: day.name, defaultValue: suggestRange(list) });
    } else if (intent.type === "remove") {
      form.remove({ name: weekly[intent.day as keyof typeof weekly].name, index: intent.index });
    } else if (intent.type === "copy") {
      form.update({ name: fields.weekly.name, value: applyHoursIntent(current, intent).weekly as never });
    } else {
      const zone = typeof current.timezone === "string" ? resolveZone(current.timezone) : null;
      if (zone) form.update({ name: fields.timezone.name, value: zone });
      else form.validate({ name: fields.timezone.name });
    }
  };

  return (
    <section className="card" aria-labelledby="hours-heading">
      <h1 id="hours-heading">Working hours</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      {suggested ? (
        <p className="banner warn" role="status">
          Suggested hours, not saved yet: your page cannot be published until they are. Change them, or save them as they are with one click
          on “Save working hours”.
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        {/* The form's default button: Enter in any field saves, instead of pressing the first grid button. */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <label htmlFor={fields.timezone.id}>Time zone</label>
        <p className="hint" id="tz-hint">
          Type a city, e.g. Dubai, London or New York, or a zone like Europe/Berlin. Clients see times in this zone.
        </p>
        <div className="inline">
          <input
            {...getInputProps(fields.timezone, { type: "text", ariaDescribedBy: "tz-hint tz-clock" })}
            list="time-zones"
            autoComplete="off"
            autoFocus={firstError === "timezone"}
          />
          <button type="submit" name="intent" value="zone" formNoValidate className="secondary" onClick={inPlace({ type: "zone" })}>
            Find time zone
          </button>
        </div>
        <datalist id="time-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <p className="hint" id="tz-clock" aria-live="polite" data-testid="zone-clock">
          {clock ? `${clock.zone.replace(/_/g, " ")}: it is now ${clock.text}.` : null}
        </p>
        <FieldErrors field={fields.timezone} />

        <h2>Weekly hours</h2>
        <p className="hint" id="week-hint">
          {timeClock === "h12"
            ? "12-hour times, e.g. 6:00 AM–10:00 AM and 5:00 PM–9:00 PM (24-hour times work too). An end earlier than the start runs past midnight (8:00 PM–1:00 AM); 12:00 AM as the end means midnight."
            : "24-hour times (HH:MM), e.g. 06:00–10:00 and 17:00–21:00. An end earlier than the start runs past midnight (20:00–01:00); 00:00 as the end means midnight."}{" "}
          Up to {MAX_RANGES_PER_DAY} ranges a day.
        </p>
        <FieldErrors field={fields.weekly} />
        {WEEKDAY_KEYS.map((key, i) => {
          const dayName = WEEKDAY_NAMES[i];
          const day = weekly[key];
          const ranges = day.getFieldList();
          return (
            <fieldset key={key} className="week-day" aria-describedby={day.errors?.length ? day.errorId : "week-hint"}>
              <legend>{dayName}</legend>
              {ranges.length === 0 ? <p className="hint">Not working</p> : null}
              {ranges.map((range, j) => {
                const r = range.getFieldset();
                return (
                  <div className="range" key={range.key}>
                    <TimeInput field={r.start} label={`${dayName} range ${j + 1} from`} visible="from" focus={firstError} />
                    <TimeInput field={r.end} label={`${dayName} range ${j + 1} to`} visible="to" focus={firstError} />
                    <button
                      type="submit"
                      name="intent"
                      value={`remove:${key}:${j}`}
                      formNoValidate
                      className="secondary"
                      aria-label={`Remove ${dayName} range ${j + 1}`}
                      onClick={inPlace({ type: "remove", day: key, index: j })}
                    >
                      Remove
                    </button>
                    <FieldErrors field={r.start} />
                    <FieldErrors field={r.end} />
                  </div>
                );
              })}
              <FieldErrors field={day} />
              <div className="inline">
                <button
                  type="submit"
                  name="intent"
                  value={`add:${key}`}
                  formNoValidate
                  className="secondary"
                  aria-label={`Add a time range to ${dayName}`}
                  disabled={ranges.length >= MAX_RANGES_PER_DAY}
                  onClick={inPlace({ type: "add", day: key })}
                >
                  Add a range
                </button>
                <button
                  type="submit"
                  name="intent"
                  value={`copy:${key}`}
                  formNoValidate
                  className="secondary"
                  aria-label={`Copy ${dayName}'s hours to all days`}
                  onClick={inPlace({ type: "copy", day: key })}
                >
                  Copy to all days
                </button>
              </div>
            </fieldset>
          );
        })}
        <p className="hint">
          Days off and special dates (holidays, Ramadan hours) go under <a href="/settings/time-off">Time off</a>.
        </p>
        <SubmitButton pendingText="Saving…">Save working hours</SubmitButton>
      </Form>
    </section>
  );
}

function TimeInput({ field, label, visible, focus }: { field: FieldMetadata<string>; label: string; visible: string; focus?: string }) {
  return (
    <>
      <label htmlFor={field.id} className="range-label">
        <span className="sr-only">{label.replace(/ (from|to)$/, "")} </span>
        {visible}
      </label>
      <input
        {...getInputProps(field, { type: "text" })}
        aria-label={label}
        inputMode="numeric"
        placeholder="HH:MM"
        size={5}
        maxLength={5}
        autoComplete="off"
        autoFocus={focus === field.name}
      />
    </>
  );
}
