/**
 * A bounded map that forgets the least recently used entries when it holds more than
 * `maxEntries`, or when the weights of its entries add up to more than `maxWeight`.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {
    if (!(maxEntries >= 1)) throw new Error('LruCache maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting marks the entry as the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, weight = 0): void {
    this.delete(key);
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    this.evict();
  }

  /** Changes the weight of an entry still held (e.g. once a pending value is known); no-op otherwise. */
  reweigh(key: K, weight: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.totalWeight += weight - entry.weight;
    entry.weight = weight;
    this.evict();
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries || (this.totalWeight > this.maxWeight && this.entries.size > 0)) {
      this.delete(this.entries.keys().next().value as K);
    }
  }
}
