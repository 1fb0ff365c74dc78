import { DateTime } from "luxon";
import { bookingEventIcs } from "~/modules/calendar/booking-event";
import { deleteBookingEvent, writeBookingEvent } from "~/modules/calendar/booking-writes.server";
import { getOrCreateProvider, rawSection, saveSection } from "~/modules/settings/providers.server";
import { readBookingCalendarUrl } from "~/modules/settings/stored";
import { effectiveTimezone } from "~/modules/settings/stored";
import type { Queryable } from "~/server/db.server";
import { announceProviderChanged } from "~/server/provider-events.server";
import type { DoneCode } from "./requests";

/**
 * The provider's side of holds and bookings (/settings/requests), under their RLS: list the
 * active holds and upcoming bookings, confirm (writing the event into the calendar chosen for
 * bookings), release, and the .ics of a booking. Every change announces "provider changed".
 */
type Ctx = { user: { id: string }; run: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> };

type Row = {
  id: string;
  start_at: Date;
  end_at: Date;
  state: "held" | "confirmed" | "released" | "expired";
  reference: string;
  created_at: Date;
  expires_at: Date;
  calendar_url: string | null;
  event_uid: string | null;
};

export type RequestItem = {
  id: string;
  reference: string;
  state: "held" | "confirmed";
  /** "Tuesday 8 December, 10:00–11:00" in the provider's zone. */
  when: string;
  /** "3 min ago" */
  age: string;
  /** Holds: "expires in 17 min". */
  expires: string | null;
  inCalendar: boolean;
};

const COLUMNS = "b.id, b.start_at, b.end_at, b.state, b.reference, b.created_at, b.expires_at, b.calendar_url, b.event_uid";
const MINE = "b.provider_id = (select p.id from public.providers p where p.owner_user_id = auth.uid())";

function minutesText(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 1) return "less than a minute";
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 36 ? `${h} h` : `${Math.round(h / 24)} days`;
}

function when(row: Pick<Row, "start_at" | "end_at">, zone: string): string {
  const s = DateTime.fromJSDate(row.start_at, { zone }).setLocale("en-GB");
  const e = DateTime.fromJSDate(row.end_at, { zone }).setLocale("en-GB");
  return `${s.toFormat("cccc d LLLL, HH:mm")}–${e.toFormat("HH:mm")}`;
}

export async function listRequests(ctx: Ctx, now = Date.now()) {
  const { zone, rows } = await ctx.run(async (tx) => {
    const p = await getOrCreateProvider(tx, ctx.user.id);
    // Lazy expiry: lapsed holds are already free for the page (read-time rule); mark them so.
    await tx.query(`update public.bookings b set state = 'expired' where ${MINE} and b.state = 'held' and b.expires_at <= $1`, [
      new Date(now),
    ]);
    const rows = await tx.query<Row>(
      `select ${COLUMNS} from public.bookings b
       where ${MINE} and ((b.state = 'held' and b.expires_at > $1) or (b.state = 'confirmed' and b.end_at > $1))
       order by b.start_at, b.created_at`,
      [new Date(now)],
    );
    return { zone: effectiveTimezone(p.settings, p.timezone), rows };
  });
  const items: RequestItem[] = rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    state: r.state as "held" | "confirmed",
    when: when(r, zone),
    age: `${minutesText(now - r.created_at.getTime())} ago`,
    expires: r.state === "held" ? `expires in ${minutesText(r.expires_at.getTime() - now)}` : null,
    inCalendar: !!r.calendar_url,
  }));
  return { zone, items };
}

export type ActionResult = { ok: true; code: DoneCode; reference: string } | { ok: false; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function readOne(ctx: Ctx, id: string): Promise<Row | null> {
  if (!UUID.test(id)) return null;
  const [row] = await ctx.run((tx) => tx.query<Row>(`select ${COLUMNS} from public.bookings b where b.id = $1 and ${MINE}`, [id]));
  return row ?? null;
}

/** The booking's calendar object: UID from the booking id, so a repeated confirm writes the same event. */
export function bookingObject(row: Pick<Row, "id" | "start_at" | "end_at" | "reference">, zone: string, stampMs: number) {
  const uid = `${row.id}@slotline`;
  return {
    uid,
    filename: `${row.id}.ics`,
    ics: bookingEventIcs({
      uid,
      startMs: row.start_at.getTime(),
      endMs: row.end_at.getTime(),
      zone,
      reference: row.reference,
      stampMs,
      description: `Booked through Slotline (reference ${row.reference}).`,
    }),
  };
}

/** The calendar chosen for bookings, if it is still one of the selected calendars. */
async function bookingCalendar(ctx: Ctx): Promise<{ url: string | null; zone: string; problem: string | null }> {
  return ctx.run(async (tx) => {
    const p = await getOrCreateProvider(tx, ctx.user.id);
    const url = readBookingCalendarUrl(await rawSection(tx, ctx.user.id, "bookingCalendar"));
    const zone = effectiveTimezone(p.settings, p.timezone);
    if (url && !p.settings.calendar.selectedCalendarIds.includes(url)) {
      return {
        url: null,
        zone,
        problem: "The calendar chosen for bookings is no longer one of your busy calendars; choose it again on the Calendar page.",
      };
    }
    return { url, zone, problem: null };
  });
}

export async function confirmRequest(ctx: Ctx, id: string, now = Date.now()): Promise<ActionResult> {
  const notHeld: ActionResult = {
    ok: false,
    message: "This request is no longer held (it expired or was released); the client can tap the time again.",
  };
  const row = await readOne(ctx, id);
  if (!row || row.state === "released" || row.state === "expired" || (row.state === "held" && row.expires_at.getTime() <= now)) {
    return notHeld;
  }
  if (row.state === "confirmed") return { ok: true, code: "already", reference: row.reference };
  const target = await bookingCalendar(ctx);
  if (target.problem) return { ok: false, message: `Request ${row.reference} is still held. ${target.problem}` };
  const object = target.url ? bookingObject(row, target.zone, now) : null;
  // The database first: once the row is confirmed no other tap can take the time, however long the
  // calendar write takes (a hold that lapsed during the write could otherwise be taken meanwhile,
  // leaving an event in the calendar for a booking that is not ours).
  const claimed = await ctx.run((tx) =>
    tx.query(
      `update public.bookings b set state = 'confirmed', confirmed_at = $2, calendar_url = $3, event_uid = $4
       where b.id = $1 and b.state = 'held' and b.expires_at > $2 and ${MINE} returning 1`,
      [id, new Date(now), target.url, object?.uid ?? null],
    ),
  );
  if (claimed.length === 0) return notHeld;
  if (target.url && object) {
    const written = await writeBookingEvent(ctx.run, ctx.user.id, target.url, object.filename, object.ics);
    if (!written.ok) {
      // Back to held: the provider can retry, or release it.
      await ctx.run((tx) =>
        tx.query(
          `update public.bookings b set state = 'held', confirmed_at = null, calendar_url = null, event_uid = null
           where b.id = $1 and b.state = 'confirmed' and ${MINE}`,
          [id],
        ),
      );
      return {
        ok: false,
        message: `Request ${row.reference} is still held: the event could not be added to your calendar. ${written.message}`,
      };
    }
  }
  announceProviderChanged(ctx.user.id);
  return { ok: true, code: target.url ? "confirmed-calendar" : "confirmed-here", reference: row.reference };
}

export async function releaseRequest(ctx: Ctx, id: string, now = Date.now()): Promise<ActionResult> {
  const row = await readOne(ctx, id);
  if (!row || (row.state !== "held" && row.state !== "confirmed")) return { ok: false, message: "This request is no longer active." };
  const updated = await ctx.run((tx) =>
    tx.query(
      `update public.bookings b set state = 'released', released_at = $2 where b.id = $1 and b.state in ('held', 'confirmed') and ${MINE} returning 1`,
      [id, new Date(now)],
    ),
  );
  if (updated.length === 0) return { ok: false, message: "This request is no longer active." };
  announceProviderChanged(ctx.user.id);
  if (row.state === "confirmed" && row.calendar_url) {
    const objectUrl = new URL(`${row.id}.ics`, row.calendar_url.endsWith("/") ? row.calendar_url : `${row.calendar_url}/`).href;
    const deleted = await deleteBookingEvent(ctx.run, ctx.user.id, objectUrl);
    if (!deleted.ok) console.warn(`[requests] release ${row.reference}: event not deleted: ${deleted.message}`);
    return { ok: true, code: deleted.ok ? "released-deleted" : "released-kept", reference: row.reference };
  }
  return { ok: true, code: "released", reference: row.reference };
}

/** The .ics of an active booking or hold of this provider (for calendars we cannot write to). */
export async function requestIcs(ctx: Ctx, id: string, now = Date.now()): Promise<{ filename: string; ics: string } | null> {
  const row = await readOne(ctx, id);
  if (!row || (row.state !== "held" && row.state !== "confirmed")) return null;
  const zone = await ctx.run(async (tx) => {
    const p = await getOrCreateProvider(tx, ctx.user.id);
    return effectiveTimezone(p.settings, p.timezone);
  });
  const object = bookingObject(row, zone, now);
  return { filename: `session-${row.reference}.ics`, ics: object.ics };
}

/* The "add bookings to" choice on the calendar page. */

export async function loadBookingCalendarChoice(ctx: Ctx) {
  return ctx.run(async (tx) => {
    const raw = await rawSection(tx, ctx.user.id, "bookingCalendar");
    return { calendarUrl: readBookingCalendarUrl(raw), raw };
  });
}

export async function saveBookingCalendarChoice(ctx: Ctx, calendarUrl: string | null, version: string | undefined) {
  const result = await ctx.run((tx) => saveSection(tx, ctx.user.id, "bookingCalendar", { calendarUrl }, version));
  // Not busy-relevant, but one rule for every save: announce after commit.
  if (result.ok) announceProviderChanged(ctx.user.id);
  return result;
}
