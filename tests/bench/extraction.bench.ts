/**
 * Busy-time extraction benchmarks (issue 10), each timed next to a baseline from the same run:
 *
 *  1. One 200 KB calendar object with 700 events (recurring masters with EXDATEs, their
 *     RECURRENCE-ID overrides, single events, a custom VTIMEZONE and IANA TZIDs), extracted for a
 *     two-week window. Budget: under 20 ms median. Baseline: ical.js parsing the same text into
 *     components and nothing else (the floor any ical.js-based extraction pays).
 *  2. A 5 MB ICS subscription feed with ten years of history (the shape of a Google or Outlook
 *     export): same measurements, window of four weeks.
 *
 * Run: npx tsx tests/bench/extraction.bench.ts
 */
import ICAL from "ical.js";
import { pathToFileURL } from "node:url";
import { extractBusy } from "../../app/modules/calendar/ical-busy";
import { VTZ_BERLIN, VTZ_CUSTOM } from "../support/ical-fixtures";
import { median } from "./measure";
import { mulberry32 } from "./prng";

export type ExtractionCase = {
  label: string;
  bytes: number;
  events: number;
  busy: number;
  extractMs: number;
  parseOnlyMs: number;
  /** Fastest run: on a shared machine the closest figure to the uncontended cost. */
  extractMinMs: number;
  parseOnlyMinMs: number;
};
export type ExtractionBenchResult = { object: ExtractionCase; feed: ExtractionCase };

const ZONE = "Europe/Berlin";
// Monday 2026-12-07 00:00 Berlin.
const WINDOW_START = Date.parse("2026-12-06T23:00:00Z");
const DAY = 86_400_000;
const RUNS = 31;
const FEED_RUNS = 7;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const stamp = (d: Date) =>
  `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00`;

/** Words for SUMMARY/DESCRIPTION, so the object has the weight of real events, not just their times. */
const WORDS = "client session review planning call workout follow-up intake assessment lunch board sync invoice travel".split(" ");

function text(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
}

function event(lines: string[], rand: () => number): string[] {
  return [
    "BEGIN:VEVENT",
    "DTSTAMP:20260101T000000Z",
    ...lines,
    `DESCRIPTION:${text(rand, 3)}`,
    "ATTENDEE;CN=Client;PARTSTAT=ACCEPTED:mailto:client@example.com",
    "END:VEVENT",
  ];
}

function wrap(body: string[], extra: string[] = []): string {
  return ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//slotline//bench//EN", ...extra, ...body, "END:VCALENDAR", ""].join("\r\n");
}

/** 700 events: 140 recurring masters (each with an EXDATE) + 280 overrides of them + 280 single events. */
export function buildObject(seed = 0x1ca1): { ics: string; events: number } {
  const rand = mulberry32(seed);
  const body: string[] = [...VTZ_BERLIN, ...VTZ_CUSTOM];
  const zones = ["TZID=Europe/Berlin", "TZID=America/New_York", "TZID=Customized Time Zone"];
  const rules = ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE", "RRULE:FREQ=DAILY;INTERVAL=2", "RRULE:FREQ=MONTHLY;BYDAY=2TU", "RRULE:FREQ=WEEKLY"];
  let events = 0;
  for (let i = 0; i < 140; i++) {
    const zone = zones[i % zones.length];
    const start = new Date(Date.UTC(2019 + (i % 7), i % 12, 1 + (i % 27), 7 + (i % 10), (i % 4) * 15));
    const uid = `series-${i}@bench`;
    body.push(
      ...event(
        [
          `UID:${uid}`,
          `SUMMARY:${text(rand, 3)}`,
          `DTSTART;${zone}:${stamp(start)}`,
          `DURATION:PT${30 + (i % 4) * 15}M`,
          rules[i % rules.length],
          `EXDATE;${zone}:${stamp(new Date(start.getTime() + 7 * DAY))}`,
        ],
        rand,
      ),
    );
    events++;
    for (let k = 0; k < 2; k++) {
      const original = new Date(start.getTime() + (14 + k * 7) * DAY);
      const moved = new Date(original.getTime() + (1 + Math.floor(rand() * 5)) * 3_600_000);
      body.push(
        ...event(
          [
            `UID:${uid}`,
            `RECURRENCE-ID;${zone}:${stamp(original)}`,
            `SUMMARY:${text(rand, 3)}`,
            `DTSTART;${zone}:${stamp(moved)}`,
            `DTEND;${zone}:${stamp(new Date(moved.getTime() + 3_600_000))}`,
          ],
          rand,
        ),
      );
      events++;
    }
  }
  for (let i = 0; i < 280; i++) {
    const start = new Date(WINDOW_START + Math.floor(rand() * 28) * DAY + Math.floor(rand() * 40) * 900_000 - 60 * DAY + i * DAY);
    body.push(
      ...event(
        [
          `UID:single-${i}@bench`,
          `SUMMARY:${text(rand, 3)}`,
          `DTSTART:${stamp(start)}Z`,
          `DTEND:${stamp(new Date(start.getTime() + 45 * 60_000))}Z`,
        ],
        rand,
      ),
    );
    events++;
  }
  return { ics: wrap(body), events };
}

/** A feed of about `targetBytes`: ten years of single events plus a few hundred series, floating times with X-WR-TIMEZONE. */
export function buildFeed(targetBytes = 5 * 1024 * 1024, seed = 0xfeed): { ics: string; events: number } {
  const rand = mulberry32(seed);
  const body: string[] = [];
  let bytes = 0;
  let events = 0;
  const from = Date.parse("2017-01-02T00:00:00Z");
  const span = Date.parse("2027-01-01T00:00:00Z") - from;
  while (bytes < targetBytes) {
    const recurring = events % 25 === 0;
    const start = new Date(from + Math.floor(rand() * (span / 900_000)) * 900_000);
    const lines = recurring
      ? [
          `UID:feed-series-${events}@bench`,
          `SUMMARY:${text(rand, 3)}`,
          `DTSTART:${stamp(start)}`,
          "DURATION:PT1H",
          events % 50 === 0 ? "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" : `RRULE:FREQ=MONTHLY;BYMONTHDAY=${1 + (events % 28)}`,
        ]
      : [
          `UID:feed-${events}@bench`,
          `SUMMARY:${text(rand, 3)}`,
          `DTSTART:${stamp(start)}`,
          `DTEND:${stamp(new Date(start.getTime() + 3_600_000))}`,
        ];
    const chunk = event(lines, rand);
    body.push(...chunk);
    bytes += chunk.join("\r\n").length + 2;
    events++;
  }
  return { ics: wrap(body, ["X-WR-CALNAME:Work", "X-WR-TIMEZONE:Europe/Berlin"]), events };
}

function timeIt(fn: () => unknown, runs: number): { median: number; min: number } {
  for (let i = 0; i < Math.min(3, runs); i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

function measure(label: string, ics: string, events: number, days: number, runs: number): ExtractionCase {
  const opts = { rangeStart: WINDOW_START, rangeEnd: WINDOW_START + days * DAY, zone: ZONE };
  const busy = extractBusy([ics], opts);
  if (busy.length === 0) throw new Error(`${label}: no busy time extracted; refusing to report timings`);
  // Interleaved, so load from elsewhere on the machine hits both sides alike.
  const extract: number[] = [];
  const parse: number[] = [];
  const mins = { extract: Infinity, parse: Infinity };
  for (let round = 0; round < 3; round++) {
    const e = timeIt(() => extractBusy([ics], opts), Math.ceil(runs / 3));
    const p = timeIt(() => new ICAL.Component(ICAL.parse(ics) as unknown[]).getAllSubcomponents("vevent"), Math.ceil(runs / 3));
    extract.push(e.median);
    parse.push(p.median);
    mins.extract = Math.min(mins.extract, e.min);
    mins.parse = Math.min(mins.parse, p.min);
  }
  return {
    label,
    bytes: Buffer.byteLength(ics),
    events,
    busy: busy.length,
    extractMs: median(extract),
    parseOnlyMs: median(parse),
    extractMinMs: mins.extract,
    parseOnlyMinMs: mins.parse,
  };
}

export async function runExtractionBench(): Promise<ExtractionBenchResult> {
  const object = buildObject();
  const feed = buildFeed();
  return {
    object: measure("200 KB object, 700 events, 2-week window", object.ics, object.events, 14, RUNS),
    feed: measure("5 MB feed, 10 years of history, 4-week window", feed.ics, feed.events, 28, FEED_RUNS),
  };
}

export function formatExtraction(r: ExtractionBenchResult): string[] {
  const row = (c: ExtractionCase) =>
    `| ${c.label} | ${(c.bytes / 1024).toFixed(0)} KB | ${c.events} | ${c.extractMs.toFixed(2)} (min ${c.extractMinMs.toFixed(2)}) | ${c.parseOnlyMs.toFixed(2)} (min ${c.parseOnlyMinMs.toFixed(2)}) | ${(c.extractMs / c.parseOnlyMs).toFixed(2)}× |`;
  return [
    "| input | size | events | extractBusy median ms | baseline: ical.js parse only, median ms | ratio |",
    "|---|---|---|---|---|---|",
    row(r.object),
    row(r.feed),
  ];
}

async function main(): Promise<void> {
  const r = await runExtractionBench();
  console.log(`busy-time extraction, median of ${RUNS} (object) / ${FEED_RUNS} (feed) runs; budget for the object: 20 ms`);
  for (const line of formatExtraction(r)) console.log(line);
  if (r.object.extractMs >= 20) console.log(`OVER BUDGET: ${r.object.extractMs.toFixed(2)} ms >= 20 ms`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
