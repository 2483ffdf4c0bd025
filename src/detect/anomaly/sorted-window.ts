import { packFloats, SnapshotError, type Snapshottable, unpackFloats } from "./detector-snapshot.js";

/**
 * A sliding window of the last `capacity` numbers kept both in arrival order (a ring) and sorted,
 * so quantiles and ranks are O(log n) and each update is one binary search plus one array shift.
 * Memory is bounded by `capacity`.
 */
export class SortedWindow implements Snapshottable<string> {
  readonly capacity: number;
  readonly #ring: number[] = [];
  readonly #sorted: number[] = [];
  #head = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("capacity must be ≥ 1");
    this.capacity = Math.floor(capacity);
  }

  /** Number of values held. */
  get size(): number {
    return this.#sorted.length;
  }

  /** Adds a value, evicting the oldest when full. */
  push(value: number): void {
    if (this.#ring.length < this.capacity) {
      this.#ring.push(value);
    } else {
      const old = this.#ring[this.#head]!;
      this.#ring[this.#head] = value;
      this.#head = (this.#head + 1) % this.capacity;
      this.#sorted.splice(this.#lowerBound(old), 1);
    }
    this.#sorted.splice(this.#lowerBound(value), 0, value);
  }

  /** Drops every value. */
  clear(): void {
    this.#ring.length = 0;
    this.#sorted.length = 0;
    this.#head = 0;
  }

  /** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics; NaN when empty. */
  quantile(q: number): number {
    const n = this.#sorted.length;
    if (n === 0) return Number.NaN;
    const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return this.#sorted[lo]! + (pos - lo) * (this.#sorted[hi]! - this.#sorted[lo]!);
  }

  /** How many values are ≥ x. */
  countAtLeast(x: number): number {
    return this.#sorted.length - this.#lowerBound(x);
  }

  /** How many values are < x. */
  countBelow(x: number): number {
    return this.#lowerBound(x);
  }

  /** How many values are ≤ x. */
  countAtMost(x: number): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The largest `k` values, ascending. */
  top(k: number): number[] {
    return this.#sorted.slice(Math.max(0, this.#sorted.length - k));
  }

  /** Values in arrival order, oldest first. */
  values(): number[] {
    return [...this.#ring.slice(this.#head), ...this.#ring.slice(0, this.#head)];
  }

  /** The values in arrival order, packed (see detector-snapshot.ts). */
  snapshot(): string {
    return packFloats(this.values());
  }

  /** Takes the values of `snapshot()`, oldest first; more than `capacity` of them is refused. */
  restore(snapshot: string): void {
    const values = unpackFloats(snapshot, "window");
    if (values.length > this.capacity) {
      throw new SnapshotError(`window: ${values.length} values for a capacity of ${this.capacity}`);
    }
    this.clear();
    for (const v of values) this.#ring.push(v);
    for (const v of [...values].sort((a, b) => a - b)) this.#sorted.push(v);
  }

  #lowerBound(x: number): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
