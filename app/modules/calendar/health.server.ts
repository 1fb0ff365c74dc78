import type { Queryable } from "~/server/db.server";

/** A selected calendar's health as the provider sees it on /settings/calendar (RLS: own rows only). */
export type CalendarHealth = {
  calendarId: string;
  lastAttemptAt: string;
  lastSuccessAt: string | null;
  failureReason: string | null;
  failureEvent: string | null;
  warningsCount: number;
  warnings: string[];
};

export async function listCalendarHealth(tx: Queryable, userId: string): Promise<CalendarHealth[]> {
  const rows = await tx.query<{
    calendar_id: string;
    last_attempt_at: Date;
    last_success_at: Date | null;
    failure_reason: string | null;
    failure_event: string | null;
    warnings_count: number;
    warnings: unknown;
  }>(
    `select calendar_id, last_attempt_at, last_success_at, failure_reason, failure_event, warnings_count, warnings
     from public.calendar_health where user_id = $1`,
    [userId],
  );
  return rows.map((r) => ({
    calendarId: r.calendar_id,
    lastAttemptAt: new Date(r.last_attempt_at).toISOString(),
    lastSuccessAt: r.last_success_at ? new Date(r.last_success_at).toISOString() : null,
    failureReason: r.failure_reason,
    failureEvent: r.failure_event,
    warningsCount: r.warnings_count,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === "string") : [],
  }));
}
