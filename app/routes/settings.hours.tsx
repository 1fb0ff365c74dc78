import { getCollectionProps, getFormProps, getInputProps } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FieldErrors, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { DEFAULT_WORKING_HOURS, workingHoursSchema } from "~/modules/settings/schemas";
import { effectiveTimezone } from "~/modules/settings/stored";
import { loadSection } from "~/modules/settings/provider-context.server";
import { saveSectionAction } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Working hours · Settings · Slotline" }];

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "workingHours");
  const wh = p.settings.workingHours;
  return json(
    {
      values: {
        timezone: effectiveTimezone(p.settings, p.timezone),
        days: (wh?.days ?? DEFAULT_WORKING_HOURS.days).map(String),
        start: wh?.start ?? DEFAULT_WORKING_HOURS.start,
        end: wh?.end ?? DEFAULT_WORKING_HOURS.end,
        version: version,
      },
      // Nothing stored yet: the form shows suggestions, which do not count until saved.
      suggested: !wh,
      zones: Intl.supportedValuesOf("timeZone"),
    },
    { headers: ctx.headers },
  );
}

export function action({ request }: ActionFunctionArgs) {
  return saveSectionAction(request, "workingHours", workingHoursSchema, "/settings/hours");
}

export default function HoursSettings() {
  const { values, zones, suggested } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(workingHoursSchema, { id: `hours-${values.version}`, lastResult, defaultValue: values });
  const focus = firstErrorField(lastResult?.error, ["timezone", "days", "start", "end"]);
  const dayOptions = DAY_NAMES.map((_, i) => String(i + 1));
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
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <label htmlFor={fields.timezone.id}>Time zone</label>
        <p className="hint" id="tz-hint">
          Start typing a city, e.g. Dubai or Berlin. Clients see times in this zone.
        </p>
        <input
          {...getInputProps(fields.timezone, { type: "text", ariaDescribedBy: "tz-hint" })}
          list="time-zones"
          autoComplete="off"
          autoFocus={focus === "timezone"}
        />
        <datalist id="time-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <FieldErrors field={fields.timezone} />

        <fieldset aria-describedby={fields.days.errors?.length ? fields.days.errorId : undefined}>
          <legend>Working days</legend>
          {getCollectionProps(fields.days, { type: "checkbox", options: dayOptions }).map((props, i) => (
            <label className="check" key={props.key} htmlFor={props.id}>
              <input {...props} key={props.key} autoFocus={focus === "days" && i === 0} />
              {DAY_NAMES[i]}
            </label>
          ))}
        </fieldset>
        <FieldErrors field={fields.days} />

        <label htmlFor={fields.start.id}>Start</label>
        <input {...getInputProps(fields.start, { type: "time" })} autoFocus={focus === "start"} />
        <FieldErrors field={fields.start} />
        <label htmlFor={fields.end.id}>End</label>
        <input {...getInputProps(fields.end, { type: "time" })} autoFocus={focus === "end"} />
        <FieldErrors field={fields.end} />
        <SubmitButton pendingText="Saving…">Save working hours</SubmitButton>
      </Form>
    </section>
  );
}
