import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sectionVersion } from "~/modules/settings/version";
import { getOrCreateProvider, profileVersion, rawSection, saveProfile, saveSection } from "~/modules/settings/providers.server";
import { withUser, type Database } from "~/server/db.server";
import { backend, createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await migratedDatabase()));
afterAll(() => drop());

const HOURS = { timezone: "Europe/Berlin", days: [1, 3, 5], start: "08:30", end: "15:00" };
const WHATSAPP = { enabled: true, phoneE164: "+971501234567", messageTemplate: "Hi! Can I book {date} at {time}?" };
const BOOKING = { slotMinutes: 45, bufferMinutes: 15, minNoticeHours: 4, horizonDays: 30 };

async function stored(userId: string) {
  const [row] = await db.query<{ settings: Record<string, unknown>; timezone: string }>(
    "select settings, timezone from public.providers where owner_user_id = $1",
    [userId],
  );
  return row;
}

describe(`settings saves (${backend})`, () => {
  it("creates the provider row on first need, once", async () => {
    const user = await createUser(db);
    const [a, b] = await Promise.all([
      withUser(db, user, (tx) => getOrCreateProvider(tx, user)),
      withUser(db, user, (tx) => getOrCreateProvider(tx, user)),
    ]);
    expect(a.id).toBe(b.id);
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from public.providers where owner_user_id = $1", [user]);
    expect(n).toBe(1);
  });

  // The profile form's version comes from the cleaned row; the save used to hash the raw JSON, so
  // an untrimmed or damaged stored name made every profile save fail as "changed elsewhere".
  for (const [label, stored] of [
    ["an untrimmed display name", "  Anna Trainer  "],
    ["a damaged display name (a number)", 42],
    ["a well-formed display name (control)", "Anna Trainer"],
  ] as const) {
    it(`saves the profile when the stored row has ${label}`, async () => {
      const user = await createUser(db);
      await db.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
        user,
        JSON.stringify({ displayName: stored }),
      ]);
      const loaded = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
      const result = await withUser(db, user, (tx) =>
        saveProfile(tx, user, {
          publicSlug: `anna-${user.slice(0, 8)}`,
          displayName: "Anna",
          isPublic: false,
          version: profileVersion(loaded),
        }),
      );
      expect(result).toEqual({ ok: true });
      const [row] = await db.query<{ name: unknown }>(
        "select settings -> 'displayName' as name from public.providers where owner_user_id = $1",
        [user],
      );
      expect(row.name).toBe("Anna");
    });
  }

  it("still refuses a profile save from an older version (positive control for the token)", async () => {
    const user = await createUser(db);
    const loaded = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    const v = profileVersion(loaded);
    expect(
      await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: `ben-${user.slice(0, 8)}`, isPublic: false, version: v })),
    ).toEqual({ ok: true });
    expect(
      await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: `ben2-${user.slice(0, 8)}`, isPublic: false, version: v })),
    ).toEqual({ ok: false, reason: "stale" });
  });

  it("writes only its own key, and the hours form also sets the timezone column", async () => {
    const user = await createUser(db);
    await db.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
      user,
      JSON.stringify({ whatsapp: WHATSAPP, legacyKey: { keep: true } }),
    ]);
    await withUser(db, user, (tx) => saveSection(tx, user, "workingHours", HOURS, undefined));
    const row = await stored(user);
    expect(row.settings).toEqual({ whatsapp: WHATSAPP, legacyKey: { keep: true }, workingHours: HOURS });
    expect(row.timezone).toBe("Europe/Berlin");
    await withUser(db, user, (tx) => saveSection(tx, user, "booking", BOOKING, undefined));
    expect((await stored(user)).settings).toEqual({ whatsapp: WHATSAPP, legacyKey: { keep: true }, workingHours: HOURS, booking: BOOKING });
  });

  it("refuses a save based on a stale version of the same section and keeps the newer data", async () => {
    const user = await createUser(db);
    await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    const v0 = sectionVersion(await withUser(db, user, (tx) => rawSection(tx, user, "whatsapp")));
    const first = await withUser(db, user, (tx) => saveSection(tx, user, "whatsapp", WHATSAPP, v0));
    expect(first).toEqual({ ok: true });
    const other = { ...WHATSAPP, messageTemplate: "Hello, {date} {time} please" };
    const second = await withUser(db, user, (tx) => saveSection(tx, user, "whatsapp", other, v0));
    expect(second).toEqual({ ok: false, reason: "stale" });
    expect((await stored(user)).settings.whatsapp).toEqual(WHATSAPP);
    // Saving another section with its own (current) version is not affected.
    const vb = sectionVersion(null);
    expect(await withUser(db, user, (tx) => saveSection(tx, user, "booking", BOOKING, vb))).toEqual({ ok: true });
  });

  it("concurrent saves of two sections lose nothing (many rounds)", async () => {
    const user = await createUser(db);
    await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    for (let round = 0; round < 40; round++) {
      const hours = { ...HOURS, start: `0${round % 9}:00`.slice(-5) };
      const booking = { ...BOOKING, slotMinutes: 10 + round };
      const whatsapp = { ...WHATSAPP, messageTemplate: `Round ${round}: {date} {time}` };
      await Promise.all([
        withUser(db, user, (tx) => saveSection(tx, user, "workingHours", hours, undefined)),
        withUser(db, user, (tx) => saveSection(tx, user, "booking", booking, undefined)),
        withUser(db, user, (tx) => saveSection(tx, user, "whatsapp", whatsapp, undefined)),
      ]);
      const { settings } = await stored(user);
      expect(settings.workingHours).toEqual(hours);
      expect(settings.booking).toEqual(booking);
      expect(settings.whatsapp).toEqual(whatsapp);
    }
  });

  it("two saves of the same section from the same version: exactly one wins", async () => {
    const user = await createUser(db);
    await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    const v = sectionVersion(null);
    const results = await Promise.all(
      [30, 45].map((slot) => withUser(db, user, (tx) => saveSection(tx, user, "booking", { ...BOOKING, slotMinutes: slot }, v))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("profile: slug taken by another provider is a message, not an error, and nothing changes", async () => {
    const [a, b] = [await createUser(db), await createUser(db)];
    expect(await withUser(db, a, (tx) => saveProfile(tx, a, { publicSlug: "taken-slug", isPublic: false }))).toEqual({ ok: true });
    expect(await withUser(db, b, (tx) => saveProfile(tx, b, { publicSlug: "taken-slug", isPublic: false, displayName: "B" }))).toEqual({
      ok: false,
      reason: "slug-taken",
    });
    const [row] = await db.query<{ public_slug: string | null; settings: unknown }>(
      "select public_slug, settings from public.providers where owner_user_id = $1",
      [b],
    );
    expect(row).toEqual({ public_slug: null, settings: {} });
  });

  it("profile: publishing is refused with reasons until slug, hours and WhatsApp are set", async () => {
    const user = await createUser(db);
    const refused = await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: "ready-soon", isPublic: true }));
    expect(refused.ok).toBe(false);
    expect(refused).toMatchObject({ reason: "unpublishable" });
    expect((refused as { problems: string[] }).problems).toHaveLength(2);
    await withUser(db, user, async (tx) => {
      await saveSection(tx, user, "workingHours", HOURS, undefined);
      await saveSection(tx, user, "whatsapp", WHATSAPP, undefined);
    });
    expect(await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: "ready-soon", isPublic: true }))).toEqual({ ok: true });
  });

  it("malformed stored settings read as defaults with a hint, never a crash", async () => {
    const user = await createUser(db);
    await db.query("insert into public.providers (owner_user_id, settings) values ($1, $2::jsonb)", [
      user,
      JSON.stringify({ workingHours: { days: "mon-fri" }, whatsapp: 42, booking: { slotMinutes: "lots" }, calendar: [] }),
    ]);
    const p = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    expect(p.settings.workingHours).toBeNull();
    expect(p.settings.booking.slotMinutes).toBe(60);
    expect(p.settings.problems.length).toBeGreaterThanOrEqual(3);
  });
});
