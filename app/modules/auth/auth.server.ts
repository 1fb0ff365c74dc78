import { redirect } from "@remix-run/node";
import { createServerClient, parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import { checkPassword, createAccount, setPassword, verifyPassword, type Account } from "./accounts.server";
import { createSession, endSession, endUserSessions, readSession } from "./sessions.server";
import { accountKey, addressKey, attemptSucceeded, beginAttempt, tooManyAttemptsMessage } from "./throttle.server";
import { getDb } from "~/server/db.server";
import { getEnv } from "~/server/env.server";

export type AuthResult =
  | { ok: true; user: Account | null; headers: Headers; message?: string }
  | { ok: false; error: string; headers: Headers; retryAfterSeconds?: number };

/** "local": this browser; "global": every session of the account; "others": all but this one. */
export type SignOutScope = "local" | "global" | "others";

/** One interface, two implementations: Supabase Auth when configured, local accounts otherwise. */
export interface Auth {
  /** The signed-in user, verified on the server, plus any Set-Cookie headers to pass on. */
  getUser(request: Request): Promise<{ user: Account | null; headers: Headers }>;
  signIn(request: Request, email: string, password: string): Promise<AuthResult>;
  signUp(request: Request, email: string, password: string): Promise<AuthResult>;
  signOut(request: Request, scope?: SignOutScope): Promise<Headers>;
  /** Email links (Supabase only): exchanges a token hash for a session. */
  confirm(request: Request, tokenHash: string, type: string): Promise<AuthResult>;
  /** Sets a new password and signs out every other session. */
  changePassword(request: Request, user: Account, current: string | undefined, next: string): Promise<AuthResult>;
  /** "Forgot password?": Supabase sends its reset email; local accounts have no mail (null). */
  sendPasswordReset(request: Request, email: string): Promise<string | null>;
}

export const WRONG_CREDENTIALS = "Email or password is wrong.";
export const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

export const WRONG_CURRENT_PASSWORD = "Your current password is wrong.";

export const localAuth: Auth = {
  async getUser(request) {
    const headers = new Headers();
    // The session row, not just the signed cookie: revoked, idle or deleted accounts are out.
    const session = await readSession(await getDb(), request);
    if (!session) return { user: null, headers };
    if (session.refresh) headers.append("Set-Cookie", session.refresh);
    return { user: session.user, headers };
  },
  async signIn(_request, email, password) {
    const headers = new Headers();
    const db = await getDb();
    const user = await verifyPassword(db, email, password);
    if (!user) return { ok: false, error: WRONG_CREDENTIALS, headers };
    headers.append("Set-Cookie", await createSession(db, user.id));
    return { ok: true, user, headers };
  },
  async signUp(_request, email, password) {
    const headers = new Headers();
    const db = await getDb();
    const user = await createAccount(db, email, password);
    if (user === "exists") return { ok: false, error: EMAIL_TAKEN, headers };
    headers.append("Set-Cookie", await createSession(db, user.id));
    return { ok: true, user, headers };
  },
  async signOut(request, scope = "local") {
    const db = await getDb();
    if (scope !== "local") {
      const session = await readSession(db, request);
      if (session) await endUserSessions(db, session.user.id, scope === "others" ? request : undefined);
      if (scope === "others") return new Headers();
    }
    return new Headers({ "Set-Cookie": await endSession(db, request) });
  },
  async confirm() {
    return { ok: false, error: "Email links are not used with local accounts.", headers: new Headers() };
  },
  async changePassword(request, user, current, next) {
    const headers = new Headers();
    const db = await getDb();
    if (!current) return { ok: false, error: "Enter your current password", headers };
    if (!(await checkPassword(db, user.id, current))) return { ok: false, error: WRONG_CURRENT_PASSWORD, headers };
    await setPassword(db, user.id, next);
    await endUserSessions(db, user.id, request);
    return { ok: true, user, headers };
  },
  async sendPasswordReset() {
    return null;
  },
};

function supabaseFor(request: Request, headers: Headers) {
  const env = getEnv();
  return createServerClient(env.SUPABASE_URL!, env.SUPABASE_ANON_KEY!, {
    cookies: {
      getAll() {
        return parseCookieHeader(request.headers.get("Cookie") ?? "").map((c) => ({ name: c.name, value: c.value ?? "" }));
      },
      setAll(cookies) {
        for (const { name, value, options } of cookies) headers.append("Set-Cookie", serializeCookieHeader(name, value, options));
      },
    },
    cookieOptions: { secure: env.NODE_ENV === "production", sameSite: "lax", httpOnly: true, path: "/" },
    // Server-side auth only: no Realtime. Node 20 has no global WebSocket, and supabase-js would
    // refuse to construct without one, so give it a transport that is never opened.
    realtime: {
      transport: NoRealtime as unknown as NonNullable<NonNullable<Parameters<typeof createServerClient>[2]["realtime"]>["transport"]>,
    },
  });
}

class NoRealtime {
  constructor() {
    throw new Error("Realtime is not used on the server");
  }
}

export const supabaseAuth: Auth = {
  async getUser(request) {
    const headers = new Headers();
    if (!request.headers.get("Cookie")?.includes("sb-")) return { user: null, headers };
    // getUser() asks Supabase Auth to verify the token; the session cookie alone is not trusted.
    const { data, error } = await supabaseFor(request, headers).auth.getUser();
    if (error || !data.user) return { user: null, headers };
    return { user: { id: data.user.id, email: data.user.email ?? "" }, headers };
  },
  async signIn(request, email, password) {
    const headers = new Headers();
    const { data, error } = await supabaseFor(request, headers).auth.signInWithPassword({ email, password });
    if (error || !data.user) {
      if (error && /not confirmed/i.test(error.message))
        return { ok: false, error: "Confirm your email first: we sent you a link.", headers };
      return {
        ok: false,
        error: error && error.status && error.status >= 500 ? "Sign-in is unavailable right now. Try again shortly." : WRONG_CREDENTIALS,
        headers,
      };
    }
    return { ok: true, user: { id: data.user.id, email: data.user.email ?? email }, headers };
  },
  async signUp(request, email, password) {
    const headers = new Headers();
    // The confirmation link must point at our site, never at whatever Host a request claimed.
    const origin = getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
    const { data, error } = await supabaseFor(request, headers).auth.signUp({
      email,
      password,
      options: { emailRedirectTo: `${origin}/auth/confirm` },
    });
    if (error) {
      if (/already (registered|exists)/i.test(error.message) || error.code === "user_already_exists")
        return { ok: false, error: EMAIL_TAKEN, headers };
      return { ok: false, error: error.message, headers };
    }
    // With confirmations on, Supabase returns a user with no identities for an existing email.
    if (data.user && Array.isArray(data.user.identities) && data.user.identities.length === 0) {
      return { ok: false, error: EMAIL_TAKEN, headers };
    }
    if (!data.session) return { ok: true, user: null, headers, message: "Check your email for a link to confirm your account." };
    return { ok: true, user: data.user ? { id: data.user.id, email: data.user.email ?? email } : null, headers };
  },
  async signOut(request, scope = "local") {
    const headers = new Headers();
    await supabaseFor(request, headers).auth.signOut({ scope });
    return headers;
  },
  async changePassword(request, user, current, next) {
    const headers = new Headers();
    const client = supabaseFor(request, headers);
    // Supabase does not ask for the current password itself. When given, check it with a
    // sign-in (which refreshes this browser's session); after a reset email there is none.
    if (current) {
      const check = await client.auth.signInWithPassword({ email: user.email, password: current });
      if (check.error) return { ok: false, error: WRONG_CURRENT_PASSWORD, headers };
    }
    const { error } = await client.auth.updateUser({ password: next });
    if (error) return { ok: false, error: error.message, headers };
    await client.auth.signOut({ scope: "others" });
    return { ok: true, user, headers };
  },
  async sendPasswordReset(request, email) {
    const origin = getEnv().APP_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
    // The answer is the same whether or not the account exists.
    await supabaseFor(request, new Headers()).auth.resetPasswordForEmail(email, {
      redirectTo: `${origin}/auth/confirm?next=/settings/password`,
    });
    return "If an account exists for this address, we sent it a link to choose a new password.";
  },
  async confirm(request, tokenHash, type) {
    const headers = new Headers();
    const { data, error } = await supabaseFor(request, headers).auth.verifyOtp({
      token_hash: tokenHash,
      type: type as "email" | "signup" | "recovery" | "invite" | "magiclink" | "email_change",
    });
    if (error || !data.user) return { ok: false, error: "This link is invalid or has expired.", headers };
    return { ok: true, user: { id: data.user.id, email: data.user.email ?? "" }, headers };
  },
};

export function getAuth(): Auth {
  return getEnv().mode === "supabase" ? supabaseAuth : localAuth;
}

/** Remix's load context as server.mjs builds it (see app/server/hardening.server.ts). */
export function clientAddressOf(context: unknown): string {
  const address = (context as { clientAddress?: unknown } | undefined)?.clientAddress;
  return typeof address === "string" && address ? address : "unknown";
}

/**
 * Sign-in with throttling per account and per client address (both modes: Supabase has its own
 * limits, but ours hold per account and answer the same way). The message for a throttled
 * attempt is the same whether or not the account exists.
 */
export async function throttledSignIn(request: Request, context: unknown, email: string, password: string): Promise<AuthResult> {
  const db = await getDb();
  const account = accountKey("login", email);
  const address = addressKey("login", clientAddressOf(context));
  const attempt = await beginAttempt(db, [account, address]);
  if (!attempt.ok) {
    return {
      ok: false,
      error: tooManyAttemptsMessage(attempt.retryAfterSeconds, "sign-in"),
      headers: new Headers(),
      retryAfterSeconds: attempt.retryAfterSeconds,
    };
  }
  const result = await getAuth().signIn(request, email, password);
  if (result.ok) await attemptSucceeded(db, { reset: [account], undo: [address] });
  return result;
}

/** Sign-up, throttled per client address: refused sign-ups (address taken) count as failures. */
export async function throttledSignUp(request: Request, context: unknown, email: string, password: string): Promise<AuthResult> {
  const db = await getDb();
  const address = addressKey("signup", clientAddressOf(context));
  const attempt = await beginAttempt(db, [address]);
  if (!attempt.ok) {
    return {
      ok: false,
      error: tooManyAttemptsMessage(attempt.retryAfterSeconds, "sign-up"),
      headers: new Headers(),
      retryAfterSeconds: attempt.retryAfterSeconds,
    };
  }
  const result = await getAuth().signUp(request, email, password);
  if (result.ok) await attemptSucceeded(db, { undo: [address] });
  return result;
}

/** Only same-app paths: "/settings" yes; "//evil.com", "https://…", "/\\evil" no. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/settings"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\") || /[\r\n\t]/.test(to)) {
    return fallback;
  }
  return to;
}

/** For loaders and actions behind sign-in: the user, or a redirect to /login and back. */
export async function requireUser(request: Request): Promise<{ user: Account; headers: Headers }> {
  const { user, headers } = await getAuth().getUser(request);
  if (!user) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
    throw redirect(`/login?${params}`, { headers });
  }
  return { user, headers };
}
