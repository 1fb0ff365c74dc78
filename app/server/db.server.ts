import fs from "node:fs";
import { getEnv, type Env } from "./env.server";

/** The one interface both backends implement. Values in, rows out; SQL stays in the modules' *.server.ts files. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: "embedded" | "postgres";
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openEmbedded(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { pgcrypto }, { btree_gist }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pgcrypto"),
    // The bookings table's exclusion constraint (one active hold per slot) needs it.
    import("@electric-sql/pglite/contrib/btree_gist"),
  ]);
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir ? `file://${dataDir}` : undefined, { extensions: { pgcrypto, btree_gist } });
  const wrap = (q: Pick<typeof pg, "query" | "exec">): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  return {
    kind: "embedded",
    ...wrap(pg),
    // PGlite is one connection; its transaction() queues callers, which is what we want.
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}

export async function openPostgres(url: string, poolMax = 10): Promise<Database> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => console.error(`[db] idle connection error: ${err.message}`));
  const wrap = (c: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await c.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  return {
    kind: "postgres",
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query("begin");
        const result = await fn(wrap(client));
        await client.query("commit");
        return result;
      } catch (err) {
        // A connection that could not roll back may still carry this user's role and claims:
        // destroy it rather than hand it to the next request.
        broken = await client.query("rollback").then(
          () => false,
          () => true,
        );
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Runs fn in a transaction as Supabase's API would for this user: role authenticated and the
 * user's JWT claims, so the RLS policies guard our own queries too.
 */
export function withUser<T>(db: Database, userId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
      JSON.stringify({ sub: userId, role: "authenticated" }),
    ]);
    return fn(tx);
  });
}

/** Anonymous caller, as Supabase's API with the anon key. Used by tests and nothing public. */
export function withAnon<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'anon', true)", [
      JSON.stringify({ role: "anon" }),
    ]);
    return fn(tx);
  });
}

/**
 * The narrow privileged path (role service_role, which bypasses RLS) for the public page and for
 * account management. Only the modules that own public reads call it (ESLint enforces the list), and each caller selects named columns.
 */
export function withService<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'service_role', true)", [
      JSON.stringify({ role: "service_role" }),
    ]);
    return fn(tx);
  });
}

declare global {
  // Survives module reloads in `remix dev`, so one process keeps one database handle.
  var __db: Promise<Database> | undefined;
}

export function openDatabase(env: Env): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL, env.DATABASE_POOL_MAX) : openEmbedded(env.dataDir);
}

/** The process-wide database. Migrated by boot() before the server listens. */
export function getDb(): Promise<Database> {
  global.__db ??= openDatabase(getEnv());
  return global.__db;
}

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "EAI_AGAIN",
]);
const CONNECTION_ERROR_MESSAGES =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended unexpectedly|the database system is (starting up|shutting down)|terminating connection due to administrator command/i;

/**
 * The database cannot be reached (down, restarting, network): callers answer 503 and keep serving
 * what they still hold, rather than a 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== "object") return false;
    const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    if (
      typeof code === "string" &&
      (CONNECTION_ERROR_CODES.has(code) || code.startsWith("08") || ["57P01", "57P02", "57P03"].includes(code))
    )
      return true;
    if (typeof message === "string" && CONNECTION_ERROR_MESSAGES.test(message)) return true;
    // AggregateError from a failed connect to several addresses (IPv4 + IPv6).
    if (Array.isArray(errors) && errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}
