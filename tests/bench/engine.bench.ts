/**
 * Availability engine benchmark: 90 days of 30-minute slots (Mon-Sat 09:00-17:00, Europe/Berlin,
 * spanning the 2026-03-29 DST change) against 2,000 seeded random busy intervals, timed next to a
 * naive baseline in the same process so the ratio is meaningful on any machine.
 *
 * Run: npx tsx tests/bench/engine.bench.ts
 */
import { DateTime } from "luxon";
import { pathToFileURL } from "node:url";
import { computeAvailability, type DaySlots } from "../../app/modules/booking-page/availability";
import type { BusyInterval } from "../../app/modules/calendar/ical-busy";
import type { Booking as BookingRules, WorkingHours } from "../../app/modules/settings/schemas";
import { mulberry32 } from "./prng";

export type EngineBenchResult = { engineMs: number; baselineMs: number; slots: number; busy: number };

const MINUTE_MS = 60_000;
const WORKING_HOURS: WorkingHours = { timezone: "Europe/Berlin", days: [1, 2, 3, 4, 5, 6], start: "09:00", end: "17:00" };
const RULES: BookingRules = { slotMinutes: 30, bufferMinutes: 10, minNoticeHours: 2, horizonDays: 90 };
// Monday 2026-03-02 08:00 Berlin: fixed so every run sees the same calendar, including a DST change.
const NOW = DateTime.fromISO("2026-03-02T08:00", { zone: WORKING_HOURS.timezone }).toMillis();
const BUSY_COUNT = 2_000;
const RUNS = 21;
const WARMUP = 3;

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

/** Naive reference: luxon for every slot and a scan of all busy intervals per slot, O(slots x busy). */
function baseline(workingHours: WorkingHours, rules: BookingRules, busy: BusyInterval[], now: number): DaySlots[] {
  const zone = workingHours.timezone;
  const [sh, sm] = workingHours.start.split(":").map(Number);
  const [eh, em] = workingHours.end.split(":").map(Number);
  const bufferMs = rules.bufferMinutes * MINUTE_MS;
  const earliest = now + rules.minNoticeHours * 3_600_000;
  const local = DateTime.fromMillis(now, { zone });
  const horizonEnd = local.plus({ days: rules.horizonDays }).toMillis();
  const out: DaySlots[] = [];
  for (let d = local.startOf("day"); d.toMillis() < horizonEnd; d = d.plus({ days: 1 }).startOf("day")) {
    if (!workingHours.days.includes(d.weekday)) continue;
    const dayEnd = d.set({ hour: eh, minute: em });
    const slots: DaySlots["slots"] = [];
    for (
      let s = d.set({ hour: sh, minute: sm });
      s.plus({ minutes: rules.slotMinutes }) <= dayEnd;
      s = s.plus({ minutes: rules.slotMinutes })
    ) {
      const startMs = s.toMillis();
      const endMs = startMs + rules.slotMinutes * MINUTE_MS;
      if (startMs < earliest || startMs >= horizonEnd) continue;
      if (busy.some((b) => b.start - bufferMs < endMs && startMs < b.end + bufferMs && b.end + bufferMs > b.start - bufferMs)) continue;
      slots.push({ startMs, endMs, date: s.toFormat("yyyy-MM-dd"), time: s.toFormat("HH:mm") });
    }
    if (slots.length > 0) out.push({ date: d.toFormat("yyyy-MM-dd"), slots });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(fn: () => unknown, runs: number): number {
  for (let i = 0; i < WARMUP; i++) fn();
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
  const input = { workingHours: WORKING_HOURS, rules: RULES, busy, now: NOW };

  // A fast but wrong engine is worthless: both implementations must agree before we time them.
  const fast = computeAvailability(input);
  const slow = baseline(WORKING_HOURS, RULES, busy, NOW);
  if (JSON.stringify(fast) !== JSON.stringify(slow)) throw new Error("engine and baseline disagree; refusing to report timings");

  const engineMs = time(() => computeAvailability(input), runs);
  const baselineMs = time(() => baseline(WORKING_HOURS, RULES, busy, NOW), runs);
  return { engineMs, baselineMs, slots: countSlots(fast), busy: busy.length };
}

async function main(): Promise<void> {
  const candidates = countSlots(computeAvailability({ workingHours: WORKING_HOURS, rules: RULES, busy: [], now: NOW }));
  const r = await runEngineBench();
  const fmt = (ms: number): string => ms.toFixed(3).padStart(10);
  console.log(
    `availability engine: ${RULES.horizonDays} days, ${candidates} candidate slots, ${r.slots} free, ${r.busy} busy intervals, median of ${RUNS} runs`,
  );
  console.log("| implementation            |    median ms |");
  console.log("|---------------------------|--------------|");
  console.log(`| engine (sort+merge+sweep) | ${fmt(r.engineMs)}   |`);
  console.log(`| naive O(slots x busy)     | ${fmt(r.baselineMs)}   |`);
  console.log(`| speed-up (baseline/engine)| ${(r.baselineMs / r.engineMs).toFixed(1).padStart(9)}x   |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
