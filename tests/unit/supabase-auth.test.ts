import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EMAIL_TAKEN, supabaseAuth, WRONG_CREDENTIALS } from "~/modules/auth/auth.server";
import { resetEnvCache } from "~/server/env.server";

// Supabase Auth (GoTrue) cannot run here, so its HTTP API is mocked; everything on our side is real.
const SUPABASE_URL = "http://supabase.test";
const USER = {
  id: "4b0b4f0e-7d8e-4c3a-8cf1-1b3a5f7b2a10",
  aud: "authenticated",
  role: "authenticated",
  email: "trainer@example.com",
  identities: [{ id: "x" }],
};

function jwt(sub: string) {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, role: "authenticated", aud: "authenticated", exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;
}
const GOOD_TOKEN = jwt(USER.id);
const session = () => ({
  access_token: GOOD_TOKEN,
  refresh_token: "refresh-1",
  token_type: "bearer",
  expires_in: 3600,
  expires_at: Math.floor(Date.now() / 1000) + 3600,
  user: USER,
});

const calls: string[] = [];
let revoked = false;
const server = setupServer(
  http.post(`${SUPABASE_URL}/auth/v1/token`, async ({ request }) => {
    const body = (await request.json()) as { email?: string; password?: string };
    calls.push(`token ${new URL(request.url).searchParams.get("grant_type")}`);
    if (body.email === USER.email && body.password === "right-password") return HttpResponse.json(session());
    return HttpResponse.json({ code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" }, { status: 400 });
  }),
  http.get(`${SUPABASE_URL}/auth/v1/user`, ({ request }) => {
    calls.push("user");
    const auth = request.headers.get("authorization");
    if (revoked || auth !== `Bearer ${GOOD_TOKEN}`) {
      return HttpResponse.json({ code: 401, error_code: "bad_jwt", msg: "invalid JWT" }, { status: 401 });
    }
    return HttpResponse.json(USER);
  }),
  http.post(`${SUPABASE_URL}/auth/v1/signup`, async ({ request }) => {
    const body = (await request.json()) as { email: string };
    calls.push("signup");
    if (body.email === "exists@example.com")
      return HttpResponse.json({ code: 422, error_code: "user_already_exists", msg: "User already registered" }, { status: 422 });
    // Confirmations on: a user without a session.
    return HttpResponse.json({ ...USER, id: "5b0b4f0e-7d8e-4c3a-8cf1-1b3a5f7b2a11", email: body.email });
  }),
  http.post(`${SUPABASE_URL}/auth/v1/verify`, async ({ request }) => {
    const body = (await request.json()) as { token_hash: string };
    calls.push("verify");
    if (body.token_hash === "good-hash") return HttpResponse.json(session());
    return HttpResponse.json({ code: 403, error_code: "otp_expired", msg: "Token has expired or is invalid" }, { status: 403 });
  }),
  http.post(`${SUPABASE_URL}/auth/v1/logout`, () => {
    calls.push("logout");
    return new HttpResponse(null, { status: 204 });
  }),
);

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    SUPABASE_URL,
    SUPABASE_ANON_KEY: "anon-key",
    DATABASE_URL: "postgres://unused@127.0.0.1:1/none",
    NODE_ENV: "test",
  });
  resetEnvCache();
  server.listen({ onUnhandledRequest: "error" });
});
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
  revoked = false;
});
afterAll(() => {
  server.close();
  process.env = saved;
  resetEnvCache();
});

const req = (cookie?: string) => new Request("http://localhost:3000/login", { headers: cookie ? { Cookie: cookie } : {} });

/** Turns Set-Cookie headers into the Cookie header a browser would send back. */
function cookieJar(headers: Headers) {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .filter((c) => !c.endsWith("="))
    .join("; ");
}

describe("Supabase Auth through @supabase/ssr (mocked GoTrue)", () => {
  it("signs in, sets the session cookies, and verifies the user with Supabase on the next request", async () => {
    const result = await supabaseAuth.signIn(req(), USER.email, "right-password");
    expect(result.ok).toBe(true);
    const setCookies = result.headers.getSetCookie();
    expect(setCookies.some((c) => /^sb-supabase-auth-token/.test(c))).toBe(true);
    expect(setCookies.every((c) => /HttpOnly/i.test(c) && /SameSite=Lax/i.test(c) && /Path=\//.test(c))).toBe(true);

    const { user } = await supabaseAuth.getUser(req(cookieJar(result.headers)));
    expect(user).toEqual({ id: USER.id, email: USER.email });
    expect(calls).toContain("user");
  });

  it("does not trust a session cookie that Supabase rejects", async () => {
    const result = await supabaseAuth.signIn(req(), USER.email, "right-password");
    revoked = true;
    const { user } = await supabaseAuth.getUser(req(cookieJar(result.headers)));
    expect(user).toBeNull();
  });

  it("a forged cookie is not a session", async () => {
    const forged = Buffer.from(JSON.stringify({ ...session(), access_token: jwt("someone-else") })).toString("base64url");
    const { user } = await supabaseAuth.getUser(req(`sb-supabase-auth-token=base64-${forged}`));
    expect(user).toBeNull();
  });

  it("a wrong password gives the generic message", async () => {
    const result = await supabaseAuth.signIn(req(), USER.email, "wrong");
    expect(result).toMatchObject({ ok: false, error: WRONG_CREDENTIALS });
  });

  it("sign-up asks to confirm the email; an existing email is refused clearly", async () => {
    const fresh = await supabaseAuth.signUp(req(), "new@example.com", "long-enough-1");
    expect(fresh).toMatchObject({ ok: true, user: null, message: expect.stringMatching(/confirm/i) });
    const existing = await supabaseAuth.signUp(req(), "exists@example.com", "long-enough-1");
    expect(existing).toMatchObject({ ok: false, error: EMAIL_TAKEN });
  });

  it("an email link's token hash becomes a session; a bad one does not", async () => {
    const ok = await supabaseAuth.confirm(req(), "good-hash", "email");
    expect(ok.ok).toBe(true);
    expect(ok.headers.getSetCookie().length).toBeGreaterThan(0);
    const bad = await supabaseAuth.confirm(req(), "bad-hash", "email");
    expect(bad).toMatchObject({ ok: false });
  });

  it("sign-out clears the cookies", async () => {
    const signedIn = await supabaseAuth.signIn(req(), USER.email, "right-password");
    const headers = await supabaseAuth.signOut(req(cookieJar(signedIn.headers)));
    const cleared = headers.getSetCookie();
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared.every((c) => /Max-Age=0/i.test(c) || /=;/.test(c))).toBe(true);
  });
});
