import path from "node:path";
import { z } from "zod";

/** How long one CalDAV request (verify, list, read) may take unless CALDAV_TIMEOUT_MS says otherwise. */
export const DEFAULT_CALDAV_TIMEOUT_MS = 15_000;
/** How long a public-page visitor may wait for a calendar when no usable copy exists. */
export const DEFAULT_CALDAV_PUBLIC_WAIT_MS = 2_000;

/** Environment, validated once. Every variable is listed in the README's configuration table. */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z.string().url().optional(),
  /** Connection for LISTEN (a direct or session-mode URL) when DATABASE_URL is a transaction-mode pooler. */
  DATABASE_LISTEN_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  SUPABASE_URL: z.string().url().optional(),
  SUPABASE_ANON_KEY: z.string().min(1).optional(),
  APP_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z.string().min(1).optional(),
  DEMO_SEED: z.enum(["true", "false"]).optional(),
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  CALDAV_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"]).optional(),
  CALDAV_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(DEFAULT_CALDAV_TIMEOUT_MS),
  BUSY_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  BUSY_STALE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(3 * 3600),
  PUBLIC_PAGE_MAX_AGE: z.coerce.number().int().min(0).max(3600).default(30),
  PUBLIC_PAGE_S_MAXAGE: z.coerce.number().int().min(0).max(3600).default(60),
  // Hardening (sessions, throttles, headers); see README.
  PUBLIC_PAGE_FRAME_ANCESTORS: z
    .string()
    .regex(
      /^(\*|'self'|https?:\/\/[A-Za-z0-9.*:-]+)( +(\*|'self'|https?:\/\/[A-Za-z0-9.*:-]+))*$/,
      "space-separated origins, e.g. https://example.com 'self'",
    )
    .optional(),
  AUTH_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  AUTH_DELAY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  /** Longest a visitor of a provider with no usable busy copy waits before "availability cannot be shown". */
  CALDAV_PUBLIC_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(DEFAULT_CALDAV_PUBLIC_WAIT_MS),
  /** How long a tap holds a slot; decimals allowed (tests use a few seconds). */
  HOLD_MINUTES: z.coerce.number().min(0.01).max(1440).default(20),
  /** Secret for hashing client addresses (abuse limits); default: derived from the encryption key. */
  HOLD_SALT: z.string().min(32, "HOLD_SALT must be at least 32 characters").optional(),
  /** Memory the in-process public-page caches (rendered pages, busy times) may hold, in MiB. */
  PUBLIC_CACHE_MAX_MB: z.coerce.number().min(1).max(16_384).default(64),
});

export type Env = z.infer<typeof schema> & {
  /** CalDAV servers on loopback/private networks: allowed in local development, off in production unless set. */
  caldavAllowPrivate: boolean;
  mode: "embedded" | "postgres" | "supabase";
  dataDir: string;
  appRoot: string;
};

let cached: Env | undefined;

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (cached && source === process.env) return cached;
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  // server.mjs keeps the operator's NODE_ENV in APP_ENV before defaulting NODE_ENV for React.
  if (source.APP_ENV) raw.NODE_ENV = source.APP_ENV;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const mode = e.DATABASE_URL ? (e.SUPABASE_URL && e.SUPABASE_ANON_KEY ? "supabase" : "postgres") : "embedded";
  if (e.SUPABASE_URL && !e.DATABASE_URL) {
    throw new Error("Invalid environment:\n  SUPABASE_URL needs DATABASE_URL (the Supabase pooler URL) as well");
  }
  const appRoot = source.APP_ROOT ?? process.cwd();
  const caldavAllowPrivate = e.CALDAV_ALLOW_PRIVATE_NETWORKS ? e.CALDAV_ALLOW_PRIVATE_NETWORKS === "true" : e.NODE_ENV !== "production";
  const env: Env = { ...e, mode, appRoot, caldavAllowPrivate, dataDir: path.resolve(appRoot, e.DATA_DIR) };
  if (source === process.env) cached = env;
  return env;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
