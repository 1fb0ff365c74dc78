import { getCollectionProps, getFormProps } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FieldErrors, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { COMMON_CLIENT_ZONES, localeSchema, MAX_CLIENT_ZONES } from "~/modules/settings/schemas";
import { effectiveTimezone } from "~/modules/settings/stored";
import { loadSection } from "~/modules/settings/provider-context.server";
import { saveSectionAction } from "~/modules/settings/section-save.server";
import { formatSlotForMessage } from "~/modules/booking-page/whatsapp";

export const headers = privateHeaders;

/**
 * settings.locale: its own key (the house rule: one form, one key), because language, digits and
 * clock shape the whole page and the message, not one of the existing sections.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "locale");
  const l = p.settings.locale;
  const zone = effectiveTimezone(p.settings, p.timezone);
  // Tomorrow at the current minute, in each combination, so the choices show what clients will read.
  const sampleMs = Date.now() + 24 * 3600_000;
  const sample = (lang: "en" | "ar", digits: "latn" | "arab", clock: "h24" | "h12") => {
    const s = formatSlotForMessage(sampleMs, zone, { lang, digits, clock });
    return `${s.date}, ${s.time}`;
  };
  // Zones saved earlier but no longer in the curated list stay visible (and ticked).
  const zones = [...new Set([...COMMON_CLIENT_ZONES.filter((z) => z !== zone), ...l.clientZones])];
  return json(
    {
      values: { language: l.language, digits: l.digits, clock: l.clock, clientZones: l.clientZones, version },
      zones,
      samples: {
        latn: sample("ar", "latn", l.clock),
        arab: sample("ar", "arab", l.clock),
        h24: sample("en", "latn", "h24"),
        h12: sample("en", "latn", "h12"),
      },
    },
    { headers: ctx.headers },
  );
}

export function action({ request }: ActionFunctionArgs) {
  return saveSectionAction(request, "locale", localeSchema, "/settings/language");
}

const LANGUAGES = [
  { value: "en", label: "English" },
  { value: "ar", label: "Arabic (right to left)" },
  { value: "both", label: "Both: English, with a link to Arabic" },
];

export default function LanguageSettings() {
  const { values, zones, samples } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(localeSchema, { id: `locale-${values.version}`, lastResult, defaultValue: values });
  const focus = firstErrorField(lastResult?.error, ["language", "digits", "clock", "clientZones"]);
  const radios = (name: "language" | "digits" | "clock", options: { value: string; label: string }[]) =>
    getCollectionProps(fields[name], { type: "radio", options: options.map((o) => o.value) }).map((props, i) => (
      <label className="check" key={props.key} htmlFor={props.id}>
        <input {...props} key={props.key} autoFocus={focus === name && i === 0} />
        {options[i].label}
      </label>
    ));
  const describedBy = (f: { errors?: string[]; errorId: string }) => (f.errors?.length ? f.errorId : undefined);
  return (
    <section className="card" aria-labelledby="lang-heading">
      <h1 id="lang-heading">Language and clock</h1>
      <p className="hint">What your clients read on your page and in the WhatsApp message. These settings pages stay in English.</p>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <fieldset aria-describedby={describedBy(fields.language)}>
          <legend>Page language</legend>
          {radios("language", LANGUAGES)}
        </fieldset>
        <FieldErrors field={fields.language} />
        <fieldset aria-describedby={describedBy(fields.digits)}>
          <legend>Digits on the Arabic page</legend>
          {radios("digits", [
            { value: "latn", label: `Latin: ${samples.latn}` },
            { value: "arab", label: `Arabic-Indic: ${samples.arab}` },
          ])}
        </fieldset>
        <FieldErrors field={fields.digits} />
        <fieldset aria-describedby={describedBy(fields.clock)}>
          <legend>Clock</legend>
          {radios("clock", [
            { value: "h24", label: `24-hour: ${samples.h24}` },
            { value: "h12", label: `12-hour: ${samples.h12}` },
          ])}
        </fieldset>
        <FieldErrors field={fields.clock} />
        <fieldset aria-describedby={describedBy(fields.clientZones)}>
          <legend>Where your clients often are</legend>
          <p className="hint">
            Listed first under “Show times in” on your page, after your own zone; every other zone stays available. At most{" "}
            {MAX_CLIENT_ZONES}.
          </p>
          {getCollectionProps(fields.clientZones, { type: "checkbox", options: zones }).map((props, i) => (
            <label className="check" key={props.key} htmlFor={props.id}>
              <input {...props} key={props.key} autoFocus={focus === "clientZones" && i === 0} />
              {zones[i].replace(/_/g, " ")}
            </label>
          ))}
        </fieldset>
        <FieldErrors field={fields.clientZones} />
        <SubmitButton pendingText="Saving…">Save language and clock</SubmitButton>
      </Form>
    </section>
  );
}
