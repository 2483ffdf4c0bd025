/** Maximum over the last `span` pushed values in O(1) amortised time (a monotonic deque). */
export class SlidingMax {
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

  push(value: number): void {
    while (this.#deque.length > 0 && this.#deque[this.#deque.length - 1]!.v <= value) this.#deque.pop();
    this.#deque.push({ i: this.#index++, v: value });
    while (this.#deque[0]!.i <= this.#index - 1 - this.#span) this.#deque.shift();
  }
}
