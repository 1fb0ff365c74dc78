import { getCollectionProps, getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DateTime } from "luxon";
import type { MouseEvent } from "react";
import { FieldErrors, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { applyTimeOffIntent, parseTimeOffIntent, suggestRange, type TimeOffIntent } from "~/modules/settings/grid-intents";
import {
  MAX_DATE_OVERRIDES,
  MAX_RANGES_PER_DAY,
  OVERRIDE_NOTE_MAX_LENGTH,
  dateOverridesFormSchema,
  timeOffFormSchema,
} from "~/modules/settings/schemas";
import { effectiveTimezone } from "~/modules/settings/stored";
import { saveSection } from "~/modules/settings/providers.server";
import { loadSection, requireProviderContext } from "~/modules/settings/provider-context.server";
import { saveAndAnnounce, staleReply } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "dateOverrides");
  const zone = effectiveTimezone(p.settings, p.timezone);
  return json(
    {
      values: {
        overrides: p.settings.dateOverrides.map((o) => ({
          from: o.from,
          to: o.to,
          kind: o.ranges.length ? "hours" : "off",
          ranges: o.ranges,
          note: o.note,
        })),
        version,
      },
      today: DateTime.now().setZone(zone).toISODate()!,
      zone,
    },
    { headers: ctx.headers },
  );
}

type Reply = SubmissionResult<string[]> & { nonce?: number; stale?: string };

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireProviderContext(request);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: dateOverridesFormSchema });
  const intent = parseTimeOffIntent(formData.get("intent"));
  if (intent) {
    // Edit the list without saving (no JavaScript): the same form again with the change applied.
    const p = await ctx.provider();
    const today = DateTime.now().setZone(effectiveTimezone(p.settings, p.timezone)).toISODate()!;
    const payload = applyTimeOffIntent(submission.payload, intent, today);
    delete payload.intent;
    return json<Reply>({ initialValue: payload as Reply["initialValue"], error: {}, nonce: Date.now() }, { headers: ctx.headers });
  }
  if (submission.status !== "success") return json<Reply>(submission.reply(), { status: 400, headers: ctx.headers });
  const { dateOverrides, version } = submission.value;
  const result = await saveAndAnnounce(ctx, (tx) => saveSection(tx, ctx.user.id, "dateOverrides", dateOverrides, version));
  if (!result.ok) return json<Reply>(staleReply(), { status: 409, headers: ctx.headers });
  throw redirect("/settings/time-off?saved=1", { headers: ctx.headers });
}

export default function TimeOffSettings() {
  const { values, today, zone } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(timeOffFormSchema, {
    id: `time-off-${values.version}-${lastResult?.nonce ?? 0}`,
    lastResult,
    defaultValue: values,
  });
  const overrides = fields.overrides.getFieldList();
  const firstError = Object.keys(lastResult?.error ?? {}).find((k) => lastResult?.error?.[k]?.length);

  /** With JavaScript: the same list actions, in place. */
  const inPlace = (intent: TimeOffIntent) => (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    if (intent.type === "add-override") {
      form.insert({ name: fields.overrides.name, defaultValue: { from: today, to: today, kind: "off", ranges: [], note: "" } });
    } else if (intent.type === "remove-override") {
      form.remove({ name: fields.overrides.name, index: intent.index });
    } else if (intent.type === "add-range") {
      const o = overrides[intent.index].getFieldset();
      const current = ((form.value as { overrides?: { ranges?: unknown[] }[] } | undefined)?.overrides?.[intent.index]?.ranges ??
        []) as unknown[];
      form.insert({ name: o.ranges.name, defaultValue: suggestRange(current) });
      form.update({ name: o.kind.name, value: "hours" });
    } else {
      form.remove({ name: overrides[intent.index].getFieldset().ranges.name, index: intent.range });
    }
  };

  return (
    <section className="card" aria-labelledby="time-off-heading">
      <h1 id="time-off-heading">Time off and special dates</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      <p className="hint">
        Days off (a holiday, a week away) and dates with different hours (Ramadan, a long Friday). Dates are in your time zone,{" "}
        {zone.replace(/_/g, " ")}, first and last day included. Special hours replace your weekly hours on those dates.
      </p>
      <Form method="post" {...getFormProps(form)}>
        {/* The form's default button: Enter in any field saves, instead of pressing the first grid button. */}
        <button type="submit" hidden tabIndex={-1} aria-hidden="true" />
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <FieldErrors field={fields.overrides} />
        {overrides.length === 0 ? <p>No time off or special dates yet.</p> : null}
        {overrides.map((item, i) => {
          const o = item.getFieldset();
          const ranges = o.ranges.getFieldList();
          const title = `Dates ${i + 1}`;
          const past = typeof o.to.value === "string" && o.to.value < today;
          return (
            <fieldset key={item.key} className="card" data-testid="override">
              <legend>
                {title}
                {past ? " (past: no longer used, remove it when you like)" : ""}
              </legend>
              <div className="inline">
                <div>
                  <label htmlFor={o.from.id}>First day</label>
                  <input
                    {...getInputProps(o.from, { type: "date" })}
                    aria-label={`${title}: first day`}
                    autoFocus={firstError === o.from.name}
                  />
                </div>
                <div>
                  <label htmlFor={o.to.id}>Last day</label>
                  <input
                    {...getInputProps(o.to, { type: "date" })}
                    aria-label={`${title}: last day`}
                    autoFocus={firstError === o.to.name}
                  />
                </div>
              </div>
              <FieldErrors field={o.from} />
              <FieldErrors field={o.to} />
              <div role="radiogroup" aria-label={`${title}: what happens`}>
                {getCollectionProps(o.kind, { type: "radio", options: ["off", "hours"] }).map((props) => (
                  <label className="check" key={props.key} htmlFor={props.id}>
                    <input {...props} key={props.key} aria-label={`${title}: ${props.value === "off" ? "day off" : "special hours"}`} />
                    {props.value === "off" ? "Day off (no bookings)" : "Special hours"}
                  </label>
                ))}
              </div>
              <FieldErrors field={o.kind} />
              {ranges.map((range, j) => {
                const r = range.getFieldset();
                return (
                  <div className="range" key={range.key}>
                    <label htmlFor={r.start.id} className="range-label">
                      from
                    </label>
                    <input
                      {...getInputProps(r.start, { type: "text" })}
                      aria-label={`${title}: range ${j + 1} from`}
                      inputMode="numeric"
                      placeholder="HH:MM"
                      size={5}
                      maxLength={5}
                    />
                    <label htmlFor={r.end.id} className="range-label">
                      to
                    </label>
                    <input
                      {...getInputProps(r.end, { type: "text" })}
                      aria-label={`${title}: range ${j + 1} to`}
                      inputMode="numeric"
                      placeholder="HH:MM"
                      size={5}
                      maxLength={5}
                    />
                    <button
                      type="submit"
                      name="intent"
                      value={`remove-range:${i}:${j}`}
                      formNoValidate
                      className="secondary"
                      aria-label={`${title}: remove range ${j + 1}`}
                      onClick={inPlace({ type: "remove-range", index: i, range: j })}
                    >
                      Remove
                    </button>
                    <FieldErrors field={r.start} />
                    <FieldErrors field={r.end} />
                  </div>
                );
              })}
              <FieldErrors field={o.ranges} />
              <p className="hint">24-hour times (HH:MM); an end earlier than the start runs past midnight. Used with “Special hours”.</p>
              <label htmlFor={o.note.id}>Note (only you see it)</label>
              <input {...getInputProps(o.note, { type: "text" })} aria-label={`${title}: note`} maxLength={OVERRIDE_NOTE_MAX_LENGTH} />
              <FieldErrors field={o.note} />
              <div className="inline">
                <button
                  type="submit"
                  name="intent"
                  value={`add-range:${i}`}
                  formNoValidate
                  className="secondary"
                  aria-label={`${title}: add a time range`}
                  disabled={ranges.length >= MAX_RANGES_PER_DAY}
                  onClick={inPlace({ type: "add-range", index: i })}
                >
                  Add a time range
                </button>
                <button
                  type="submit"
                  name="intent"
                  value={`remove-override:${i}`}
                  formNoValidate
                  className="danger"
                  aria-label={`Remove ${title.toLowerCase()}`}
                  onClick={inPlace({ type: "remove-override", index: i })}
                >
                  Remove these dates
                </button>
              </div>
            </fieldset>
          );
        })}
        <p>
          <button
            type="submit"
            name="intent"
            value="add-override"
            formNoValidate
            className="secondary"
            disabled={overrides.length >= MAX_DATE_OVERRIDES}
            onClick={inPlace({ type: "add-override" })}
          >
            Add time off or a special date
          </button>
        </p>
        <SubmitButton pendingText="Saving…">Save time off</SubmitButton>
      </Form>
    </section>
  );
}
