import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { availabilityWindow, computeAvailability, type DaySlots, type HoursInput } from "~/modules/booking-page/availability";
import { extractBusy, type BusyInterval } from "~/modules/calendar/ical-busy";
import { DEFAULT_BOOKING as DEFAULT_BOOKING_RULES, type Booking as BookingRules, type WorkingHours } from "~/modules/settings/schemas";

const BERLIN = "Europe/Berlin";
const MIN = 60_000;

/** Local wall-clock ISO (no offset) in `zone` -> epoch ms; refuses DST-gap times so tests never rely on silent shifts. */
function at(iso: string, zone = BERLIN): number {
  const dt = DateTime.fromISO(iso, { zone });
  if (!dt.isValid || dt.toFormat("yyyy-MM-dd'T'HH:mm") !== iso.slice(0, 16)) throw new Error(`bad test time ${iso}`);
  return dt.toMillis();
}
const utc = (iso: string): number => Date.parse(iso);

const hours = (over: Partial<WorkingHours> = {}): WorkingHours => ({
  timezone: BERLIN,
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "12:00",
  ...over,
});
const rules = (over: Partial<BookingRules> = {}): BookingRules => ({
  slotMinutes: 60,
  bufferMinutes: 0,
  minNoticeHours: 0,
  horizonDays: 1,
  ...over,
});

/** Runs the engine and checks invariants every result must satisfy, so each test also guards structure. */
function run(input: { workingHours: HoursInput; rules: BookingRules; busy?: BusyInterval[]; now: number }): DaySlots[] {
  const result = computeAvailability({ busy: [], ...input });
  const zone = input.workingHours.timezone;
  let prev = -Infinity;
  for (const day of result) {
    expect(day.slots.length).toBeGreaterThan(0);
    for (const slot of day.slots) {
      expect(slot.endMs - slot.startMs).toBe(input.rules.slotMinutes * MIN);
      expect(slot.startMs).toBeGreaterThanOrEqual(prev);
      // Without a step, slots follow each other; with a shorter step they may overlap but never repeat.
      prev = input.rules.stepMinutes === undefined ? slot.endMs : slot.startMs + 1;
      // The label must be luxon's own rendering of the instant, in the provider's zone.
      const local = DateTime.fromMillis(slot.startMs, { zone });
      expect(`${slot.date} ${slot.time}`).toBe(local.toFormat("yyyy-MM-dd HH:mm"));
      expect(slot.date).toBe(day.date);
    }
  }
  return result;
}
const labels = (days: DaySlots[]): string[] => days.flatMap((d) => d.slots.map((s) => `${s.date} ${s.time}`));
const starts = (days: DaySlots[]): number[] => days.flatMap((d) => d.slots.map((s) => s.startMs));

// 2026-06-01 is a Monday (CEST, UTC+2).
const MON = "2026-06-01";
const TUE = "2026-06-02";
const WED = "2026-06-03";
const THU = "2026-06-04";

describe("working hours and slot grid", () => {
  it("produces exact slots for one working day with exact instants", () => {
    const result = run({ workingHours: hours(), rules: rules(), now: at(`${MON}T08:00`) });
    expect(result).toEqual([
      {
        date: MON,
        slots: [
          { startMs: utc(`${MON}T07:00:00Z`), endMs: utc(`${MON}T08:00:00Z`), date: MON, time: "09:00" },
          { startMs: utc(`${MON}T08:00:00Z`), endMs: utc(`${MON}T09:00:00Z`), date: MON, time: "10:00" },
          { startMs: utc(`${MON}T09:00:00Z`), endMs: utc(`${MON}T10:00:00Z`), date: MON, time: "11:00" },
        ],
      },
    ]);
  });

  it("accepts a slot ending exactly at the end time and refuses one that would run past it", () => {
    const now = at(`${MON}T06:00`);
    expect(labels(run({ workingHours: hours({ end: "12:00" }), rules: rules(), now }))).toEqual([
      `${MON} 09:00`,
      `${MON} 10:00`,
      `${MON} 11:00`,
    ]);
    expect(labels(run({ workingHours: hours({ end: "11:59" }), rules: rules(), now }))).toEqual([`${MON} 09:00`, `${MON} 10:00`]);
  });

  it("steps from the day's start time, not from the hour", () => {
    const result = run({
      workingHours: hours({ start: "09:15", end: "11:30" }),
      rules: rules({ slotMinutes: 45 }),
      now: at(`${MON}T06:00`),
    });
    expect(labels(result)).toEqual([`${MON} 09:15`, `${MON} 10:00`, `${MON} 10:45`]);
  });

  it("produces 30-minute slots across a full 09:00-17:00 day", () => {
    const result = run({
      workingHours: hours({ end: "17:00" }),
      rules: rules({ slotMinutes: 30 }),
      now: at(`${MON}T00:00`),
    });
    expect(result.map((d) => d.date)).toEqual([MON]);
    expect(result[0].slots.map((s) => s.time)).toEqual([
      "09:00",
      "09:30",
      "10:00",
      "10:30",
      "11:00",
      "11:30",
      "12:00",
      "12:30",
      "13:00",
      "13:30",
      "14:00",
      "14:30",
      "15:00",
      "15:30",
      "16:00",
      "16:30",
    ]);
  });

  it("skips non-working days and includes Sunday only when day 7 is listed", () => {
    // Friday 2026-06-05 12:00 through Monday 2026-06-08 12:00.
    const now = at("2026-06-05T12:00");
    const weekdays = run({ workingHours: hours(), rules: rules({ horizonDays: 3 }), now });
    expect(labels(weekdays)).toEqual(["2026-06-08 09:00", "2026-06-08 10:00", "2026-06-08 11:00"]);
    const withSunday = run({ workingHours: hours({ days: [7, 1] }), rules: rules({ horizonDays: 3 }), now });
    expect(withSunday.map((d) => d.date)).toEqual(["2026-06-07", "2026-06-08"]);
  });

  it("omits the first day once its working hours are over and returns [] when no day is working", () => {
    const late = run({ workingHours: hours(), rules: rules(), now: at(`${MON}T12:00`) });
    expect(labels(late)).toEqual([`${TUE} 09:00`, `${TUE} 10:00`, `${TUE} 11:00`]);
    expect(run({ workingHours: hours({ days: [] }), rules: rules({ horizonDays: 30 }), now: at(`${MON}T00:00`) })).toEqual([]);
  });

  it("groups several days in ascending date order", () => {
    const result = run({ workingHours: hours({ end: "10:00" }), rules: rules({ horizonDays: 3 }), now: at(`${MON}T08:00`) });
    expect(result.map((d) => d.date)).toEqual([MON, TUE, WED]);
    expect(labels(result)).toEqual([`${MON} 09:00`, `${TUE} 09:00`, `${WED} 09:00`]);
  });
});

describe("minimum notice", () => {
  it("accepts a slot starting exactly at now + notice and refuses the one before", () => {
    const result = run({ workingHours: hours(), rules: rules({ minNoticeHours: 2 }), now: at(`${MON}T08:00`) });
    expect(labels(result)).toEqual([`${MON} 10:00`, `${MON} 11:00`]);
  });

  it("refuses a slot one millisecond short of the notice and keeps the grid aligned", () => {
    const result = run({
      workingHours: hours(),
      rules: rules({ minNoticeHours: 2 }),
      now: at(`${MON}T08:00`) + 1,
    });
    expect(labels(result)).toEqual([`${MON} 11:00`]);
  });

  it("supports fractional hours", () => {
    const result = run({
      workingHours: hours(),
      rules: rules({ minNoticeHours: 1.5, slotMinutes: 30 }),
      now: at(`${MON}T08:00`),
    });
    expect(labels(result)[0]).toBe(`${MON} 09:30`);
  });
});

describe("horizon (slot must start before now + horizonDays calendar days)", () => {
  it("accepts a slot starting just before the horizon end and refuses one starting at it", () => {
    const result = run({
      workingHours: hours(),
      rules: rules({ slotMinutes: 30, horizonDays: 1 }),
      now: at(`${MON}T10:30`),
    });
    expect(labels(result)).toEqual([`${MON} 10:30`, `${MON} 11:00`, `${MON} 11:30`, `${TUE} 09:00`, `${TUE} 09:30`, `${TUE} 10:00`]);
  });

  it("counts calendar days in the provider's zone across a DST change (23-hour day)", () => {
    // Sat 2026-03-28 10:00 CET + 1 day = Sun 2026-03-29 10:00 CEST, only 23 real hours later.
    // A 24-hour horizon would wrongly admit 10:00 and 10:30 on Sunday.
    const result = run({
      workingHours: hours({ days: [7], end: "12:00" }),
      rules: rules({ slotMinutes: 30, horizonDays: 1 }),
      now: at("2026-03-28T10:00"),
    });
    expect(labels(result)).toEqual(["2026-03-29 09:00", "2026-03-29 09:30"]);
  });

  it("returns nothing for horizonDays 0", () => {
    expect(run({ workingHours: hours(), rules: rules({ horizonDays: 0 }), now: at(`${MON}T06:00`) })).toEqual([]);
  });
});

describe("busy intervals and buffers", () => {
  const now = at(`${MON}T06:00`);

  it("refuses overlapping slots and accepts slots that only touch a busy interval", () => {
    const busy = [{ start: at(`${MON}T10:00`), end: at(`${MON}T11:00`) }];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy, now }))).toEqual([`${MON} 09:00`, `${MON} 11:00`]);
  });

  it("refuses a slot partially covered by a short event, by one millisecond on either side", () => {
    const busyEnd = [{ start: at(`${MON}T08:00`), end: at(`${MON}T09:00`) + 1 }];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy: busyEnd, now }))).toEqual([`${MON} 10:00`, `${MON} 11:00`]);
    const busyStart = [{ start: at(`${MON}T12:00`) - 1, end: at(`${MON}T13:00`) }];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy: busyStart, now }))).toEqual([`${MON} 09:00`, `${MON} 10:00`]);
  });

  it("widens busy time by the buffer on both sides", () => {
    const busy = [{ start: at(`${MON}T10:00`), end: at(`${MON}T11:00`) }];
    expect(labels(run({ workingHours: hours(), rules: rules({ bufferMinutes: 15 }), busy, now }))).toEqual([]);
    // Buffer 15 around 10:15-10:45 blocks exactly [10:00, 11:00): neighbours touching it stay free.
    const inner = [{ start: at(`${MON}T10:15`), end: at(`${MON}T10:45`) }];
    expect(labels(run({ workingHours: hours(), rules: rules({ slotMinutes: 30, bufferMinutes: 15 }), busy: inner, now }))).toEqual([
      `${MON} 09:00`,
      `${MON} 09:30`,
      `${MON} 11:00`,
      `${MON} 11:30`,
    ]);
    // One more minute of buffer reaches into both neighbours.
    expect(labels(run({ workingHours: hours(), rules: rules({ slotMinutes: 30, bufferMinutes: 16 }), busy: inner, now }))).toEqual([
      `${MON} 09:00`,
      `${MON} 11:30`,
    ]);
  });

  it("handles unsorted, overlapping and nested busy intervals without mutating the input", () => {
    const busy = [
      { start: at(`${TUE}T11:00`), end: at(`${TUE}T11:30`) },
      { start: at(`${MON}T09:00`), end: at(`${MON}T09:20`) },
      { start: at(`${MON}T09:10`), end: at(`${MON}T10:10`) }, // overlaps the previous one
      { start: at(`${MON}T13:00`), end: at(`${MON}T16:00`) },
      { start: at(`${MON}T13:30`), end: at(`${MON}T13:40`) }, // nested: must not shorten the merged run
      { start: at(`${MON}T11:00`), end: at(`${MON}T11:00`) }, // zero length, no buffer: blocks nothing
    ];
    const snapshot = structuredClone(busy);
    const result = run({
      workingHours: hours({ end: "17:00" }),
      rules: rules({ slotMinutes: 30, horizonDays: 2 }),
      busy,
      now,
    });
    expect(busy).toEqual(snapshot);
    expect(labels(result)).toEqual([
      `${MON} 10:30`,
      `${MON} 11:00`,
      `${MON} 11:30`,
      `${MON} 12:00`,
      `${MON} 12:30`,
      `${MON} 16:00`,
      `${MON} 16:30`,
      `${TUE} 09:00`,
      `${TUE} 09:30`,
      `${TUE} 10:00`,
      `${TUE} 10:30`,
      `${TUE} 11:30`,
      `${TUE} 12:00`,
      `${TUE} 12:30`,
      `${TUE} 13:00`,
      `${TUE} 13:30`,
      `${TUE} 14:00`,
      `${TUE} 14:30`,
      `${TUE} 15:00`,
      `${TUE} 15:30`,
      `${TUE} 16:00`,
      `${TUE} 16:30`,
    ]);
  });

  it("lets a buffer turn a zero-length event into blocking time", () => {
    const busy = [{ start: at(`${MON}T10:30`), end: at(`${MON}T10:30`) }];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy, now }))).toHaveLength(3);
    expect(labels(run({ workingHours: hours(), rules: rules({ bufferMinutes: 1 }), busy, now }))).toEqual([`${MON} 09:00`, `${MON} 11:00`]);
  });

  it("omits a day covered by a full day of busy time", () => {
    const busy = [{ start: at(`${TUE}T00:00`), end: at(`${WED}T00:00`) }];
    const result = run({ workingHours: hours(), rules: rules({ horizonDays: 3 }), busy, now });
    expect(result.map((d) => d.date)).toEqual([MON, WED]);
  });

  it("blocks the next morning for an event spanning midnight", () => {
    const busy = [{ start: at(`${MON}T22:00`), end: at(`${TUE}T09:30`) }];
    const result = run({ workingHours: hours(), rules: rules({ horizonDays: 2 }), busy, now });
    expect(labels(result)).toEqual([`${MON} 09:00`, `${MON} 10:00`, `${MON} 11:00`, `${TUE} 10:00`, `${TUE} 11:00`]);
  });

  it("blocks every day touched by a multi-day event", () => {
    const busy = [{ start: at(`${TUE}T11:00`), end: at(`${THU}T10:00`) }];
    const result = run({ workingHours: hours(), rules: rules({ horizonDays: 4 }), busy, now });
    expect(labels(result)).toEqual([
      `${MON} 09:00`,
      `${MON} 10:00`,
      `${MON} 11:00`,
      `${TUE} 09:00`,
      `${TUE} 10:00`,
      `${THU} 10:00`,
      `${THU} 11:00`,
    ]);
  });

  it("handles busy intervals that start before now or end after the horizon", () => {
    const before = [{ start: at("2026-05-01T00:00"), end: at(`${MON}T10:00`) }];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy: before, now }))).toEqual([`${MON} 10:00`, `${MON} 11:00`]);
    const after = [{ start: at(`${MON}T11:30`), end: at("2027-01-01T00:00") }];
    expect(labels(run({ workingHours: hours(), rules: rules({ horizonDays: 5 }), busy: after, now }))).toEqual([
      `${MON} 09:00`,
      `${MON} 10:00`,
    ]);
    const everything = [{ start: at("2020-01-01T00:00"), end: at("2030-01-01T00:00") }];
    expect(run({ workingHours: hours(), rules: rules({ horizonDays: 14 }), busy: everything, now })).toEqual([]);
    const outside = [
      { start: at("2020-01-01T00:00"), end: at("2020-01-02T00:00") },
      { start: at("2030-01-01T00:00"), end: at("2030-01-02T00:00") },
    ];
    expect(labels(run({ workingHours: hours(), rules: rules(), busy: outside, now }))).toHaveLength(3);
  });

  it("agrees with a brute-force overlap check on random busy data (seeded)", () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const wh = hours({ days: [1, 2, 3, 4, 5, 6], end: "17:00" });
    const r = rules({ slotMinutes: 30, bufferMinutes: 10, horizonDays: 21 });
    const base = at(`${MON}T00:00`);
    const candidates = run({ workingHours: wh, rules: r, now });
    for (let round = 0; round < 20; round++) {
      const busy: BusyInterval[] = Array.from({ length: 40 }, () => {
        const start = base + Math.floor(rand() * 22 * 24 * 60) * MIN;
        return { start, end: start + Math.floor(rand() * 600) * MIN };
      });
      const buf = r.bufferMinutes * MIN;
      const expected = starts(candidates).filter(
        (s) => !busy.some((b) => b.end + buf > b.start - buf && b.start - buf < s + r.slotMinutes * MIN && s < b.end + buf),
      );
      expect(starts(run({ workingHours: wh, rules: r, busy, now }))).toEqual(expected);
    }
  });
});

describe("daylight saving time (Europe/Berlin)", () => {
  const sunday = (over: Partial<WorkingHours> = {}): WorkingHours => hours({ days: [7], ...over });

  it("keeps 09:00-17:00 wall-clock slots on the spring-forward day (CET -> CEST)", () => {
    const result = run({
      workingHours: sunday({ end: "17:00" }),
      rules: rules({ horizonDays: 2 }),
      now: at("2026-03-28T12:00"),
    });
    expect(labels(result)).toEqual(["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"].map((t) => `2026-03-29 ${t}`));
    expect(result[0].slots[0].startMs).toBe(utc("2026-03-29T07:00:00Z"));
    expect(result[0].slots[7].endMs).toBe(utc("2026-03-29T15:00:00Z"));
  });

  it("keeps 09:00-17:00 wall-clock slots on the fall-back day (CEST -> CET)", () => {
    const result = run({
      workingHours: sunday({ end: "17:00" }),
      rules: rules({ horizonDays: 2 }),
      now: at("2026-10-24T12:00"),
    });
    expect(labels(result)).toEqual(["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"].map((t) => `2026-10-25 ${t}`));
    expect(result[0].slots[0].startMs).toBe(utc("2026-10-25T08:00:00Z"));
  });

  it("gives real-duration slots when working hours span the spring-forward gap", () => {
    // 01:00-05:00 local is only 3 real hours on this day; 02:00 does not exist.
    const result = run({ workingHours: sunday({ start: "01:00", end: "05:00" }), rules: rules(), now: at("2026-03-29T00:00") });
    expect(labels(result)).toEqual(["2026-03-29 01:00", "2026-03-29 03:00", "2026-03-29 04:00"]);
    expect(starts(result)).toEqual([utc("2026-03-29T00:00:00Z"), utc("2026-03-29T01:00:00Z"), utc("2026-03-29T02:00:00Z")]);
  });

  it("gives a wall time inside the gap no slot; the grid keeps its wall-clock step (02:30 -> 03:30)", () => {
    const result = run({ workingHours: sunday({ start: "02:30", end: "06:00" }), rules: rules(), now: at("2026-03-29T00:00") });
    expect(labels(result)).toEqual(["2026-03-29 03:30", "2026-03-29 04:30"]);
    expect(result[0].slots[0].startMs).toBe(utc("2026-03-29T01:30:00Z"));
  });

  it("does not double the repeated hour of the fall-back night: each wall time once, at its first occurrence", () => {
    const result = run({
      workingHours: sunday({ start: "01:00", end: "05:00" }),
      rules: rules(),
      now: utc("2026-10-24T21:00:00Z"),
    });
    expect(labels(result)).toEqual(["2026-10-25 01:00", "2026-10-25 02:00", "2026-10-25 03:00", "2026-10-25 04:00"]);
    expect(starts(result)).toEqual([
      utc("2026-10-24T23:00:00Z"),
      utc("2026-10-25T00:00:00Z"), // 02:00 CEST
      utc("2026-10-25T02:00:00Z"), // 03:00 CET
      utc("2026-10-25T03:00:00Z"),
    ]);
    // A busy hour in the first 02:00 (CEST) blocks the 02:00 slot; there is no second one.
    const busy = [{ start: utc("2026-10-25T00:00:00Z"), end: utc("2026-10-25T01:00:00Z") }];
    const blocked = run({ workingHours: sunday({ start: "01:00", end: "05:00" }), rules: rules(), busy, now: utc("2026-10-24T21:00:00Z") });
    expect(labels(blocked)).toEqual(["2026-10-25 01:00", "2026-10-25 03:00", "2026-10-25 04:00"]);
  });

  it("starts an ambiguous wall time at its first occurrence and lets the range run to its end's last one", () => {
    const result = run({
      workingHours: sunday({ start: "02:30", end: "04:00" }),
      rules: rules({ slotMinutes: 30 }),
      now: utc("2026-10-24T21:00:00Z"),
    });
    expect(labels(result)).toEqual(["2026-10-25 02:30", "2026-10-25 03:00", "2026-10-25 03:30"]);
    expect(starts(result)).toEqual([utc("2026-10-25T00:30:00Z"), utc("2026-10-25T02:00:00Z"), utc("2026-10-25T02:30:00Z")]);
    // 00:00-02:30 ends at the second 02:30 (CET), so a 2-hour slot from 00:00 CEST plus the
    // repeated hour still fits: 00:00 CEST + 3 h = 02:00 CET.
    const night = run({
      workingHours: sunday({ start: "00:00", end: "02:30" }),
      rules: rules({ slotMinutes: 180 }),
      now: utc("2026-10-24T21:00:00Z"),
    });
    expect(labels(night)).toEqual(["2026-10-25 00:00"]);
  });

  it("handles a zone whose midnight does not exist (America/Santiago, 2026-09-06)", () => {
    const zone = "America/Santiago";
    const result = run({
      workingHours: { timezone: zone, days: [7], start: "00:00", end: "03:00" },
      rules: rules(),
      now: utc("2026-09-05T12:00:00Z"),
    });
    expect(labels(result)).toEqual(["2026-09-06 01:00", "2026-09-06 02:00"]);
    expect(result[0].slots[0].startMs).toBe(utc("2026-09-06T04:00:00Z"));
  });
});

describe("Asia/Dubai with DEFAULT_BOOKING_RULES", () => {
  it("offers 14 days of Mon-Sat 09:00-17:00 hourly slots with 2 hours notice", () => {
    expect(DEFAULT_BOOKING_RULES).toEqual({ slotMinutes: 60, bufferMinutes: 0, minNoticeHours: 2, horizonDays: 14 });
    const zone = "Asia/Dubai";
    const now = at("2026-02-02T08:00", zone); // Monday, UTC+4 all year
    const result = run({
      workingHours: { timezone: zone, days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:00" },
      rules: DEFAULT_BOOKING_RULES,
      now,
    });
    // Sundays are off; Mon 2026-02-16 starts at 09:00 which is after the horizon end (08:00).
    expect(result.map((d) => d.date)).toEqual([
      "2026-02-02",
      "2026-02-03",
      "2026-02-04",
      "2026-02-05",
      "2026-02-06",
      "2026-02-07",
      "2026-02-09",
      "2026-02-10",
      "2026-02-11",
      "2026-02-12",
      "2026-02-13",
      "2026-02-14",
    ]);
    expect(result[0].slots.map((s) => s.time)).toEqual(["10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]);
    const full = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"];
    for (const day of result.slice(1)) expect(day.slots.map((s) => s.time)).toEqual(full);
    expect(result[0].slots[0].startMs).toBe(utc("2026-02-02T06:00:00Z"));
    expect(starts(result).at(-1)).toBe(utc("2026-02-14T12:00:00Z"));
  });
});

describe("availabilityWindow", () => {
  it("returns [now + notice - buffer, horizon end + slot + buffer)", () => {
    const now = at(`${MON}T08:00`);
    const window = availabilityWindow({
      workingHours: hours(),
      rules: rules({ minNoticeHours: 2, bufferMinutes: 15, slotMinutes: 30, horizonDays: 3 }),
      now,
    });
    expect(window).toEqual({ start: at(`${MON}T09:45`), end: at("2026-06-04T08:45") });
  });

  it.each([
    { name: "Berlin across spring-forward", zone: BERLIN, now: at("2026-03-20T16:59"), over: { bufferMinutes: 30 } },
    { name: "Berlin across fall-back", zone: BERLIN, now: at("2026-10-20T23:30"), over: { bufferMinutes: 45, slotMinutes: 90 } },
    { name: "Dubai defaults", zone: "Asia/Dubai", now: at("2026-02-02T08:00", "Asia/Dubai"), over: DEFAULT_BOOKING_RULES },
  ])("covers every possible slot widened by the buffer ($name)", ({ zone, now, over }) => {
    const wh: WorkingHours = { timezone: zone, days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "23:59" };
    const r = rules({ horizonDays: 14, minNoticeHours: 1, ...over });
    const window = availabilityWindow({ workingHours: wh, rules: r, now });
    const free = run({ workingHours: wh, rules: r, now });
    const all = free.flatMap((d) => d.slots);
    expect(all.length).toBeGreaterThan(100);
    const buf = r.bufferMinutes * MIN;
    for (const slot of all) {
      expect(slot.startMs - buf).toBeGreaterThanOrEqual(window.start);
      expect(slot.endMs + buf).toBeLessThanOrEqual(window.end);
    }
    // Busy time entirely outside the window therefore cannot change the result.
    const outside: BusyInterval[] = [
      { start: window.start - 86_400_000, end: window.start },
      { start: window.end, end: window.end + 86_400_000 },
    ];
    expect(run({ workingHours: wh, rules: r, busy: outside, now })).toEqual(free);
  });
});

describe("input guards", () => {
  const now = at(`${MON}T08:00`);
  const call = (over: { wh?: Partial<WorkingHours>; r?: Partial<BookingRules>; busy?: BusyInterval[]; now?: number }) => () =>
    computeAvailability({ workingHours: hours(over.wh), rules: rules(over.r), busy: over.busy ?? [], now: over.now ?? now });

  it("accepts valid input", () => {
    expect(call({})).not.toThrow();
  });

  it.each([
    [{ wh: { timezone: "Europe/Berln" } }, /time zone/],
    [{ wh: { timezone: "" } }, /time zone/],
    [{ wh: { start: "9:00" } }, /start must be "HH:MM"/],
    [{ wh: { end: "24:00" } }, /end must be "HH:MM"/],
    [{ wh: { end: "12:60" } }, /end must be "HH:MM"/],
    // The seed's single pair never meant a night shift: reversed there is damage (overnight
    // hours live in `weekly`).
    [{ wh: { start: "12:00", end: "12:00" } }, /must be before end/],
    [{ wh: { start: "13:00", end: "12:00" } }, /must be before end/],
    [{ wh: { weekly: { "1": [{ start: "25:00", end: "12:00" }] } } }, /weekly.1\[0\].start must be "HH:MM"/],
    [{ wh: { weekly: { "1": "09:00-12:00" } } }, /weekly.1 must be an array/],
    [{ r: { stepMinutes: 0 } }, /stepMinutes/],
    [{ wh: { days: [0] } }, /ISO weekdays/],
    [{ wh: { days: [8] } }, /ISO weekdays/],
    [{ wh: { days: [1.5] } }, /ISO weekdays/],
    [{ r: { slotMinutes: 0 } }, /slotMinutes/],
    [{ r: { slotMinutes: Number.NaN } }, /slotMinutes/],
    [{ r: { bufferMinutes: -1 } }, /bufferMinutes/],
    [{ r: { minNoticeHours: Number.POSITIVE_INFINITY } }, /minNoticeHours/],
    [{ r: { horizonDays: -1 } }, /horizonDays/],
    [{ r: { horizonDays: 100_000 } }, /horizonDays/],
    [{ now: Number.NaN }, /now must be finite/],
    [{ busy: [{ start: 10, end: 5 }] }, /busy\[0\] ends before it starts/],
    [{ busy: [{ start: 0, end: Number.NaN }] }, /busy\[0\] must have finite/],
  ] as const)("throws a clear error for %j", (over, message) => {
    expect(call(over as Parameters<typeof call>[0])).toThrow(message);
  });

  it("guards availabilityWindow too", () => {
    expect(() => availabilityWindow({ workingHours: hours({ timezone: "Mars/Olympus" }), rules: rules(), now })).toThrow(/time zone/);
  });
});

/* ------------------------------------------------------------------------------------------- */
/* A real week: the named cases                                                        */
/* ------------------------------------------------------------------------------------------- */

describe("a real week (weekly ranges, overnight, overrides, step)", () => {
  const DUBAI = "Asia/Dubai";
  // Sunday 2026-03-01 20:00 in Dubai (UTC+4 all year).
  const NOW = at("2026-03-01T20:00", DUBAI);
  const week = (weekly: Record<string, { start: string; end: string }[]>): WorkingHours => ({
    timezone: DUBAI,
    days: [1],
    start: "06:00",
    end: "10:00",
    weekly: { "1": [], "2": [], "3": [], "4": [], "5": [], "6": [], "7": [], ...weekly },
  });
  const byDate = (days: DaySlots[]) => Object.fromEntries(days.map((d) => [d.date, d.slots.map((s) => s.time)]));

  it("split shift: 06:00-10:00 and 17:00-21:00, nothing in the heat of the day", () => {
    const result = run({
      workingHours: week({
        "1": [
          { start: "06:00", end: "10:00" },
          { start: "17:00", end: "21:00" },
        ],
      }),
      rules: rules({ horizonDays: 2 }),
      now: NOW,
    });
    expect(byDate(result)).toEqual({ "2026-03-02": ["06:00", "07:00", "08:00", "09:00", "17:00", "18:00", "19:00", "20:00"] });
  });

  it("Friday different: a later, single range on Friday only", () => {
    const split = [
      { start: "06:00", end: "10:00" },
      { start: "17:00", end: "21:00" },
    ];
    const result = run({
      workingHours: week({ "4": split, "5": [{ start: "14:00", end: "16:00" }] }),
      rules: rules({ horizonDays: 7 }),
      now: NOW,
    });
    expect(byDate(result)).toEqual({
      "2026-03-05": ["06:00", "07:00", "08:00", "09:00", "17:00", "18:00", "19:00", "20:00"],
      "2026-03-06": ["14:00", "15:00"],
    });
  });

  it("overnight: a Friday 20:00-01:00 range lists its after-midnight slot under Saturday", () => {
    const result = run({ workingHours: week({ "5": [{ start: "20:00", end: "01:00" }] }), rules: rules({ horizonDays: 7 }), now: NOW });
    expect(byDate(result)).toEqual({ "2026-03-06": ["20:00", "21:00", "22:00", "23:00"], "2026-03-07": ["00:00"] });
    expect(result[1].slots[0].startMs).toBe(utc("2026-03-06T20:00:00Z"));
  });

  it("overnight: 00:00 as end means midnight, and last night's range still offers slots after now", () => {
    const late = run({
      workingHours: week({ "7": [{ start: "22:00", end: "02:00" }], "6": [{ start: "18:00", end: "00:00" }] }),
      rules: rules({ horizonDays: 1 }),
      now: at("2026-03-01T23:10", DUBAI), // Sunday night: Sunday's range is running
    });
    expect(byDate(late)).toEqual({ "2026-03-02": ["00:00", "01:00"] });
    const saturday = run({ workingHours: week({ "6": [{ start: "18:00", end: "00:00" }] }), rules: rules({ horizonDays: 7 }), now: NOW });
    expect(byDate(saturday)).toEqual({ "2026-03-07": ["18:00", "19:00", "20:00", "21:00", "22:00", "23:00"] });
  });

  it("overnight across a DST change: Saturday 22:00-02:30 on Berlin's fall-back night", () => {
    const result = run({
      workingHours: { timezone: BERLIN, days: [6], start: "09:00", end: "10:00", weekly: { "6": [{ start: "22:00", end: "02:30" }] } },
      rules: rules({ horizonDays: 3 }),
      now: at("2026-10-24T12:00"),
    });
    expect(labels(result)).toEqual(["2026-10-24 22:00", "2026-10-24 23:00", "2026-10-25 00:00", "2026-10-25 01:00", "2026-10-25 02:00"]);
    // 02:00 is the first (summer-time) 02:00; the range runs to the second 02:30.
    expect(starts(result).at(-1)).toBe(utc("2026-10-25T00:00:00Z"));
    // And on the spring-forward night the missing hour has no slot: 22:00-03:30 gives 01:00 then 03:00.
    const spring = run({
      workingHours: { timezone: BERLIN, days: [6], start: "09:00", end: "10:00", weekly: { "6": [{ start: "22:00", end: "03:30" }] } },
      rules: rules({ horizonDays: 3, slotMinutes: 30, stepMinutes: 60 }),
      now: at("2026-03-28T12:00"),
    });
    expect(labels(spring)).toEqual(["2026-03-28 22:00", "2026-03-28 23:00", "2026-03-29 00:00", "2026-03-29 01:00", "2026-03-29 03:00"]);
  });

  it("an override that is time off removes that date's hours and nothing else", () => {
    const weekly = week({ "2": [{ start: "09:00", end: "11:00" }], "3": [{ start: "09:00", end: "11:00" }] });
    const base = { workingHours: weekly, rules: rules({ horizonDays: 7 }), now: NOW };
    expect(byDate(run(base))).toEqual({ "2026-03-03": ["09:00", "10:00"], "2026-03-04": ["09:00", "10:00"] });
    const off = computeAvailability({ ...base, busy: [], dateOverrides: [{ from: "2026-03-03", to: "2026-03-03", ranges: [] }] });
    expect(byDate(off)).toEqual({ "2026-03-04": ["09:00", "10:00"] });
    // A week off, from Monday to Sunday.
    const weekOff = computeAvailability({ ...base, busy: [], dateOverrides: [{ from: "2026-03-02", to: "2026-03-08", ranges: [] }] });
    expect(weekOff).toEqual([]);
  });

  it("an override with special hours replaces the weekly hours on its dates, even on a day off", () => {
    const base = { workingHours: week({ "2": [{ start: "09:00", end: "11:00" }] }), rules: rules({ horizonDays: 7 }), now: NOW, busy: [] };
    const special = computeAvailability({
      ...base,
      dateOverrides: [
        { from: "2026-03-03", to: "2026-03-03", ranges: [{ start: "13:00", end: "14:00" }] },
        { from: "2026-03-07", to: "2026-03-07", ranges: [{ start: "10:00", end: "12:00" }] }, // a Saturday, normally off
      ],
    });
    expect(byDate(special)).toEqual({ "2026-03-03": ["13:00"], "2026-03-07": ["10:00", "11:00"] });
  });

  it("Ramadan month: shorter days and sessions after iftar that run past midnight, then back to normal", () => {
    const normal = [
      { start: "06:00", end: "10:00" },
      { start: "17:00", end: "21:00" },
    ];
    const ramadan = [
      { start: "10:00", end: "12:00" },
      { start: "20:30", end: "01:30" },
    ];
    const input = {
      workingHours: week({ "1": normal, "2": normal, "3": normal, "4": normal, "6": normal, "7": normal }),
      rules: rules({ horizonDays: 40, slotMinutes: 60, stepMinutes: 30 }),
      busy: [],
      now: at("2026-02-16T12:00", DUBAI),
      dateOverrides: [{ from: "2026-02-18", to: "2026-03-19", ranges: ramadan }],
    };
    const result = byDate(computeAvailability(input));
    const ramadanDay = ["10:00", "10:30", "11:00", "20:30", "21:00", "21:30", "22:00", "22:30", "23:00", "23:30"];
    const afterMidnight = ["00:00", "00:30"];
    // Tuesday 17 Feb is a normal day; Wednesday 18 Feb Ramadan starts.
    expect(result["2026-02-17"]).toEqual([
      "06:00",
      "06:30",
      "07:00",
      "07:30",
      "08:00",
      "08:30",
      "09:00",
      "17:00",
      "17:30",
      "18:00",
      "18:30",
      "19:00",
      "19:30",
      "20:00",
    ]);
    expect(result["2026-02-18"]).toEqual(ramadanDay);
    // Every day of the month, Friday included, has the Ramadan hours; the night of the 19th March
    // (the override's last day) still runs into the 20th.
    expect(result["2026-03-06"]).toEqual([...afterMidnight, ...ramadanDay]);
    expect(result["2026-03-19"]).toEqual([...afterMidnight, ...ramadanDay]);
    expect(result["2026-03-20"]).toEqual(afterMidnight); // a Friday: normally off
    expect(result["2026-03-21"]?.[0]).toBe("06:00");
  });

  it("step: 60-minute sessions starting every 30 minutes, each fitting inside its range", () => {
    const result = run({
      workingHours: week({ "1": [{ start: "06:00", end: "08:00" }] }),
      rules: rules({ slotMinutes: 60, stepMinutes: 30, horizonDays: 2 }),
      now: NOW,
    });
    expect(labels(result)).toEqual(["2026-03-02 06:00", "2026-03-02 06:30", "2026-03-02 07:00"]);
    // A step longer than the slot leaves gaps; the step never lets a slot run past the range.
    const sparse = run({
      workingHours: week({ "1": [{ start: "06:00", end: "09:30" }] }),
      rules: rules({ slotMinutes: 30, stepMinutes: 90, horizonDays: 2 }),
      now: NOW,
    });
    expect(labels(sparse)).toEqual(["2026-03-02 06:00", "2026-03-02 07:30", "2026-03-02 09:00"]);
  });

  it("an overnight override running into a normal day: both ranges offer slots, each once", () => {
    const result = computeAvailability({
      workingHours: week({ "3": [{ start: "00:00", end: "02:00" }] }),
      rules: rules({ horizonDays: 7 }),
      busy: [],
      now: NOW,
      dateOverrides: [{ from: "2026-03-03", to: "2026-03-03", ranges: [{ start: "23:00", end: "01:00" }] }],
    });
    expect(byDate(result)).toEqual({ "2026-03-03": ["23:00"], "2026-03-04": ["00:00", "01:00"] });
  });
});

describe("all-day events marked free (TRANSP:TRANSPARENT, as iPhone and Mac create them)", () => {
  const ZONE = "Asia/Dubai";
  const vacation = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Apple Inc.//iOS 18//EN",
    "BEGIN:VEVENT",
    "UID:vacation",
    "DTSTAMP:20260101T000000Z",
    "DTSTART;VALUE=DATE:20260303",
    "DTEND;VALUE=DATE:20260304",
    "SUMMARY:Vacation",
    "TRANSP:TRANSPARENT",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
  const input = {
    workingHours: { timezone: ZONE, days: [2, 3], start: "09:00", end: "11:00" },
    rules: rules({ horizonDays: 7 }),
    now: at("2026-03-01T20:00", ZONE),
  };
  const busyWith = (allDayEvents?: "busy" | "as-marked") =>
    extractBusy([vacation], { rangeStart: input.now, rangeEnd: input.now + 8 * 86_400_000, zone: ZONE, allDayEvents });

  it('"busy" (the default, also when absent) blocks the whole day', () => {
    for (const setting of ["busy", undefined] as const) {
      const result = run({ ...input, busy: busyWith(setting) });
      expect(result.map((d) => d.date)).toEqual(["2026-03-04"]);
    }
  });

  it('"as-marked" leaves a day marked free bookable (control: an opaque all-day event still blocks)', () => {
    expect(run({ ...input, busy: busyWith("as-marked") }).map((d) => d.date)).toEqual(["2026-03-03", "2026-03-04"]);
    const opaque = vacation.replace("TRANSP:TRANSPARENT", "TRANSP:OPAQUE");
    const busy = extractBusy([opaque], {
      rangeStart: input.now,
      rangeEnd: input.now + 8 * 86_400_000,
      zone: ZONE,
      allDayEvents: "as-marked",
    });
    expect(run({ ...input, busy }).map((d) => d.date)).toEqual(["2026-03-04"]);
  });

  it("a timed event marked free stays free under both settings", () => {
    const timed = vacation
      .replace("DTSTART;VALUE=DATE:20260303", "DTSTART:20260303T050000Z")
      .replace("DTEND;VALUE=DATE:20260304", "DTEND:20260303T070000Z");
    for (const setting of ["busy", "as-marked"] as const) {
      const busy = extractBusy([timed], { rangeStart: input.now, rangeEnd: input.now + 8 * 86_400_000, zone: ZONE, allDayEvents: setting });
      expect(busy).toEqual([]);
    }
  });
});
