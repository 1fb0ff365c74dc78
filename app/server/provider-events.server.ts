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
  for (const listener of listeners()) {
    try {
      listener(ownerUserId);
    } catch (err) {
      // One broken listener must not keep the others (or the save) from completing.
      console.error(`[events] provider-changed listener failed: ${err instanceof Error ? err.message : err}`);
    }
  }
}
