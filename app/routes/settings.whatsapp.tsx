import { getFormProps } from "@conform-to/react";
import { DateTime } from "luxon";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CheckboxField, Field, firstErrorField, FormErrors, SavedBanner, SubmitButton, TextareaField, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import {
  DEFAULT_WHATSAPP_TEMPLATE,
  DEFAULT_WHATSAPP_TEMPLATES,
  normalizePhone,
  TEMPLATE_MAX_LENGTH,
  whatsappSchema,
} from "~/modules/settings/schemas";
import { fillTemplate, messageSlotText, waLink } from "~/modules/booking-page/whatsapp";
import { effectiveTimezone } from "~/modules/settings/stored";
import { loadSection } from "~/modules/settings/provider-context.server";
import { saveSectionAction } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "WhatsApp · Settings · Slotline" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "whatsapp");
  const wa = p.settings.whatsapp;
  // The preview uses a real upcoming time in the provider's zone: tomorrow at 10:00, formatted as
  // the page formats it (language, digits, clock from settings.locale).
  const zone = effectiveTimezone(p.settings, p.timezone);
  const { language, digits, clock } = p.settings.locale;
  const tomorrow = DateTime.now().setZone(zone).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toMillis();
  const sample = messageSlotText(tomorrow, zone, null, { lang: "en", digits, clock });
  const sampleAr = messageSlotText(tomorrow, zone, null, { lang: "ar", digits, clock });
  return json(
    {
      values: {
        enabled: wa ? (wa.enabled ? "on" : undefined) : "on",
        phoneE164: wa?.phoneE164 ?? "",
        messageTemplate: wa?.messageTemplate ?? DEFAULT_WHATSAPP_TEMPLATE,
        messageTemplateAr: wa?.messageTemplateAr ?? "",
        version: version,
      },
      // A made-up reference: each real tap gets its own.
      sample: { ...sample, ref: "K7Q2" },
      sampleAr: { ...sampleAr, ref: "K7Q2" },
      arabic: language !== "en",
    },
    { headers: ctx.headers },
  );
}

export function action({ request }: ActionFunctionArgs) {
  return saveSectionAction(request, "whatsapp", whatsappSchema, "/settings/whatsapp");
}

export default function WhatsAppSettings() {
  const { values, sample, sampleAr, arabic } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(whatsappSchema, { id: `whatsapp-${values.version}`, lastResult, defaultValue: values });
  const focus = firstErrorField(lastResult?.error, ["enabled", "phoneE164", "messageTemplate", "messageTemplateAr"]);
  // Live while typing with JavaScript; without it, the preview shows what was last rendered.
  const template = (fields.messageTemplate.value as string | undefined) ?? values.messageTemplate;
  const phone = normalizePhone((fields.phoneE164.value as string | undefined) ?? values.phoneE164 ?? "");
  const message = fillTemplate(template, sample);
  const templateAr = ((fields.messageTemplateAr.value as string | undefined) ?? values.messageTemplateAr) || DEFAULT_WHATSAPP_TEMPLATES.ar;
  const messageAr = fillTemplate(templateAr, sampleAr);
  return (
    <section className="card" aria-labelledby="wa-heading">
      <h1 id="wa-heading">WhatsApp</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        <CheckboxField field={fields.enabled} label="Clients book by WhatsApp message" autoFocus={focus === "enabled"} />
        <Field
          field={fields.phoneE164}
          type="tel"
          label="WhatsApp number"
          hintId="phone-hint"
          hint="International format with the country code, e.g. +971 50 123 4567. Spaces and dashes are fine."
          autoFocus={focus === "phoneE164"}
          inputProps={{ autoComplete: "tel" }}
        />
        <TextareaField
          field={fields.messageTemplate}
          label="Message template"
          hintId="template-hint"
          hint={
            <>
              Up to {TEMPLATE_MAX_LENGTH} characters. Use {"{date}"} and {"{time}"} where the chosen slot goes ({"{time}"} names your time
              zone, and the client&apos;s if they chose another), and {"{ref}"} for the short reference of the request (it shows up on your
              Requests page).
            </>
          }
          autoFocus={focus === "messageTemplate"}
        />

        <TextareaField
          field={fields.messageTemplateAr}
          label="Arabic version of the message"
          hintId="template-ar-hint"
          hint={
            <>
              Sent from the Arabic page{arabic ? "" : " (your page is English only: see Language and clock)"}. Leave empty for the default:{" "}
              <span lang="ar" dir="rtl">
                {DEFAULT_WHATSAPP_TEMPLATES.ar}
              </span>
            </>
          }
          autoFocus={focus === "messageTemplateAr"}
          textareaProps={{ lang: "ar", dir: "rtl" }}
        />

        <h2>Preview</h2>
        <p className="preview" aria-live="polite" data-testid="message-preview">
          {message}
        </p>
        {arabic ? (
          <p className="preview" lang="ar" dir="rtl" data-testid="message-preview-ar">
            {messageAr}
          </p>
        ) : null}
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
