/**
 * Availability engine benchmark (issue 9): 90 days of a split schedule with 3 ranges on every
 * weekday (one of them past midnight), 10 date overrides (time off and special hours), 2,000
 * seeded random busy intervals and a 5-minute step, in Europe/Berlin across the 2026-03-29 DST
 * change. Timed next to the slow reference implementation (tests/support/availability-reference.ts)
 * in the same process, so the ratio is meaningful on any machine; both must agree first.
 *
 * Run: npx tsx tests/bench/engine.bench.ts
 */
import { DateTime } from "luxon";
import { pathToFileURL } from "node:url";
import {
  computeAvailability,
  type DaySlots,
  type HoursInput,
  type OverrideInput,
  type RulesInput,
} from "../../app/modules/booking-page/availability";
import type { BusyInterval } from "../../app/modules/calendar/ical-busy";
import { referenceAvailability } from "../support/availability-reference";
import { mulberry32 } from "./prng";

export type EngineBenchResult = {
  engineMs: number;
  baselineMs: number;
  slots: number;
  candidates: number;
  busy: number;
  overrides: number;
  rangesPerDay: number;
  stepMinutes: number;
};

const MINUTE_MS = 60_000;
const ZONE = "Europe/Berlin";
const SPLIT: [string, string][] = [
  ["06:00", "10:00"],
  ["12:00", "14:30"],
  ["17:00", "21:00"],
];
const WORKING_HOURS: HoursInput = {
  timezone: ZONE,
  days: [1, 2, 3, 4, 5, 6, 7],
  start: "06:00",
  end: "10:00",
  weekly: Object.fromEntries(
    ["1", "2", "3", "4", "5", "6", "7"].map((d) => [
      d,
      d === "5"
        ? [...SPLIT.slice(0, 2), ["18:00", "01:00"]].map(([start, end]) => ({ start, end }))
        : SPLIT.map(([start, end]) => ({ start, end })),
    ]),
  ),
};
const RULES: RulesInput = { slotMinutes: 60, stepMinutes: 5, bufferMinutes: 10, minNoticeHours: 2, horizonDays: 90 };
// Monday 2026-03-02 08:00 Berlin: fixed so every run sees the same calendar, including a DST change.
const NOW = DateTime.fromISO("2026-03-02T08:00", { zone: ZONE }).toMillis();
const OVERRIDES: OverrideInput[] = [
  { from: "2026-03-06", to: "2026-03-06", ranges: [] },
  { from: "2026-03-13", to: "2026-03-13", ranges: [{ start: "09:00", end: "12:00" }] },
  { from: "2026-03-23", to: "2026-03-29", ranges: [] },
  { from: "2026-04-03", to: "2026-04-06", ranges: [] },
  { from: "2026-04-10", to: "2026-04-10", ranges: [{ start: "20:00", end: "02:00" }] },
  {
    from: "2026-04-20",
    to: "2026-04-24",
    ranges: [
      { start: "07:00", end: "11:00" },
      { start: "19:00", end: "23:30" },
    ],
  },
  { from: "2026-05-01", to: "2026-05-01", ranges: [] },
  { from: "2026-05-08", to: "2026-05-08", ranges: [{ start: "10:00", end: "16:00" }] },
  { from: "2026-05-14", to: "2026-05-15", ranges: [] },
  { from: "2026-05-25", to: "2026-05-25", ranges: [{ start: "08:00", end: "09:30" }] },
];
const BUSY_COUNT = 2_000;
const RUNS = 101;
const REFERENCE_RUNS = 5;
// Enough warm-up for the JIT to settle: the first runs of a cold process are several times slower.
const WARMUP = 30;

function randomBusy(count: number, seed: number): BusyInterval[] {
  const rand = mulberry32(seed);
  const spanMinutes = (RULES.horizonDays + 1) * 24 * 60;
  const busy: BusyInterval[] = [];
  for (let i = 0; i < count; i++) {
    // Start a day early so some events straddle `now`; 10-60 minute events leave a realistic share free.
    const start = NOW - 24 * 60 * MINUTE_MS + Math.floor(rand() * spanMinutes) * MINUTE_MS;
    busy.push({ start, end: start + (10 + Math.floor(rand() * 51)) * MINUTE_MS });
  }
  return busy; // deliberately unsorted, with overlaps
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(fn: () => unknown, runs: number, warmup = WARMUP): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const countSlots = (days: DaySlots[]): number => days.reduce((n, d) => n + d.slots.length, 0);

export async function runEngineBench(options: { runs?: number } = {}): Promise<EngineBenchResult> {
  const runs = options.runs ?? RUNS;
  const busy = randomBusy(BUSY_COUNT, 0x5eed);
  const input = { workingHours: WORKING_HOURS, rules: RULES, busy, now: NOW, dateOverrides: OVERRIDES };

  // A fast but wrong engine is worthless: both implementations must agree before we time them.
  const fast = computeAvailability(input);
  const slow = referenceAvailability(input);
  if (JSON.stringify(fast) !== JSON.stringify(slow)) throw new Error("engine and reference disagree; refusing to report timings");

  const engineMs = time(() => computeAvailability(input), runs);
  const baselineMs = time(() => referenceAvailability(input), REFERENCE_RUNS, 1);
  return {
    engineMs,
    baselineMs,
    slots: countSlots(fast),
    candidates: countSlots(computeAvailability({ ...input, busy: [] })),
    busy: busy.length,
    overrides: OVERRIDES.length,
    rangesPerDay: SPLIT.length,
    stepMinutes: RULES.stepMinutes!,
  };
}

async function main(): Promise<void> {
  const r = await runEngineBench();
  const fmt = (ms: number): string => ms.toFixed(3).padStart(10);
  console.log(
    `availability engine: ${RULES.horizonDays} days, ${r.rangesPerDay} ranges a weekday, ${r.overrides} overrides, ${r.stepMinutes}-minute step, ${r.candidates} candidate slots, ${r.slots} free, ${r.busy} busy intervals; median of ${RUNS} (reference ${REFERENCE_RUNS}) runs`,
  );
  console.log("| implementation            |    median ms |");
  console.log("|---------------------------|--------------|");
  console.log(`| engine                    | ${fmt(r.engineMs)}   |`);
  console.log(`| slow reference            | ${fmt(r.baselineMs)}   |`);
  console.log(`| speed-up (reference/engine)| ${(r.baselineMs / r.engineMs).toFixed(1).padStart(8)}x   |`);
  console.log(`| budget (issue 9)          |      5.000   | ${r.engineMs <= 5 ? "met" : "MISSED"}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
