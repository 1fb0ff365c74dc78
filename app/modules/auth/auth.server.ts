import { createCookieSessionStorage, redirect, type SessionStorage } from "@remix-run/node";
import { createServerClient, parseCookieHeader, serializeCookieHeader } from "@supabase/ssr";
import { createAccount, findAccount, verifyPassword, type Account } from "./accounts.server";
import { getDb } from "~/server/db.server";
import { getEnv } from "~/server/env.server";
import { getSessionSecrets } from "~/server/session-secret.server";

export type AuthResult =
  { ok: true; user: Account | null; headers: Headers; message?: string } | { ok: false; error: string; headers: Headers };

/** One interface, two implementations: Supabase Auth when configured, local accounts otherwise. */
export interface Auth {
  /** The signed-in user, verified on the server, plus any Set-Cookie headers to pass on. */
  getUser(request: Request): Promise<{ user: Account | null; headers: Headers }>;
  signIn(request: Request, email: string, password: string): Promise<AuthResult>;
  signUp(request: Request, email: string, password: string): Promise<AuthResult>;
  signOut(request: Request): Promise<Headers>;
  /** Email links (Supabase only): exchanges a token hash for a session. */
  confirm(request: Request, tokenHash: string, type: string): Promise<AuthResult>;
}

export const WRONG_CREDENTIALS = "Email or password is wrong.";
export const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

let localSessions: SessionStorage<{ userId: string }> | undefined;
function sessions() {
  localSessions ??= createCookieSessionStorage<{ userId: string }>({
    cookie: {
      name: "__session",
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: getEnv().NODE_ENV === "production",
      secrets: getSessionSecrets(),
      maxAge: 60 * 60 * 24 * 30,
    },
  });
  return localSessions;
}

export const localAuth: Auth = {
  async getUser(request) {
    const headers = new Headers();
    const cookie = request.headers.get("Cookie");
    if (!cookie?.includes("__session=")) return { user: null, headers };
    const session = await sessions().getSession(cookie);
    const id = session.get("userId");
    if (typeof id !== "string") return { user: null, headers };
    // The cookie is signed, but the account may have been deleted since.
    return { user: await findAccount(await getDb(), id), headers };
  },
  async signIn(request, email, password) {
    const headers = new Headers();
    const user = await verifyPassword(await getDb(), email, password);
    if (!user) return { ok: false, error: WRONG_CREDENTIALS, headers };
    headers.append("Set-Cookie", await commitUser(request, user.id));
    return { ok: true, user, headers };
  },
  async signUp(request, email, password) {
    const headers = new Headers();
    const user = await createAccount(await getDb(), email, password);
    if (user === "exists") return { ok: false, error: EMAIL_TAKEN, headers };
    headers.append("Set-Cookie", await commitUser(request, user.id));
    return { ok: true, user, headers };
  },
  async signOut(request) {
    const session = await sessions().getSession(request.headers.get("Cookie"));
    return new Headers({ "Set-Cookie": await sessions().destroySession(session) });
  },
  async confirm() {
    return { ok: false, error: "Email links are not used with local accounts.", headers: new Headers() };
  },
};

async function commitUser(request: Request, userId: string) {
  const session = await sessions().getSession(request.headers.get("Cookie"));
  session.set("userId", userId);
  return sessions().commitSession(session);
}

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
  async signOut(request) {
    const headers = new Headers();
    await supabaseFor(request, headers).auth.signOut();
    return headers;
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
