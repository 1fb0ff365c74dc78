/**
 * Property tests: the engine against the slow reference (tests/support/availability-reference.ts)
 * over random weeks (split, overnight, overlapping ranges), overrides, rules, busy sets, zones with
 * and without DST, and `now` near DST changes. Seeded, so a failure replays; fast-check shrinks it
 * to a small counterexample.
 */
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  computeAvailability,
  type DaySlots,
  type HoursInput,
  type OverrideInput,
  type RulesInput,
} from "~/modules/booking-page/availability";
import type { BusyInterval } from "~/modules/calendar/ical-busy";
import { referenceAvailability } from "../support/availability-reference";

const MIN = 60_000;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const SEED = Number(process.env.PROPERTY_SEED ?? 20260309);

// Each zone with the moments of its 2026 DST changes (a few days after `now`, so the horizon
// crosses them): both hemispheres, 30-minute shifts (Lord Howe), a midnight that does not exist
// (Santiago), odd offsets (Chatham, St John's, Kathmandu) and zones without DST.
const ZONE_ANCHORS: [string, string][] = [
  ["Europe/Berlin", "2026-03-29T01:00:00Z"],
  ["Europe/Berlin", "2026-10-25T01:00:00Z"],
  ["America/New_York", "2026-03-08T07:00:00Z"],
  ["America/New_York", "2026-11-01T06:00:00Z"],
  ["America/Santiago", "2026-04-05T03:00:00Z"],
  ["America/Santiago", "2026-09-06T04:00:00Z"],
  ["Australia/Lord_Howe", "2026-04-04T15:00:00Z"],
  ["Australia/Lord_Howe", "2026-10-03T15:30:00Z"],
  ["Australia/Sydney", "2026-04-04T16:00:00Z"],
  ["Australia/Sydney", "2026-10-03T16:00:00Z"],
  ["Pacific/Chatham", "2026-04-04T14:00:00Z"],
  ["Pacific/Chatham", "2026-09-26T14:00:00Z"],
  ["America/St_Johns", "2026-03-08T05:30:00Z"],
  ["America/St_Johns", "2026-11-01T04:30:00Z"],
  ["Asia/Kathmandu", "2026-06-15T08:00:00Z"],
  ["Asia/Dubai", "2026-03-15T08:00:00Z"],
  ["UTC", "2026-12-31T20:00:00Z"],
];

const hhmm = fc
  .integer({ min: 0, max: 1439 })
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
// Times on a 5-minute grid are what providers type; free minutes catch off-grid arithmetic.
const time = fc.oneof(
  hhmm,
  fc
    .integer({ min: 0, max: 287 })
    .map((k) => `${String(Math.floor((k * 5) / 60)).padStart(2, "0")}:${String((k * 5) % 60).padStart(2, "0")}`),
);
const range = fc.record({ start: time, end: time });
const dayRanges = fc.array(range, { maxLength: 3 });

const weeklyHours = fc.record({
  kind: fc.constant("weekly" as const),
  weekly: fc.record({ "1": dayRanges, "2": dayRanges, "3": dayRanges, "4": dayRanges, "5": dayRanges, "6": dayRanges, "7": dayRanges }),
});
const legacyHours = fc
  .record({
    kind: fc.constant("legacy" as const),
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 7 }),
    a: fc.integer({ min: 0, max: 1439 }),
    b: fc.integer({ min: 0, max: 1439 }),
  })
  .filter((h) => h.a !== h.b);

const rules: fc.Arbitrary<RulesInput> = fc.record(
  {
    slotMinutes: fc.oneof(fc.constantFrom(15, 30, 45, 60, 90), fc.integer({ min: 5, max: 240 })),
    stepMinutes: fc.oneof(fc.constantFrom(5, 15, 30, 60), fc.integer({ min: 5, max: 240 })),
    bufferMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 90 })),
    minNoticeHours: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 48 })),
    horizonDays: fc.integer({ min: 0, max: 5 }),
  },
  { requiredKeys: ["slotMinutes", "bufferMinutes", "minNoticeHours", "horizonDays"] },
);

const scenario = fc
  .record({
    zoneAnchor: fc.constantFrom(...ZONE_ANCHORS),
    shiftMinutes: fc.integer({ min: -3 * 1440, max: 1440 }),
    hours: fc.oneof(weeklyHours, legacyHours),
    rules,
    overrides: fc.array(
      fc.record({
        fromDay: fc.integer({ min: -3, max: 8 }),
        days: fc.integer({ min: 0, max: 3 }),
        ranges: fc.array(range, { maxLength: 2 }),
      }),
      { maxLength: 3 },
    ),
    busy: fc.array(fc.record({ atMinute: fc.integer({ min: -1440, max: 8 * 1440 }), minutes: fc.integer({ min: 0, max: 300 }) }), {
      maxLength: 25,
    }),
  })
  .map((s) => {
    const [zone, anchor] = s.zoneAnchor;
    const now = Date.parse(anchor) + s.shiftMinutes * MIN;
    const today = DateTime.fromMillis(now, { zone }).startOf("day");
    const workingHours: HoursInput =
      s.hours.kind === "weekly"
        ? { timezone: zone, days: [], start: "09:00", end: "17:00", weekly: s.hours.weekly }
        : {
            timezone: zone,
            days: s.hours.days,
            start: toHHMM(Math.min(s.hours.a, s.hours.b)),
            end: toHHMM(Math.max(s.hours.a, s.hours.b)),
          };
    const dateOverrides: OverrideInput[] = s.overrides.map((o) => ({
      from: today.plus({ days: o.fromDay }).toISODate()!,
      to: today.plus({ days: o.fromDay + o.days }).toISODate()!,
      ranges: o.ranges,
    }));
    const busy: BusyInterval[] = s.busy.map((b) => {
      const start = Math.floor(now / MIN) * MIN + b.atMinute * MIN;
      return { start, end: start + b.minutes * MIN };
    });
    return { workingHours, rules: s.rules, now, dateOverrides, busy };
  });

function toHHMM(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

const flat = (days: DaySlots[]) => days.flatMap((d) => d.slots);

describe(`availability engine properties (${RUNS} runs each, seed ${SEED})`, { timeout: 60_000 }, () => {
  it("equals the slow reference implementation", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        expect(computeAvailability(input)).toEqual(referenceAvailability(input));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("offers only slots inside notice and horizon, away from busy time, labelled in the zone, in order, once each", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { rules: r, now, busy, workingHours } = input;
        const zone = workingHours.timezone;
        const horizonEnd = DateTime.fromMillis(now, { zone }).plus({ days: r.horizonDays }).toMillis();
        const buffer = r.bufferMinutes * MIN;
        const earliest = now + r.minNoticeHours * 3_600_000;
        let prev = -Infinity;
        // Plain checks collected into one assertion: expect() per slot would dominate the run time.
        const problems: string[] = [];
        for (const day of computeAvailability(input)) {
          if (day.slots.length === 0) problems.push(`empty day ${day.date}`);
          for (const slot of day.slots) {
            const local = DateTime.fromMillis(slot.startMs, { zone });
            const label = `${local.toISODate()} ${local.toFormat("HH:mm")}`;
            if (slot.startMs <= prev) problems.push(`out of order ${label}`);
            prev = slot.startMs;
            if (slot.endMs - slot.startMs !== r.slotMinutes * MIN) problems.push(`length ${label}`);
            if (slot.startMs < earliest || slot.startMs >= horizonEnd) problems.push(`outside notice/horizon ${label}`);
            if (`${day.date} ${slot.time}` !== label) problems.push(`label ${day.date} ${slot.time} is ${label}`);
            for (const b of busy) {
              if (b.end + buffer > b.start - buffer && b.start - buffer < slot.endMs && slot.startMs < b.end + buffer)
                problems.push(`busy ${label}`);
            }
          }
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: RUNS * 2, seed: SEED + 1 },
    );
  });

  it("never gains a slot from more busy time", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.record({ atMinute: fc.integer({ min: 0, max: 7 * 1440 }), minutes: fc.integer({ min: 1, max: 600 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        (input, extra) => {
          const more = [
            ...input.busy,
            ...extra.map((b) => ({ start: input.now + b.atMinute * MIN, end: input.now + (b.atMinute + b.minutes) * MIN })),
          ];
          const before = new Set(flat(computeAvailability(input)).map((s) => s.startMs));
          for (const slot of flat(computeAvailability({ ...input, busy: more }))) expect(before.has(slot.startMs)).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  it("reads the seed's days x start-end exactly like the same hours written as `weekly`", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const wh = input.workingHours;
        if (wh.weekly) return;
        const weekly = Object.fromEntries(
          ["1", "2", "3", "4", "5", "6", "7"].map((k) => [k, wh.days.includes(Number(k)) ? [{ start: wh.start, end: wh.end }] : []]),
        );
        expect(computeAvailability({ ...input, workingHours: { ...wh, weekly } })).toEqual(computeAvailability(input));
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });

  it("ignores overrides that ended before yesterday", () => {
    fc.assert(
      fc.property(scenario, fc.array(dayRanges, { minLength: 1, maxLength: 3 }), (input, rangesList) => {
        const today = DateTime.fromMillis(input.now, { zone: input.workingHours.timezone }).startOf("day");
        const past = rangesList.map((ranges, i) => ({
          from: today.minus({ days: 30 + i * 3 }).toISODate()!,
          to: today.minus({ days: 2 + i * 3 }).toISODate()!,
          ranges,
        }));
        const input2 = { ...input, dateOverrides: [...past.slice(0, 1), ...input.dateOverrides] };
        expect(computeAvailability(input2)).toEqual(computeAvailability(input));
      }),
      { numRuns: RUNS, seed: SEED + 4 },
    );
  });
});
