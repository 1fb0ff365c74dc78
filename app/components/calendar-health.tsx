import { getFormProps, getInputProps, type SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { FieldErrors, FormErrors, SubmitButton, useZodForm } from "~/components/form";
import { connectFeedSchema } from "~/modules/calendar/schemas";

/** One selected calendar's health, as the settings loader serialises it. */
export type CalendarHealthRow = {
  calendarId: string;
  name: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  failureReason: string | null;
  failureEvent: string | null;
  warningsCount: number;
  warnings: string[];
};

function when(iso: string | null): string {
  if (!iso) return "never";
  return `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Per selected calendar: the last successful read and, for a calendar that fails (and so keeps the
 * page closed), the reason and the event to fix or delete; warnings with their count.
 */
export function CalendarHealthBlock({ rows }: { rows: CalendarHealthRow[] }) {
  if (rows.length === 0) return null;
  return (
    <section className="card" aria-labelledby="calendar-health-heading" data-testid="calendar-health">
      <h2 id="calendar-health-heading">Calendar health</h2>
      <p className="hint">
        A calendar that cannot be read keeps your page from showing free times, so that nobody books over an event we could not see.
      </p>
      <ul>
        {rows.map((r) => (
          <li key={r.calendarId} data-testid="calendar-health-row">
            <strong>{r.name}</strong>:{" "}
            {r.lastAttemptAt === null ? (
              <span>not read yet (it is read when your page is visited, or with “Check now”).</span>
            ) : r.failureReason ? (
              <span className="health-failure">
                cannot be read: {r.failureReason}
                {r.failureEvent ? (
                  <>
                    {" "}
                    Fix or delete the event <strong data-testid="broken-event">{r.failureEvent}</strong> in your calendar.
                  </>
                ) : null}{" "}
                Last successful read: {when(r.lastSuccessAt)}.
              </span>
            ) : (
              <span>read fine, last at {when(r.lastSuccessAt)}.</span>
            )}
            {r.warningsCount > 0 ? (
              <details>
                <summary>
                  {r.warningsCount} {r.warningsCount === 1 ? "warning" : "warnings"} (read with a best guess, nothing was dropped)
                </summary>
                <ul>
                  {r.warnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      <Form method="post">
        <input type="hidden" name="intent" value="check-calendars" />
        <SubmitButton pendingText="Checking…" intent="check-calendars">
          Check now
        </SubmitButton>
      </Form>
    </section>
  );
}

export type FeedRow = { id: string; name: string; hint: string };

/** ICS subscription feeds: the list (masked addresses only) and the form to add one; plain POST. */
export function IcsFeedsBlock({ feeds, lastResult }: { feeds: FeedRow[]; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useZodForm(connectFeedSchema, { id: "connect-feed", lastResult });
  return (
    <details className="card" open={!!lastResult || feeds.length > 0 || undefined} data-testid="ics-feeds">
      <summary>
        <strong>Calendar feed (ICS)</strong> (Google “secret address in iCal format”, Outlook published calendar, webcal://)
      </summary>
      {feeds.length > 0 ? (
        <ul>
          {feeds.map((f) => (
            <li key={f.id} data-testid="ics-feed">
              <strong>{f.name}</strong> <small>({f.hint})</small>
              <Form method="post" style={{ display: "inline" }}>
                <input type="hidden" name="intent" value="remove-feed" />
                <input type="hidden" name="feedId" value={f.id} />
                <SubmitButton className="danger" pendingText="Removing…" intent="remove-feed">
                  Remove {f.name}
                </SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="connect-feed" />
        <FormErrors id={form.errorId} errors={form.errors} showStale={false} />
        <p className="hint" id="feed-help">
          The address is secret: anyone who has it can read the calendar. It is stored encrypted and never shown again in full.
        </p>
        <label htmlFor={fields.feedUrl.id}>Secret calendar address</label>
        <input
          {...getInputProps(fields.feedUrl, { type: "text", ariaDescribedBy: "feed-help" })}
          inputMode="url"
          autoComplete="off"
          placeholder="https://calendar.google.com/calendar/ical/…/basic.ics"
        />
        <FieldErrors field={fields.feedUrl} />
        <label htmlFor={fields.feedName.id}>Name (optional)</label>
        <input {...getInputProps(fields.feedName, { type: "text" })} />
        <FieldErrors field={fields.feedName} />
        <SubmitButton pendingText="Reading the calendar…" intent="connect-feed">
          Add calendar feed
        </SubmitButton>
      </Form>
    </details>
  );
}
