import {
  numberField,
  packFloats,
  record,
  SnapshotError,
  type Snapshottable,
  unpackFloats,
} from "./detector-snapshot.js";

/** Serialised `SlidingMax`: its deque (indices and values, packed) and the next index. */
export interface SlidingMaxSnapshot {
  indices: string;
  values: string;
  index: number;
}

/** Maximum over the last `span` pushed values in O(1) amortised time (a monotonic deque). */
export class SlidingMax implements Snapshottable<SlidingMaxSnapshot> {
  readonly #span: number;
  readonly #deque: { i: number; v: number }[] = [];
  #index = 0;

  constructor(span: number) {
    this.#span = Math.max(1, Math.floor(span));
  }

  /** The maximum of the last `span` values (−∞ when none). */
  get max(): number {
    return this.#deque[0]?.v ?? Number.NEGATIVE_INFINITY;
  }

  /** How many values ago the maximum was pushed (0 = the latest). */
  get age(): number {
    const head = this.#deque[0];
    return head === undefined ? Number.POSITIVE_INFINITY : this.#index - 1 - head.i;
  }

  /** Its deque and position. */
  snapshot(): SlidingMaxSnapshot {
    return {
      indices: packFloats(this.#deque.map((e) => e.i)),
      values: packFloats(this.#deque.map((e) => e.v)),
      index: this.#index,
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: SlidingMaxSnapshot): void {
    const s = record(snapshot, "sliding-max");
    const indices = unpackFloats(s.indices, "sliding-max.indices");
    const values = unpackFloats(s.values, "sliding-max.values");
    const index = numberField(s, "index", "sliding-max");
    if (indices.length !== values.length || indices.length > this.#span) {
      throw new SnapshotError(`sliding-max: a deque of ${indices.length} for a span of ${this.#span}`);
    }
    this.#deque.splice(0, this.#deque.length, ...indices.map((i, k) => ({ i, v: values[k]! })));
    this.#index = index;
  }

  /** Adds a value. */
  push(value: number): void {
    while (this.#deque.length > 0 && this.#deque[this.#deque.length - 1]!.v <= value) this.#deque.pop();
    this.#deque.push({ i: this.#index++, v: value });
    while (this.#deque[0]!.i <= this.#index - 1 - this.#span) this.#deque.shift();
  }
}
