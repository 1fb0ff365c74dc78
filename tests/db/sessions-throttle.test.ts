/**
 * Revocable sessions and sign-in/sign-up throttling, over HTTP, on this backend. Durations are
 * shortened through the environment (AUTH_LOCK_SECONDS, AUTH_DELAY_BASE_MS) so lock expiry is
 * observable; the counts (5 failures → delays, 20 → lock) are the real ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResetToken } from "~/modules/auth/password-reset.server";
import { accountKey } from "~/modules/auth/throttle.server";
import type { Database } from "~/server/db.server";
import { decodeHtml, expectRedirect, formClient, type FormClient } from "../support/app-server";
import { startInProcessApp, type InProcessApp } from "../support/inprocess-app";
import { backend, freshDatabase } from "../support/test-db";

let db: Database;
let drop: () => Promise<void>;
let app: InProcessApp;
// Longer than a sign-in takes on a loaded machine (bcrypt), so "at once" really is within the delay.
const BASE_MS = 2000;
const LOCK_SECONDS = 6;
const PASSWORD = "session-password-1";
let seq = 0;
const email = (tag: string) => `${tag}-${Date.now()}-${++seq}@example.com`;

beforeAll(async () => {
  ({ db, drop } = await freshDatabase());
  app = await startInProcessApp(db, {
    env: { AUTH_LOCK_SECONDS: String(LOCK_SECONDS), AUTH_DELAY_BASE_MS: String(BASE_MS), TRUST_PROXY: "true" },
  });
}, 240_000);

afterAll(async () => {
  await app?.stop();
  await drop?.();
});

/** Each test client claims its own address (TRUST_PROXY is on), so tests do not throttle each other. */
function client(address = `198.51.100.${++seq % 250}`): FormClient & { address: string } {
  const c = formClient(app.url);
  const withAddress = (h?: Record<string, string>) => ({ "X-Forwarded-For": address, ...h });
  return {
    address,
    cookie: c.cookie,
    get: (p, h) => c.get(p, withAddress(h)),
    post: (p, f, h) => c.post(p, f, withAddress(h)),
  };
}

async function signUp(address?: string) {
  const c = client(address);
  const e = email("s");
  await expectRedirect(await c.post("/signup", { email: e, password: PASSWORD, redirectTo: "/settings" }), "sign up");
  return { c, email: e };
}

async function signIn(e: string, password = PASSWORD, address?: string) {
  const c = client(address);
  const res = await c.post("/login", { email: e, password, redirectTo: "/settings" });
  return { c, res };
}

/** A request with exactly this cookie, as an attacker replaying a copy would send it. */
async function settingsWith(cookie: string) {
  const res = await fetch(`${app.url}/settings`, { headers: { Cookie: cookie }, redirect: "manual" });
  await res.arrayBuffer();
  return res.status;
}

describe(`sessions (${backend})`, () => {
  it("a cookie copied before /logout is refused after it; other sessions stay", async () => {
    const { c, email: e } = await signUp();
    const copied = c.cookie();
    const other = (await signIn(e)).c.cookie();
    expect(await settingsWith(copied)).toBe(200);
    await expectRedirect(await c.post("/logout", {}), "logout");
    expect(await settingsWith(copied)).toBe(302);
    expect(await settingsWith(other)).toBe(200);
  });

  it("the cookie holds a random id, and the database only its hash", async () => {
    const { c } = await signUp();
    const value = decodeURIComponent(c.cookie().split("__session=")[1]);
    const id = JSON.parse(Buffer.from(value.split(".")[0], "base64").toString("utf8")) as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await db.query("select 1 from app_private.sessions where id_hash = $1", [id])).toHaveLength(0);
    // A forged id with a valid-looking shape but no signature is not a session.
    expect(await settingsWith(`__session=${encodeURIComponent(Buffer.from(JSON.stringify(id)).toString("base64"))}`)).toBe(302);
  });

  it("sign out everywhere ends every session of the account, and only that account's", async () => {
    const { c, email: e } = await signUp();
    const second = (await signIn(e)).c.cookie();
    const stranger = (await signUp()).c.cookie();
    await expectRedirect(await c.post("/logout", { scope: "global" }), "sign out everywhere");
    expect(await settingsWith(second)).toBe(302);
    expect(await settingsWith(c.cookie() || second)).toBe(302);
    expect(await settingsWith(stranger)).toBe(200);
  });

  it("the profile page offers 'Sign out everywhere' and a password change", async () => {
    const { c } = await signUp();
    const html = await (await c.get("/settings")).text();
    expect(html).toContain("Sign out everywhere");
    expect(html).toContain('href="/settings/password"');
  });

  it("a password change keeps this session and ends the others; the old password stops working", async () => {
    const { c, email: e } = await signUp();
    const other = (await signIn(e)).c.cookie();
    const res = await c.post("/settings/password", {
      intent: "change-password",
      currentPassword: PASSWORD,
      newPassword: "changed-pass-22",
    });
    expect(res.headers.get("location")).toBe("/settings/password?saved=1");
    expect(await settingsWith(c.cookie())).toBe(200);
    expect(await settingsWith(other)).toBe(302);
    expect((await signIn(e)).res.status).toBe(400);
    expect((await signIn(e, "changed-pass-22")).res.status).toBe(302);
  });

  it("a session idle for 30 days is refused; one used yesterday is not", async () => {
    const idle = await signUp();
    const recent = await signUp();
    const age = (e: string, interval: string) =>
      db.query(
        `update app_private.sessions s set last_seen_at = now() - $2::interval from auth.users u where u.id = s.user_id and u.email = $1`,
        [e, interval],
      );
    await age(idle.email, "30 days 1 minute");
    await age(recent.email, "1 day");
    expect(await settingsWith(idle.c.cookie())).toBe(302);
    expect(await settingsWith(recent.c.cookie())).toBe(200);
  });

  it("an operator's reset link works once, for 30 minutes, and signs out every session", async () => {
    const { c, email: e } = await signUp();
    const token = (await createResetToken(db, e))!;
    const page = await (await client().get(`/reset-password?token=${token}`)).text();
    expect(page).toContain("Set new password");
    const res = await client().post(`/reset-password?token=${token}`, { token, newPassword: "after-reset-123" });
    expect(res.headers.get("location")).toBe("/login?reset=1");
    expect(await settingsWith(c.cookie())).toBe(302);
    expect((await signIn(e, "after-reset-123")).res.status).toBe(302);
    // Used once: a second use is refused and changes nothing.
    const again = await client().post(`/reset-password`, { token, newPassword: "second-reset-123" });
    expect(again.status).toBe(400);
    expect(decodeHtml(await again.text())).toContain("invalid, already used or expired");
    expect((await signIn(e, "after-reset-123")).res.status).toBe(302);
    // Expired: 30 minutes after it was made.
    const late = (await createResetToken(db, e))!;
    await db.query("update app_private.password_resets set expires_at = now() - interval '1 second'");
    expect((await client().post(`/reset-password`, { token: late, newPassword: "late-reset-1234" })).status).toBe(400);
    const [row] = await db.query<{ token_hash: string }>("select token_hash from app_private.password_resets");
    expect(row.token_hash).not.toContain(late);
  });
});

describe(`sign-in throttling (${backend})`, () => {
  it("five failures answer 400, the sixth at once 429 with Retry-After; the wait passes", async () => {
    const { email: e } = await signUp();
    const address = `203.0.113.${++seq % 250}`;
    for (let i = 0; i < 5; i++) expect((await signIn(e, "wrong-password", address)).res.status).toBe(400);
    const { res } = await signIn(e, PASSWORD, address);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(decodeHtml(await res.text())).toContain("Too many sign-in attempts. Wait ");
    await new Promise((r) => setTimeout(r, BASE_MS + 100));
    expect((await signIn(e, PASSWORD, address)).res.status).toBe(302);
  });

  it("the answer is the same for an account that does not exist", async () => {
    const ghost = email("ghost");
    const address = `203.0.113.${++seq % 250}`;
    for (let i = 0; i < 5; i++) expect((await signIn(ghost, "wrong-password", address)).res.status).toBe(400);
    const { res } = await signIn(ghost, "wrong-password", address);
    expect(res.status).toBe(429);
    expect(decodeHtml(await res.text())).toContain("Too many sign-in attempts. Wait ");
  });

  it("50 parallel guesses: at most 5 are checked, the rest get 429", async () => {
    const { email: e } = await signUp();
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signIn(e, `guess-${i}`, `192.0.2.${i + 1}`).then(({ res }) => res.status)),
    );
    // While they ran, the delays (2 s, 4 s, … capped at half the lock) may have let a few
    // more through, one per delay that passed; never all of them.
    const elapsed = Date.now() - started;
    let allowed = 5;
    for (let t = 0, k = 0; (t += Math.min(BASE_MS * 2 ** k, (LOCK_SECONDS * 1000) / 2)) <= elapsed; k++) allowed++;
    expect(results.filter((s) => s === 400).length).toBeLessThanOrEqual(allowed);
    expect(results.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50 - allowed);
    expect(results.filter((s) => s >= 500)).toEqual([]);
  });

  it("after 20 failures the account is locked (even the right password), until the lock expires", async () => {
    const { email: e } = await signUp();
    const key = accountKey("login", e);
    // The 19 earlier failures as the counter holds them, the last one just past its delay
    // (capped at half the lock): waiting through each would take minutes.
    await db.query(
      "insert into app_private.auth_throttles (key, failures, last_failure_at) values ($1, 19, now() - make_interval(secs => $2))",
      [key, LOCK_SECONDS / 2 + 0.1],
    );
    expect((await signIn(e, "wrong-password")).res.status).toBe(400); // the 20th failure
    const locked = await signIn(e, PASSWORD);
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get("retry-after"))).toBe(LOCK_SECONDS);
    expect(decodeHtml(await locked.res.text())).toContain("Too many sign-in attempts");
    await new Promise((r) => setTimeout(r, LOCK_SECONDS * 1000 + 200));
    expect((await signIn(e, PASSWORD)).res.status).toBe(302);
    // Success starts the account's count again.
    expect(await db.query("select 1 from app_private.auth_throttles where key = $1", [key])).toHaveLength(0);
  }, 30_000);

  it("per client address: guesses at many accounts from one address are throttled there only", async () => {
    const address = `198.18.0.${++seq % 250}`;
    for (let i = 0; i < 5; i++) expect((await signIn(email("spray"), "wrong-password", address)).res.status).toBe(400);
    expect((await signIn(email("spray"), "wrong-password", address)).res.status).toBe(429);
    // Another address is not affected.
    expect((await signIn(email("spray"), "wrong-password", `198.18.1.${seq % 250}`)).res.status).toBe(400);
  });

  it("sign-up: refused sign-ups from one address are throttled the same way", async () => {
    const address = `198.19.0.${++seq % 250}`;
    const { email: taken } = await signUp();
    for (let i = 0; i < 5; i++) {
      expect((await client(address).post("/signup", { email: taken, password: "another-pass-1" })).status).toBe(400);
    }
    const res = await client(address).post("/signup", { email: email("new"), password: "another-pass-1" });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(decodeHtml(await res.text())).toContain("Too many sign-up attempts");
    // Successful sign-ups do not count: an office signing up together is not throttled.
    const office = `198.19.1.${seq % 250}`;
    for (let i = 0; i < 7; i++) await signUp(office);
  });
});
