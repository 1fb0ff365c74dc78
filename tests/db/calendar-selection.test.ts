/**
 * Saving the calendar selection against the list the page was rendered with, over HTTP, with a
 * real CalDAV server (Radicale) that goes down half-way: a fresh listing saves without CalDAV, an
 * old or incomplete one is checked live, and when that fails the answer is "could not be
 * checked; nothing was changed", never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNCHECKED_MESSAGE } from "~/modules/calendar/listings.server";
import type { Database } from "~/server/db.server";
import { decodeHtml, expectRedirect, formClient, hiddenVersion, type FormClient } from "../support/app-server";
import { startInProcessApp, type InProcessApp } from "../support/inprocess-app";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { backend, freshDatabase } from "../support/test-db";

const ALICE_PW = "alice-pass-1";
let db: Database;
let drop: () => Promise<void>;
let app: InProcessApp;
let radicale: RadicaleServer;
let provider: FormClient;
let email: string;
let work: string;
let home: string;

beforeAll(async () => {
  radicale = await startRadicale();
  work = await radicale.createCalendar("alice", ALICE_PW, "work", { displayName: "Work" });
  home = await radicale.createCalendar("alice", ALICE_PW, "home", { displayName: "Home" });
  ({ db, drop } = await freshDatabase());
  app = await startInProcessApp(db);
  provider = formClient(app.url);
  email = `cal-${Date.now()}@example.com`;
  await expectRedirect(await provider.post("/signup", { email, password: "provider-pass-1", redirectTo: "/settings" }), "sign up");
  await expectRedirect(
    await provider.post("/settings/calendar", {
      intent: "connect",
      type: "caldav",
      serverUrl: radicale.url,
      username: "alice",
      password: ALICE_PW,
    }),
    "connect",
  );
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await drop?.();
  await radicale?.stop();
});

async function page() {
  const html = await (await provider.get("/settings/calendar")).text();
  const listing = /name="listing" value="([^"]+)"/.exec(html)?.[1];
  return { html, version: hiddenVersion(html), listing };
}

async function selected(): Promise<unknown> {
  const [row] = await db.query<{ ids: unknown }>(
    `select p.settings #> '{calendar,selectedCalendarIds}' as ids from public.providers p
     join auth.users u on u.id = p.owner_user_id where u.email = $1`,
    [email],
  );
  return row?.ids ?? null;
}

async function save(ids: string[], form: { version: string; listing?: string }) {
  const started = Date.now();
  const res = await provider.post("/settings/calendar", {
    intent: "select",
    selectedCalendarIds: ids,
    version: form.version,
    ...(form.listing ? { listing: form.listing } : {}),
  });
  return { res, text: decodeHtml(await res.text()), ms: Date.now() - started };
}

describe(`calendar selection against the rendered list (${backend})`, () => {
  it("with the server up, a form without a listing is checked live and saved", async () => {
    const { version } = await page();
    const { res, ms } = await save([work], { version });
    expect(res.status).toBe(302);
    expect(await selected()).toEqual([work]);
    console.log(`[calendar-selection ${backend}] save checked live over CalDAV: ${ms} ms`);
  });

  it("the page keeps the list it showed, keyed to the form's version", async () => {
    const { html, version, listing } = await page();
    expect(html).toContain(work);
    expect(listing).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await db.query<{ form_version: string; calendars: Record<string, string[]> }>(
      "select form_version, calendars from app_private.calendar_listings where id = $1",
      [listing],
    );
    expect(row.form_version).toBe(version);
    expect(Object.values(row.calendars).flat().sort()).toEqual([home, work].sort());
  });

  it("exactly one calendar that is not in the account: a message, not a 500; nothing changed", async () => {
    const { version, listing } = await page();
    const before = await selected();
    const { res, text } = await save([`${radicale.url}/alice/deleted-calendar/`], { version, listing });
    expect(res.status).toBe(400);
    expect(text).toContain("These calendars are not in your connected account");
    expect(await selected()).toEqual(before);
  });

  describe("during a CalDAV outage", () => {
    let fresh: { version: string; listing?: string };
    beforeAll(async () => {
      fresh = await page();
      await radicale.stop();
    });

    it("a save from a freshly rendered page succeeds from that list, without asking CalDAV", async () => {
      const { res, ms } = await save([home, work], fresh as { version: string; listing: string });
      expect(res.status).toBe(302);
      expect(await selected()).toEqual([home, work]);
      expect(ms).toBeLessThan(2000);
      console.log(`[calendar-selection ${backend}] save from the rendered listing (CalDAV down): ${ms} ms`);
    });

    it("a page rendered during the outage cannot vouch for anything: could not be checked, nothing changed", async () => {
      const { version, listing } = await page();
      const before = await selected();
      const { res, text } = await save([home], { version, listing });
      expect(res.status).toBe(400);
      expect(text).toContain(UNCHECKED_MESSAGE);
      expect(await selected()).toEqual(before);
    });

    it("a list older than 10 minutes is read again; the server being down, nothing changes", async () => {
      const { version, listing } = await page();
      // The complete list from before the outage, as if this form had been open for 11 minutes.
      await db.query("update app_private.calendar_listings set form_version = $2, read_at = now() - interval '11 minutes' where id = $1", [
        fresh.listing,
        version,
      ]);
      const before = await selected();
      const old = await save([work], { version, listing: fresh.listing });
      expect(old.res.status).toBe(400);
      expect(old.text).toContain(UNCHECKED_MESSAGE);
      expect(await selected()).toEqual(before);
      // Positive control: the same list at 9 minutes old still decides, and the save goes through.
      await db.query("update app_private.calendar_listings set read_at = now() - interval '9 minutes' where id = $1", [fresh.listing]);
      const recent = await save([work], { version, listing: fresh.listing });
      expect(recent.res.status).toBe(302);
      expect(await selected()).toEqual([work]);
      expect(listing).toBeTruthy();
    });

    it("a listing of another version, or a forged id, is not used", async () => {
      const { version } = await page();
      for (const listing of [fresh.listing!, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
        const { res, text } = await save([home], { version, listing });
        expect(res.status).toBe(400);
        expect(text).toContain(UNCHECKED_MESSAGE);
      }
      expect(await selected()).toEqual([work]);
    });

    it("an empty selection needs no check", async () => {
      const { version } = await page();
      const { res } = await save([], { version });
      expect(res.status).toBe(302);
      expect(await selected()).toEqual([]);
    });
  });
});
