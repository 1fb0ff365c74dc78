import type { Client } from "pg";
import type { Env } from "./env.server";
import { announceAllProvidersChanged, PROVIDER_CHANGES, receiveProviderChanged, setProviderChangedRelay } from "./provider-events.server";
import { getDb } from "./db.server";
import crypto from "node:crypto";

/**
 * "Provider changed" across replicas: every announcement is sent as NOTIFY on one channel, and a
 * dedicated connection per process LISTENs to it, so every replica drops its copies within
 * moments of a save on any other. LISTEN needs a real session: a direct connection or a
 * session-mode pooler (Supabase: port 5432 of the pooler, or the direct host), never a
 * transaction-mode pooler (port 6543), which drops notifications. DATABASE_LISTEN_URL may name
 * such a connection when DATABASE_URL is a transaction-mode pooler.
 *
 * When the listening connection is lost, notifications may have been missed: it reconnects with
 * backoff and then flushes every cache once.
 */
export const CHANNEL = "slotline_provider_changed";
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

/** Tells this process's own notifications (already applied locally) from other replicas'. */
const INSTANCE = crypto.randomUUID();

type Bridge = { stop(): Promise<void>; connected(): boolean };

declare global {
  var __providerEventsBridge: Bridge | undefined;
}

export async function startProviderEventsBridge(env: Env, log: (line: string) => void = (l) => console.log(l)): Promise<Bridge | null> {
  const url = env.DATABASE_LISTEN_URL ?? env.DATABASE_URL;
  if (!url) return null;
  if (globalThis.__providerEventsBridge) return globalThis.__providerEventsBridge;
  const { default: pg } = await import("pg");
  let client: Client | null = null;
  let stopped = false;
  let attempt = 0;
  let everConnected = false;
  let missedSome = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    const lost = (why: string) => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners("notification");
      c.end().catch(() => {});
      if (!stopped) {
        log(`[events] LISTEN connection lost (${why}); reconnecting`);
        schedule();
      }
    };
    c.on("error", (err) => lost(err.message));
    c.on("end", () => lost("closed"));
    c.on("notification", (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const [instance, owner, change] = msg.payload.split(" ", 3);
      const kind = PROVIDER_CHANGES.find((c) => c === change) ?? "settings";
      if (instance !== INSTANCE && owner) receiveProviderChanged(owner, kind);
    });
    try {
      await c.connect();
      await c.query(`listen ${CHANNEL}`);
    } catch (err) {
      c.end().catch(() => {});
      // Changes announced elsewhere from now until we listen are missed: flush once we do.
      missedSome = true;
      log(`[events] LISTEN failed: ${err instanceof Error ? err.message : err}; retrying`);
      schedule();
      return;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    attempt = 0;
    // Anything announced while we were not listening is lost: start over from the database.
    if (everConnected || missedSome) {
      log("[events] LISTEN connection restored; flushing every cache");
      announceAllProvidersChanged();
    }
    everConnected = true;
    missedSome = false;
  };
  const schedule = () => {
    if (stopped) return;
    const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
    timer = setTimeout(() => void connect(), delay);
    timer.unref?.();
  };

  setProviderChangedRelay((owner, change) => {
    // Fire and forget: the save has committed; a failed NOTIFY only delays other replicas until
    // their own copies expire (seconds), it must not fail the save.
    getDb()
      .then((db) => db.query("select pg_notify($1, $2)", [CHANNEL, `${INSTANCE} ${owner} ${change}`]))
      .catch((err: unknown) => console.warn(`[events] NOTIFY failed: ${err instanceof Error ? err.message : err}`));
  });
  await connect();
  const bridge: Bridge = {
    connected: () => client !== null,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      setProviderChangedRelay(undefined);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
      globalThis.__providerEventsBridge = undefined;
    },
  };
  globalThis.__providerEventsBridge = bridge;
  log(`[events] provider changes shared through LISTEN/NOTIFY (${CHANNEL})`);
  return bridge;
}
