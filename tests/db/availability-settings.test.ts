/**
 * Issue 9's settings contract, read back as stored JSON after saves through the same schemas and
 * save path the forms use: `workingHours.weekly` is the truth and the seed's keys are derived from
 * it, `dateOverrides` is a sorted list, `booking.stepMinutes` and `calendar.allDayEvents` sit in
 * their sections, and the two calendar forms do not wipe each other's field.
 */
import { parseWithZod } from "@conform-to/zod/v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { saveSection, rawSection } from "~/modules/settings/providers.server";
import { allDayEventsSchema, bookingSchema, dateOverridesFormSchema, workingHoursSchema } from "~/modules/settings/schemas";
import { readSettings } from "~/modules/settings/stored";
import { sectionVersion } from "~/modules/settings/version";
import { withUser, type Database } from "~/server/db.server";
import { backend, createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await migratedDatabase()));
afterAll(() => drop());

function form(entries: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(entries)) data.append(k, v);
  return data;
}

function parse<S extends z.ZodType>(schema: S, entries: Record<string, string>): z.output<S> {
  const submission = parseWithZod(form(entries), { schema });
  if (submission.status !== "success") throw new Error(JSON.stringify(submission.error));
  return submission.value as z.output<S>;
}

async function settingsJson(user: string): Promise<Record<string, unknown>> {
  // Through text, so what is checked is the JSON exactly as another reader would get it.
  const [row] = await db.query<{ json: string; timezone: string }>(
    "select settings::text as json, timezone from public.providers where owner_user_id = $1",
    [user],
  );
  return { ...(JSON.parse(row.json) as Record<string, unknown>), _column_timezone: row.timezone };
}

const save = <K extends Parameters<typeof saveSection>[2]>(
  user: string,
  key: K,
  value: Parameters<typeof saveSection<K>>[3],
  version?: string,
) => withUser(db, user, (tx) => saveSection(tx, user, key, value, version));

describe(`availability settings as stored (${backend})`, () => {
  it("workingHours: weekly is the truth; days, start and end are derived from it; zone typed as a city", async () => {
    const user = await createUser(db);
    const { version: _v, ...value } = parse(workingHoursSchema, {
      timezone: "Dubai",
      "weekly.1[0].start": "17:00",
      "weekly.1[0].end": "21:00",
      "weekly.1[1].start": "06:00",
      "weekly.1[1].end": "10:00",
      "weekly.5[0].start": "20:00",
      "weekly.5[0].end": "01:00",
      "weekly.7[0].start": "9:00",
      "weekly.7[0].end": "12:00",
    });
    expect(await save(user, "workingHours", value)).toEqual({ ok: true });
    const stored = await settingsJson(user);
    expect(stored.workingHours).toEqual({
      timezone: "Asia/Dubai",
      days: [1, 5, 7],
      start: "06:00",
      end: "10:00",
      weekly: {
        "1": [
          { start: "06:00", end: "10:00" },
          { start: "17:00", end: "21:00" },
        ],
        "2": [],
        "3": [],
        "4": [],
        "5": [{ start: "20:00", end: "01:00" }],
        "6": [],
        "7": [{ start: "09:00", end: "12:00" }],
      },
    });
    expect(stored._column_timezone).toBe("Asia/Dubai");

    // A reader that knows only the seed's keys sees valid hours (start before end) on the days
    // that have hours, and the first range of the first day.
    const wh = stored.workingHours as { days: number[]; start: string; end: string; weekly: Record<string, { start: string }[]> };
    expect(wh.start < wh.end).toBe(true);
    for (const day of wh.days) expect(wh.weekly[String(day)].length).toBeGreaterThan(0);
    expect(Object.keys(wh.weekly).sort()).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    // And our own reader gets back exactly what was stored.
    expect(readSettings(JSON.parse(JSON.stringify(stored))).workingHours).toEqual(stored.workingHours);
  });

  it("workingHours: an overnight first range keeps the seed's keys valid (end cut at 23:59)", async () => {
    const user = await createUser(db);
    const { version: _v, ...value } = parse(workingHoursSchema, {
      timezone: "Asia/Dubai",
      "weekly.4[0].start": "20:30",
      "weekly.4[0].end": "01:30",
    });
    await save(user, "workingHours", value);
    expect((await settingsJson(user)).workingHours).toMatchObject({
      days: [4],
      start: "20:30",
      end: "23:59",
      weekly: { "4": [{ start: "20:30", end: "01:30" }] },
    });
  });

  it("dateOverrides: a list of {from, to, ranges, note}, sorted, one key, saved with its version token", async () => {
    const user = await createUser(db);
    const { dateOverrides } = parse(dateOverridesFormSchema, {
      "overrides[0].from": "2027-04-05",
      "overrides[0].to": "2027-04-11",
      "overrides[0].kind": "off",
      "overrides[0].note": "Holiday",
      "overrides[1].from": "2027-02-08",
      "overrides[1].to": "2027-03-09",
      "overrides[1].kind": "hours",
      "overrides[1].ranges[0].start": "20:30",
      "overrides[1].ranges[0].end": "01:30",
      "overrides[1].ranges[1].start": "10:00",
      "overrides[1].ranges[1].end": "12:00",
    });
    expect(await save(user, "dateOverrides", dateOverrides, sectionVersion(null))).toEqual({ ok: true });
    const stored = await settingsJson(user);
    expect(stored.dateOverrides).toEqual([
      {
        from: "2027-02-08",
        to: "2027-03-09",
        ranges: [
          { start: "10:00", end: "12:00" },
          { start: "20:30", end: "01:30" },
        ],
        note: "",
      },
      { from: "2027-04-05", to: "2027-04-11", ranges: [], note: "Holiday" },
    ]);
    // A second save from the version the first form saw is refused (positive control above).
    const raw = await withUser(db, user, (tx) => rawSection(tx, user, "dateOverrides"));
    expect(await save(user, "dateOverrides", [], sectionVersion(null))).toEqual({ ok: false, reason: "stale" });
    expect(await save(user, "dateOverrides", [], sectionVersion(raw))).toEqual({ ok: true });
    expect((await settingsJson(user)).dateOverrides).toEqual([]);
  });

  it("booking.stepMinutes is stored when set and absent when left empty", async () => {
    const user = await createUser(db);
    const base = { slotMinutes: "60", bufferMinutes: "0", minNoticeHours: "0", horizonDays: "14" };
    const { version: _a, ...withStep } = parse(bookingSchema, { ...base, stepMinutes: "30" });
    await save(user, "booking", withStep);
    expect((await settingsJson(user)).booking).toEqual({
      slotMinutes: 60,
      bufferMinutes: 0,
      minNoticeHours: 0,
      horizonDays: 14,
      stepMinutes: 30,
    });
    const { version: _b, ...noStep } = parse(bookingSchema, { ...base, stepMinutes: "" });
    await save(user, "booking", noStep);
    expect((await settingsJson(user)).booking).toEqual({ slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 0, horizonDays: 14 });
  });

  it("calendar.allDayEvents and the calendar selection share the key without wiping each other", async () => {
    const user = await createUser(db);
    const url = "https://caldav.example.com/cal/work/";
    await save(user, "calendar", { selectedCalendarIds: [url] });
    const { allDayEvents } = parse(allDayEventsSchema, { allDayEvents: "as-marked" });
    await save(user, "calendar", { allDayEvents });
    expect((await settingsJson(user)).calendar).toEqual({ selectedCalendarIds: [url], allDayEvents: "as-marked" });
    await save(user, "calendar", { selectedCalendarIds: [] });
    expect((await settingsJson(user)).calendar).toEqual({ selectedCalendarIds: [], allDayEvents: "as-marked" });
    // Absent means "busy" to readers.
    const other = await createUser(db);
    await save(other, "calendar", { selectedCalendarIds: [url] });
    expect(readSettings((await settingsJson(other)) as unknown).calendar.allDayEvents).toBe("busy");
  });

  it("a damaged calendar section (not an object) is replaced, not merged into", async () => {
    const user = await createUser(db);
    await db.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
      user,
      JSON.stringify({ calendar: "broken" }),
    ]);
    await save(user, "calendar", { allDayEvents: "busy" });
    expect((await settingsJson(user)).calendar).toEqual({ allDayEvents: "busy" });
  });
});
