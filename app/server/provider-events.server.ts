/**
 * "Provider changed": announced after a provider's settings, calendars or bookings changed (after
 * the transaction committed), heard by every cache that holds something derived from them. The
 * caches subscribe; no route clears a cache by hand.
 */
type Listener = (ownerUserId: string) => void;

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

export function announceProviderChanged(ownerUserId: string): void {
  notifyLocal(ownerUserId);
  // Other replicas hear it through Postgres (provider-events-pg.server.ts), when configured.
  globalThis.__providerChangedRelay?.(ownerUserId);
}

declare global {
  var __providerChangedRelay: ((ownerUserId: string) => void) | undefined;
}

/** The replica bridge sends every local announcement on with this. */
export function setProviderChangedRelay(relay: ((ownerUserId: string) => void) | undefined) {
  globalThis.__providerChangedRelay = relay;
}

/** An announcement that came from another replica: this process's caches only, not relayed again. */
export function receiveProviderChanged(ownerUserId: string): void {
  notifyLocal(ownerUserId);
}

function notifyLocal(ownerUserId: string): void {
  for (const listener of listeners()) {
    try {
      listener(ownerUserId);
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
