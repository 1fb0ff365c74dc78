import { getFormProps } from "@conform-to/react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, firstErrorField, FormErrors, SavedBanner, SubmitButton, useZodForm } from "~/components/form";
import { privateHeaders } from "~/server/http";
import { BOOKING_LIMITS, bookingSchema } from "~/modules/settings/schemas";
import { loadSection } from "~/modules/settings/provider-context.server";
import { sectionVersion } from "~/modules/settings/version";
import { saveSectionAction } from "~/modules/settings/section-save.server";

export const headers = privateHeaders;
export const meta: MetaFunction = () => [{ title: "Booking rules · Settings · Slotline" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { ctx, provider: p, version } = await loadSection(request, "booking");
  const b = p.settings.booking;
  return json(
    {
      values: {
        slotMinutes: String(b.slotMinutes),
        bufferMinutes: String(b.bufferMinutes),
        minNoticeHours: String(b.minNoticeHours),
        horizonDays: String(b.horizonDays),
        stepMinutes: b.stepMinutes === undefined ? "" : String(b.stepMinutes),
        version: version,
      },
      // Nothing stored: the suggested rules are shown (and already apply) until saved.
      suggested: version === sectionVersion(null),
    },
    { headers: ctx.headers },
  );
}

export function action({ request }: ActionFunctionArgs) {
  return saveSectionAction(request, "booking", bookingSchema, "/settings/booking");
}

const FIELDS = [
  { name: "slotMinutes", label: "Appointment length (minutes)", hint: "How long one appointment lasts." },
  {
    name: "stepMinutes",
    label: "Start a slot every (minutes)",
    hint: "E.g. 60-minute sessions that can start every 30 minutes. Leave empty to use the appointment length.",
  },
  { name: "bufferMinutes", label: "Buffer between appointments (minutes)", hint: "Free time kept before and after each busy event." },
  { name: "minNoticeHours", label: "Minimum notice (hours)", hint: "How soon from now a client can book." },
  { name: "horizonDays", label: "Booking horizon (days)", hint: "How far ahead clients can book." },
] as const;

export default function BookingSettings() {
  const { values, suggested } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useZodForm(bookingSchema, { id: `booking-${values.version}`, lastResult, defaultValue: values });
  const focus = firstErrorField(
    lastResult?.error,
    FIELDS.map((f) => f.name),
  );
  return (
    <section className="card" aria-labelledby="booking-heading">
      <h1 id="booking-heading">Booking rules</h1>
      <SavedBanner show={searchParams.has("saved") && !lastResult && form.valid} />
      {suggested ? (
        <p className="banner warn" role="status">
          Suggested rules, already in use until you change them. Keep them with one click on “Save booking rules”, or change them first.
        </p>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="version" value={values.version} />
        {FIELDS.map((f) => {
          const field = fields[f.name];
          const limits = BOOKING_LIMITS[f.name];
          return (
            <div key={f.name}>
              <Field
                field={field}
                type="number"
                label={f.label}
                hintId={`${f.name}-hint`}
                hint={`${f.hint} ${limits.min} to ${limits.max}.`}
                autoFocus={focus === f.name}
                inputProps={{ inputMode: "numeric", step: 1 }}
              />
            </div>
          );
        })}
        <SubmitButton pendingText="Saving…">Save booking rules</SubmitButton>
      </Form>
    </section>
  );
}
