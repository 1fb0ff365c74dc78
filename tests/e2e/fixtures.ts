/**
 * Playwright fixtures for the e2e specs: a test asks for what it needs by name instead of a
 * `beforeEach` that guesses from the test's title whether to sign up.
 *
 *   signedInProvider   a brand-new provider account, signed in in `page` (nothing set up yet)
 *   publishedProvider  the same, with working hours, booking rules and WhatsApp saved and the page
 *                      published through the settings pages; exposes the slug
 *   radicaleAccount    a user with calendars on a real Radicale: one server per worker, a fresh
 *                      user per test (so a test may change its password or delete a calendar)
 *
 * Options, set with `test.use` in a describe block: `radicaleSetup` (the user name's prefix, the
 * calendars to create, `ownServer: true` for a test that stops its server), `providerSettings`
 * (what publishedProvider saves). Both are objects: test.use would read an array as [value, options].
 */
import { test as base, type Page } from "@playwright/test";
import { startRadicale, type RadicaleServer } from "../support/radicale";
import { saveBookingRules, saveProfile, saveWhatsApp, saveWorkingHours, vevent } from "./calendar-support";
import { signUpQuickly, uniqueSlug } from "./support";

export { expect } from "@playwright/test";

export type SignedInProvider = { page: Page; email: string; password: string };
export type PublishedProvider = SignedInProvider & { slug: string };

export type ProviderSettings = {
  hours: { timezone: string; days: number[]; start: string; end: string };
  booking: { slot: number; buffer: number; notice: number; horizon: number };
  whatsapp: { phone: string; template: string };
};

/** Every day 09:00–17:00 in Dubai, one-hour slots bookable from now for a week, WhatsApp on. */
export const DEFAULT_PROVIDER_SETTINGS: ProviderSettings = {
  hours: { timezone: "Asia/Dubai", days: [1, 2, 3, 4, 5, 6, 7], start: "09:00", end: "17:00" },
  booking: { slot: 60, buffer: 0, notice: 0, horizon: 7 },
  whatsapp: { phone: "+971 50 123 4567", template: "Hi! Can I book {date} at {time}?" },
};

export type CalendarSpec = { slug: string; displayName: string; components?: string[]; color?: string };
export type RadicaleSetup = { user: string; calendars: CalendarSpec[]; ownServer?: boolean };

export type RadicaleAccount = {
  server: RadicaleServer;
  username: string;
  /** The current password (follows setPassword). */
  readonly password: string;
  /** What the "Other CalDAV server" form takes. */
  readonly creds: { serverUrl: string; username: string; password: string };
  /** Calendar URL by display name. */
  calendars: Record<string, string>;
  putEvent(calendar: string, event: Parameters<typeof vevent>[0]): Promise<void>;
  deleteCalendar(calendar: string): Promise<void>;
  /** Changes the password on the server (the app's stored one is then wrong). */
  setPassword(password: string): Promise<void>;
};

type TestFixtures = {
  signedInProvider: SignedInProvider;
  publishedProvider: PublishedProvider;
  radicaleAccount: RadicaleAccount;
  providerSettings: ProviderSettings;
  radicaleSetup: RadicaleSetup;
};
type WorkerFixtures = { radicaleServer: RadicaleServer };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  providerSettings: [DEFAULT_PROVIDER_SETTINGS, { option: true }],
  radicaleSetup: [{ user: "alice", calendars: [{ slug: "work", displayName: "Work" }] }, { option: true }],

  signedInProvider: async ({ page }, use) => {
    // A plain form POST from the page's own context: its cookie jar gets the session. The sign-up
    // page itself is tested in auth.spec.ts.
    const { email, password } = await signUpQuickly(page);
    await use({ page, email, password });
  },

  publishedProvider: async ({ signedInProvider, providerSettings: s }, use) => {
    const { page } = signedInProvider;
    // Through the settings pages, as a provider would; each helper waits for "Saved.".
    await saveWorkingHours(page, s.hours);
    await saveBookingRules(page, s.booking);
    await saveWhatsApp(page, s.whatsapp);
    const slug = uniqueSlug("pub");
    await saveProfile(page, { slug, publish: true });
    await use({ ...signedInProvider, slug });
  },

  radicaleServer: [
    async ({}, use) => {
      const server = await startRadicale({ users: [] });
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],

  radicaleAccount: async ({ radicaleServer, radicaleSetup: setup }, use) => {
    const server = setup.ownServer ? await startRadicale({ users: [] }) : radicaleServer;
    try {
      // "alice" for the first alice on this server, then "alice2", …: readable in the app and the
      // screenshots, and never a user another test of this worker has changed.
      let username = setup.user;
      for (let n = 2; server.users.some((u) => u.name === username); n++) username = `${setup.user}${n}`;
      let password = `${username}-pass-${Math.random().toString(36).slice(2, 8)}`;
      await server.addUser(username, password);
      const calendars: Record<string, string> = {};
      for (const c of setup.calendars) {
        calendars[c.displayName] = await server.createCalendar(username, password, c.slug, {
          displayName: c.displayName,
          components: c.components,
          color: c.color,
        });
      }
      const url = (name: string) => {
        const found = calendars[name];
        if (!found) throw new Error(`no calendar "${name}" for ${username}`);
        return found;
      };
      await use({
        server,
        username,
        get password() {
          return password;
        },
        get creds() {
          return { serverUrl: server.url, username, password };
        },
        calendars,
        putEvent: (calendar, event) => server.putEvent(username, password, url(calendar), event.uid, vevent(event)),
        deleteCalendar: (calendar) => server.deleteCalendar(username, password, url(calendar)),
        async setPassword(next) {
          await server.setPassword(username, next);
          password = next;
        },
      });
    } finally {
      if (setup.ownServer) await server.stop();
    }
  },
});
