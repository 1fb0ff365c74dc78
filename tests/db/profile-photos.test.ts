/**
 * Issue 13: the profile's details and photo in the database. RLS keeps each provider's photo
 * row theirs; the public read finds a photo only by its fingerprint; the profile form and the
 * photo form write different parts of settings.profile without undoing each other.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoByHash } from "~/modules/booking-page/public-photo.server";
import { findPublishedProvider } from "~/modules/booking-page/published-provider.server";
import { ownPhotoJpeg, processPhoto, removePhoto, savePhoto, type ProcessedPhoto } from "~/modules/settings/photo.server";
import { getOrCreateProvider, profileVersion, saveProfile } from "~/modules/settings/providers.server";
import { withAnon, withUser, type Database } from "~/server/db.server";
import { backend, createUser, migratedDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
let photo: ProcessedPhoto;
beforeAll(async () => {
  ({ db, drop } = await migratedDatabase());
  const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();
  const result = await processPhoto(png);
  if (!result.ok) throw new Error(result.reason);
  photo = result.photo;
});
afterAll(() => drop());

async function settingsOf(userId: string) {
  const [row] = await db.query<{ settings: Record<string, unknown> }>("select settings from public.providers where owner_user_id = $1", [
    userId,
  ]);
  return row.settings;
}

describe(`profile details and photo (${backend})`, () => {
  it("the profile save stores the texts under settings.profile and keeps displayName where it was", async () => {
    const user = await createUser(db);
    const p = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    const result = await withUser(db, user, (tx) =>
      saveProfile(tx, user, {
        publicSlug: `p-${user.slice(0, 8)}`,
        displayName: "Kim",
        headline: "Personal trainer · JLT",
        about: "Line one\nLine two",
        location: "Dubai Marina",
        isPublic: false,
        version: profileVersion(p),
      }),
    );
    expect(result).toEqual({ ok: true });
    expect(await settingsOf(user)).toEqual({
      displayName: "Kim",
      profile: { headline: "Personal trainer · JLT", about: "Line one\nLine two", location: "Dubai Marina" },
    });
    // Emptied fields disappear; the others stay.
    const again = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    await withUser(db, user, (tx) =>
      saveProfile(tx, user, { publicSlug: again.public_slug!, displayName: "Kim", price: "AED 300", isPublic: false }),
    );
    expect((await settingsOf(user)).profile).toEqual({ price: "AED 300" });
  });

  it("the photo save and the profile save do not undo each other", async () => {
    const user = await createUser(db);
    await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: `q-${user.slice(0, 8)}`, headline: "Coach", isPublic: false }));
    const before = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    await withUser(db, user, (tx) => savePhoto(tx, user, photo));
    expect((await settingsOf(user)).profile).toEqual({ headline: "Coach", photo: photo.hash });
    // A new photo does not make an open profile form stale…
    const after = await withUser(db, user, (tx) => getOrCreateProvider(tx, user));
    expect(profileVersion(after)).toBe(profileVersion(before));
    // …and saving that form keeps the photo.
    await withUser(db, user, (tx) =>
      saveProfile(tx, user, {
        publicSlug: after.public_slug!,
        headline: "Coach and runner",
        isPublic: false,
        version: profileVersion(before),
      }),
    );
    expect((await settingsOf(user)).profile).toEqual({ headline: "Coach and runner", photo: photo.hash });
    expect(after.settings.profile).toEqual({ headline: "Coach", photo: photo.hash });
  });

  it("replacing keeps one row per provider; removing deletes the bytes and the reference", async () => {
    const user = await createUser(db);
    await withUser(db, user, (tx) => savePhoto(tx, user, photo));
    await withUser(db, user, (tx) => savePhoto(tx, user, photo));
    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from public.provider_photos where owner_user_id = $1", [user]);
    expect(n).toBe(1);
    expect(await withUser(db, user, (tx) => ownPhotoJpeg(tx, user))).toEqual(photo.jpeg);
    await withUser(db, user, (tx) => removePhoto(tx, user));
    expect(await withUser(db, user, (tx) => ownPhotoJpeg(tx, user))).toBeNull();
    expect(await settingsOf(user)).toEqual({ profile: {} });
  });

  it("RLS: a provider sees and changes only their own photo; anon sees none", async () => {
    const a = await createUser(db);
    const b = await createUser(db);
    await withUser(db, a, (tx) => savePhoto(tx, a, photo));
    // Positive control: the owner sees the row.
    expect(await withUser(db, a, (tx) => tx.query("select hash from public.provider_photos"))).toEqual([{ hash: photo.hash }]);
    expect(await withUser(db, b, (tx) => tx.query("select hash from public.provider_photos where owner_user_id = $1", [a]))).toEqual([]);
    await withUser(db, b, (tx) => tx.query("delete from public.provider_photos where owner_user_id = $1", [a]));
    await expect(
      withUser(db, b, (tx) =>
        tx.query("insert into public.provider_photos (owner_user_id, hash, webp, jpeg) values ($1, $2, $3, $4)", [
          a,
          "0".repeat(32),
          photo.webp,
          photo.jpeg,
        ]),
      ),
    ).rejects.toThrow();
    await expect(withAnon(db, (tx) => tx.query("select hash from public.provider_photos"))).rejects.toThrow(/permission denied/);
    expect(await withUser(db, a, (tx) => ownPhotoJpeg(tx, a))).toEqual(photo.jpeg);
  });

  it("the public read finds a photo by fingerprint only, and the published read carries the profile", async () => {
    const user = await createUser(db);
    const slug = `pub-${user.slice(0, 8)}`;
    await withUser(db, user, (tx) => savePhoto(tx, user, photo));
    await withUser(db, user, (tx) => saveProfile(tx, user, { publicSlug: slug, displayName: "Pat", location: "Marina", isPublic: false }));
    expect(await photoByHash(db, photo.hash, "webp")).toEqual(photo.webp);
    expect(await photoByHash(db, photo.hash, "jpeg")).toEqual(photo.jpeg);
    expect(await photoByHash(db, "f".repeat(32), "webp")).toBeNull();
    expect(await photoByHash(db, "' or true --", "webp")).toBeNull();
    // Unpublished: not found; published (hours and WhatsApp set by hand): the profile is there.
    expect(await findPublishedProvider(db, slug)).toBeNull();
    await db.query(`update public.providers set is_public = true, settings = settings || $2::jsonb where owner_user_id = $1`, [
      user,
      JSON.stringify({
        workingHours: { timezone: "Asia/Dubai", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" },
        whatsapp: { enabled: true, phoneE164: "+971500000000", messageTemplate: "Hi {date} {time}" },
      }),
    ]);
    const published = await findPublishedProvider(db, slug);
    expect(published?.profile).toEqual({ location: "Marina", photo: photo.hash });
    expect(published?.displayName).toBe("Pat");
  });
});
