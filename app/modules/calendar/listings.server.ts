import { listAccounts, type AccountView } from "./accounts.server";
import { listIntegrations } from "./integrations.server";
import { getDb, withUser } from "~/server/db.server";

/**
 * The calendars a selection form was rendered with, kept in the database (app_private.
 * calendar_listings, RLS: the provider's own rows) under a random id the form carries and the
 * section version it was rendered at. Saving checks the selection against that list instead of
 * asking CalDAV again, so a save is fast and works while the calendar server is down; only a list
 * older than LISTING_MAX_AGE_MS (or one that cannot answer) is read again. In the database, not
 * in memory, so a save that lands on another replica finds it too.
 */
export const LISTING_MAX_AGE_MS = 10 * 60 * 1000;
// Rows are only needed while a form is open; older ones go when the same user renders again.
const LISTING_KEEP_MS = 60 * 60 * 1000;

type Calendars = Record<string, string[] | null>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function calendarsOf(accounts: AccountView[]): Calendars {
  return Object.fromEntries(accounts.map((a) => [a.integration.id, a.calendars?.map((c) => c.url) ?? null]));
}

/** Stores what the page is about to show; returns the id for the form's hidden `listing` input. */
export async function rememberListing(userId: string, formVersion: string, accounts: AccountView[]): Promise<string> {
  return withUser(await getDb(), userId, async (tx) => {
    await tx.query("delete from app_private.calendar_listings where user_id = $1 and read_at < $2", [
      userId,
      new Date(Date.now() - LISTING_KEEP_MS),
    ]);
    const [row] = await tx.query<{ id: string }>(
      "insert into app_private.calendar_listings (user_id, form_version, calendars) values ($1, $2, $3::jsonb) returning id",
      [userId, formVersion, JSON.stringify(calendarsOf(accounts))],
    );
    return row.id;
  });
}

export type SelectionCheck =
  | { ok: true; source: "listing" | "live" }
  | { ok: false; reason: "unknown"; unknown: string[] }
  | { ok: false; reason: "unchecked"; message: string };

export const UNCHECKED_MESSAGE = "Your calendar server could not be checked, so nothing was changed.";

/**
 * Whether every selected calendar belongs to the user's connected accounts: from the form's
 * listing when it is fresh and the accounts are still the same, else listed live over CalDAV.
 */
export async function checkSelection(
  userId: string,
  selected: string[],
  form: { listing: unknown; version: string | undefined },
  now = Date.now(),
): Promise<SelectionCheck> {
  if (selected.length === 0) return { ok: true, source: "listing" };
  const db = await getDb();
  const stored =
    typeof form.listing === "string" && UUID.test(form.listing) && form.version !== undefined
      ? await withUser(db, userId, async (tx) => {
          const [row] = await tx.query<{ calendars: Calendars }>(
            `select calendars from app_private.calendar_listings
             where id = $1 and user_id = $2 and form_version = $3 and read_at > $4`,
            [form.listing, userId, form.version, new Date(now - LISTING_MAX_AGE_MS)],
          );
          const current = (await listIntegrations(tx, userId)).map((i) => i.id).sort();
          // A listing from before a connect or disconnect describes other accounts.
          const same = row && JSON.stringify(Object.keys(row.calendars).sort()) === JSON.stringify(current);
          return same ? row.calendars : null;
        })
      : null;
  if (stored) {
    const unknown = unknownIn(stored, selected);
    // A complete listing decides; one with an unreadable account is asked again below.
    if (unknown.length === 0) return { ok: true, source: "listing" };
    if (Object.values(stored).every((urls) => urls !== null)) return { ok: false, reason: "unknown", unknown };
  }
  let accounts: AccountView[];
  try {
    accounts = await listAccounts(userId);
  } catch {
    return { ok: false, reason: "unchecked", message: UNCHECKED_MESSAGE };
  }
  const live = calendarsOf(accounts);
  const unknown = unknownIn(live, selected);
  if (unknown.length === 0) return { ok: true, source: "live" };
  if (Object.values(live).some((urls) => urls === null)) {
    const reason = accounts.find((a) => a.error)?.error?.message ?? "";
    return { ok: false, reason: "unchecked", message: `${UNCHECKED_MESSAGE} ${reason}`.trim() };
  }
  return { ok: false, reason: "unknown", unknown };
}

function unknownIn(calendars: Calendars, selected: string[]): string[] {
  const allowed = new Set(Object.values(calendars).flatMap((urls) => urls ?? []));
  return selected.filter((url) => !allowed.has(url));
}
