/**
 * "Provider changed": announced after a provider's settings, calendars or bookings changed (after
 * the transaction committed), heard by every cache that holds something derived from them. The
 * caches subscribe; no route clears a cache by hand.
 */
/**
 * What changed. "settings": hours, rules, selection, bookings; derived copies may be kept while
 * they are refreshed. "calendar-access": an account or feed was connected, reconnected or
 * removed; busy times read through the old access are no longer the provider's word.
 */
export type ProviderChange = "settings" | "calendar-access";
export const PROVIDER_CHANGES: readonly ProviderChange[] = ["settings", "calendar-access"];
type Listener = (ownerUserId: string, change: ProviderChange) => void;

declare global {
  // One set per process, even when `remix dev` reloads modules.
  var __providerChangedListeners: Set<Listener> | undefined;
}

function listeners(): Set<Listener> {
  globalThis.__providerChangedListeners ??= new Set();
  return globalThis.__providerChangedListeners;
}

/** Returns the unsubscribe function. */
export function onProviderChanged(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function announceProviderChanged(ownerUserId: string, change: ProviderChange = "settings"): void {
  notifyLocal(ownerUserId, change);
  // Other replicas hear it through Postgres (provider-events-pg.server.ts), when configured.
  globalThis.__providerChangedRelay?.(ownerUserId, change);
}

type Relay = (ownerUserId: string, change: ProviderChange) => void;
declare global {
  var __providerChangedRelay: Relay | undefined;
}

/** The replica bridge sends every local announcement on with this. */
export function setProviderChangedRelay(relay: Relay | undefined) {
  globalThis.__providerChangedRelay = relay;
}

/** An announcement that came from another replica: this process's caches only, not relayed again. */
export function receiveProviderChanged(ownerUserId: string, change: ProviderChange = "settings"): void {
  notifyLocal(ownerUserId, change);
}

function notifyLocal(ownerUserId: string, change: ProviderChange): void {
  for (const listener of listeners()) {
    try {
      listener(ownerUserId, change);
    } catch (err) {
      // One broken listener must not keep the others (or the save) from completing.
      console.error(`[events] provider-changed listener failed: ${err instanceof Error ? err.message : err}`);
    }
  }
}

/*
 * "Everything may have changed": after this process lost its LISTEN connection (replicas), a
 * notification may have been missed, so every cache drops everything it holds.
 */
type FlushListener = () => void;
declare global {
  var __providersFlushedListeners: Set<FlushListener> | undefined;
}

export function onProvidersFlushed(listener: FlushListener): () => void {
  globalThis.__providersFlushedListeners ??= new Set();
  globalThis.__providersFlushedListeners.add(listener);
  return () => globalThis.__providersFlushedListeners?.delete(listener);
}

export function announceAllProvidersChanged(): void {
  for (const listener of globalThis.__providersFlushedListeners ?? []) {
    try {
      listener();
    } catch (err) {
      console.error(`[events] flush listener failed: ${err instanceof Error ? err.message : err}`);
    }
  }
}
