import { publishProblems } from "./publish";
import type { Booking, BookingCalendar, CalendarSelection, DateOverride, LocaleSettings, WhatsApp, WorkingHours } from "./schemas";
import { readSettings, type Settings } from "./stored";
import { sectionVersion } from "./version";
import type { Queryable } from "~/server/db.server";

/** Queries over a user-scoped transaction (see withUser): RLS decides what is visible. */
export type ProviderRow = {
  id: string;
  owner_user_id: string;
  public_slug: string | null;
  is_public: boolean;
  timezone: string;
  settings: unknown;
  updated_at: Date;
};

export type Provider = Omit<ProviderRow, "settings"> & { settings: Settings };

const COLUMNS = "id, owner_user_id, public_slug, is_public, timezone, settings, updated_at";

/** The user's provider row, created on first need (insert … on conflict do nothing, under RLS). */
export async function getOrCreateProvider(tx: Queryable, userId: string): Promise<Provider> {
  await tx.query("insert into public.providers (owner_user_id) values ($1) on conflict (owner_user_id) do nothing", [userId]);
  const [row] = await tx.query<ProviderRow>(`select ${COLUMNS} from public.providers where owner_user_id = $1`, [userId]);
  return { ...row, settings: readSettings(row.settings) };
}

export type SectionKey = "workingHours" | "whatsapp" | "booking" | "calendar" | "locale" | "dateOverrides" | "bookingCalendar";
type SectionValue = {
  workingHours: WorkingHours;
  whatsapp: WhatsApp;
  booking: Booking;
  // Two forms share this key (the selection and the all-day switch): each writes only its fields.
  calendar: Partial<CalendarSelection>;
  dateOverrides: DateOverride[];
  locale: LocaleSettings;
  bookingCalendar: BookingCalendar;
};

export type SaveResult = { ok: true } | { ok: false; reason: "stale" };

/** Version token of one stored section, as the form saw it (raw JSON, before defaults). */
export async function rawSection(tx: Queryable, userId: string, key: SectionKey): Promise<unknown> {
  const [row] = await tx.query<{ value: unknown }>("select settings -> $2 as value from public.providers where owner_user_id = $1", [
    userId,
    key,
  ]);
  return row?.value ?? null;
}

/**
 * Writes one key of settings atomically in SQL (jsonb_set on the current row), never the whole
 * object, so saves of different sections cannot overwrite each other. The row is locked first so
 * that the version check and the write see the same state: a form built from an older version of
 * this section is refused instead of silently undoing someone else's save.
 */
export async function saveSection<K extends SectionKey>(
  tx: Queryable,
  userId: string,
  key: K,
  value: SectionValue[K],
  expectedVersion: string | undefined,
): Promise<SaveResult> {
  await getOrCreateProvider(tx, userId);
  const [row] = await tx.query<{ value: unknown }>(
    "select settings -> $2 as value from public.providers where owner_user_id = $1 for update",
    [userId, key],
  );
  if (expectedVersion !== undefined && sectionVersion(row?.value ?? null) !== expectedVersion) return { ok: false, reason: "stale" };
  const json = JSON.stringify(value);
  if (key === "workingHours") {
    // The hours form owns the zone: the column and the JSON never disagree.
    await tx.query(
      "update public.providers set settings = jsonb_set(settings, array[$2::text], $3::jsonb, true), timezone = $4 where owner_user_id = $1",
      [userId, key, json, (value as WorkingHours).timezone],
    );
  } else if (key === "calendar") {
    // Merged into the section in SQL, still one key and one statement: the selection form does not
    // wipe the all-day switch and vice versa. A non-object (damaged) section is replaced.
    await tx.query(
      `update public.providers set settings = jsonb_set(settings, '{calendar}',
         case when jsonb_typeof(settings -> 'calendar') = 'object' then (settings -> 'calendar') || $2::jsonb else $2::jsonb end, true)
       where owner_user_id = $1`,
      [userId, json],
    );
  } else {
    await tx.query(
      "update public.providers set settings = jsonb_set(settings, array[$2::text], $3::jsonb, true) where owner_user_id = $1",
      [userId, key, json],
    );
  }
  return { ok: true };
}

export type ProfileInput = {
  publicSlug: string;
  displayName?: string;
  headline?: string;
  about?: string;
  location?: string;
  price?: string;
  isPublic: boolean;
  version?: string;
};
const PROFILE_TEXTS = ["headline", "about", "location", "price"] as const;
export type ProfileResult =
  | { ok: true }
  | { ok: false; reason: "stale" }
  | { ok: false; reason: "unpublishable"; problems: string[] }
  | { ok: false; reason: "slug-taken" };

/**
 * The profile section's version token, from the row as read (settings already cleaned by
 * readSettings). The form and the save both call this with the same kind of input, so an
 * untrimmed or damaged stored name cannot make every save look "changed elsewhere".
 */
export function profileVersion(p: Pick<Provider, "public_slug" | "is_public" | "settings">) {
  // The photo is left out: it has its own form, and a new photo should not make this one stale.
  const texts = Object.fromEntries(PROFILE_TEXTS.map((k) => [k, p.settings.profile?.[k] ?? null]));
  return sectionVersion({ slug: p.public_slug, isPublic: p.is_public, displayName: p.settings.displayName ?? null, ...texts });
}

/**
 * The profile section: columns public_slug and is_public, settings.displayName, and the texts of
 * settings.profile (merged into the stored object so the photo fingerprint stays).
 */
export async function saveProfile(tx: Queryable, userId: string, input: ProfileInput): Promise<ProfileResult> {
  await getOrCreateProvider(tx, userId);
  const [raw] = await tx.query<ProviderRow>(`select ${COLUMNS} from public.providers where owner_user_id = $1 for update`, [userId]);
  const row: Provider = { ...raw, settings: readSettings(raw.settings) };
  if (input.version !== undefined && profileVersion(row) !== input.version) {
    return { ok: false, reason: "stale" };
  }
  if (input.isPublic) {
    const problems = publishProblems(row.settings, input.publicSlug);
    if (problems.length > 0) return { ok: false, reason: "unpublishable", problems };
  }
  // Another provider's slug is invisible under RLS, but the unique index still sees it. A
  // savepoint turns that violation into a message instead of an aborted transaction.
  await tx.query("savepoint profile_save");
  try {
    await tx.query(
      `update public.providers
       set public_slug = $2, is_public = $3,
           settings = jsonb_set(
             case when $4::text is null then settings - 'displayName'
                  else jsonb_set(settings, '{displayName}', to_jsonb($4::text), true) end,
             '{profile}',
             ((case when jsonb_typeof(settings -> 'profile') = 'object' then settings -> 'profile' else '{}'::jsonb end)
               - 'headline' - 'about' - 'location' - 'price') || $5::jsonb,
             true)
       where owner_user_id = $1`,
      [
        userId,
        input.publicSlug,
        input.isPublic,
        input.displayName ?? null,
        JSON.stringify(Object.fromEntries(PROFILE_TEXTS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]))),
      ],
    );
  } catch (err) {
    const e = err as { code?: string; constraint?: string; message?: string };
    if (e.code === "23505" && (e.constraint === "providers_public_slug_uq" || e.message?.includes("providers_public_slug_uq"))) {
      await tx.query("rollback to savepoint profile_save");
      return { ok: false, reason: "slug-taken" };
    }
    throw err;
  }
  return { ok: true };
}
