/**
 * A least-recently-used map bounded by a size budget (bytes, or 1 per entry). Every in-process
 * cache of the public page uses one, so memory stays bounded whatever the number of slugs or
 * query strings visitors invent.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; size: number }>();
  private total = 0;

  constructor(
    private maxSize: number,
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Sum of the sizes of the entries held. */
  get weight(): number {
    return this.total;
  }

  get limit(): number {
    return this.maxSize;
  }

  setLimit(maxSize: number) {
    this.maxSize = maxSize;
    this.evict();
  }

  /** Reads and marks as recently used. */
  get(key: K): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  /** Reads without changing the order. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const size = this.sizeOf(value);
    // One entry larger than the whole budget is not kept at all.
    if (size > this.maxSize) return;
    this.map.set(key, { value, size });
    this.total += size;
    this.evict();
  }

  delete(key: K): boolean {
    const old = this.map.get(key);
    if (!old) return false;
    this.map.delete(key);
    this.total -= old.size;
    return true;
  }

  /** Drops every entry the predicate selects. */
  deleteWhere(predicate: (value: V, key: K) => boolean): number {
    let n = 0;
    for (const [key, { value }] of this.map) if (predicate(value, key) && this.delete(key)) n++;
    return n;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [key, { value }] of this.map) yield [key, value];
  }

  private evict() {
    for (const key of this.map.keys()) {
      if (this.total <= this.maxSize) break;
      this.delete(key);
    }
  }
}
