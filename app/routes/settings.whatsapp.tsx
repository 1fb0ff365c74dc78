import { getFormProps, getInputProps, getTextareaProps } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FieldErrors, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { DEFAULT_WHATSAPP_TEMPLATE, normalizePhone, TEMPLATE_MAX_LENGTH, whatsappSchema } from "~/modules/settings/schemas";
import { fillTemplate, formatSlotForMessage, waLink } from "~/modules/booking-page/whatsapp";
import { effectiveTimezone } from "~/modules/settings/stored";
import { loadSection } from "~/modules/settings/provider-context.server";
import { saveSectionAction } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "whatsapp");
  const wa = p.settings.whatsapp;
  // The preview uses a real upcoming time in the provider's zone: tomorrow at 10:00.
  const zone = effectiveTimezone(p.settings, p.timezone);
  const sample = formatSlotForMessage(Date.now() + 24 * 3600_000, zone);
  return json(
    {
      values: {
        enabled: wa ? (wa.enabled ? "on" : undefined) : "on",
        phoneE164: wa?.phoneE164 ?? "",
        messageTemplate: wa?.messageTemplate ?? DEFAULT_WHATSAPP_TEMPLATE,
        version: version,
      },
      // A made-up reference: each real tap gets its own.
      sample: { date: sample.date, time: "10:00", ref: "K7Q2" },
    },
    { headers: ctx.headers },
  );
}

export function action({ request }: ActionFunctionArgs) {
  return saveSectionAction(request, "whatsapp", whatsappSchema, "/settings/whatsapp");
}

export default function WhatsAppSettings() {
  const { values, sample } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(whatsappSchema, { id: `whatsapp-${values.version}`, lastResult, defaultValue: values });
  const focus = firstErrorField(lastResult?.error, ["enabled", "phoneE164", "messageTemplate"]);
  // Live while typing with JavaScript; without it, the preview shows what was last rendered.
  const template = (fields.messageTemplate.value as string | undefined) ?? values.messageTemplate;
  const phone = normalizePhone((fields.phoneE164.value as string | undefined) ?? values.phoneE164 ?? "");
  const message = fillTemplate(template, sample);
  return (
    <section className="card" aria-labelledby="wa-heading">
      <h1 id="wa-heading">WhatsApp</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <label className="check" htmlFor={fields.enabled.id}>
          <input {...getInputProps(fields.enabled, { type: "checkbox" })} autoFocus={focus === "enabled"} />
          Clients book by WhatsApp message
        </label>
        <FieldErrors field={fields.enabled} />

        <label htmlFor={fields.phoneE164.id}>WhatsApp number</label>
        <p className="hint" id="phone-hint">
          International format with the country code, e.g. +971 50 123 4567. Spaces and dashes are fine.
        </p>
        <input
          {...getInputProps(fields.phoneE164, { type: "tel", ariaDescribedBy: "phone-hint" })}
          autoComplete="tel"
          autoFocus={focus === "phoneE164"}
        />
        <FieldErrors field={fields.phoneE164} />

        <label htmlFor={fields.messageTemplate.id}>Message template</label>
        <p className="hint" id="template-hint">
          Up to {TEMPLATE_MAX_LENGTH} characters. Use {"{date}"} and {"{time}"} where the chosen slot goes, and {"{ref}"} for the short
          reference of the request (it shows up on your Requests page).
        </p>
        <textarea
          {...getTextareaProps(fields.messageTemplate, { ariaDescribedBy: "template-hint" })}
          maxLength={TEMPLATE_MAX_LENGTH}
          autoFocus={focus === "messageTemplate"}
        />
        <FieldErrors field={fields.messageTemplate} />

        <h2>Preview</h2>
        <p className="preview" aria-live="polite" data-testid="message-preview">
          {message}
        </p>
        <p className="hint">
          Link:{" "}
          <code data-testid="link-preview" style={{ overflowWrap: "anywhere" }}>
            {phone ? waLink(phone, message) : "enter a valid number to see the link"}
          </code>
        </p>
        <SubmitButton pendingText="Saving…">Save WhatsApp settings</SubmitButton>
      </Form>
    </section>
  );
}
