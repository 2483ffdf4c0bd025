/**
 * Smooth weighted round-robin (the nginx algorithm): each pick adds every weight to its
 * running score, takes the highest score and subtracts the total from it. Deterministic, and
 * spreads a 90/10 split as 9 A's interleaved with one B rather than in bursts.
 */

/** Picks items in proportion to their weights; items with weight 0 are never picked. */
export class WeightedPicker<T> {
  readonly #items: { item: T; weight: number; score: number }[];
  readonly #total: number;

  constructor(items: { item: T; weight: number }[]) {
    this.#items = items.filter((i) => i.weight > 0).map((i) => ({ ...i, score: 0 }));
    this.#total = this.#items.reduce((sum, i) => sum + i.weight, 0);
  }

  /** Next item; undefined when every weight is 0. */
  next(): T | undefined {
    let best: { item: T; weight: number; score: number } | undefined;
    for (const i of this.#items) {
      i.score += i.weight;
      if (!best || i.score > best.score) best = i;
    }
    if (best) best.score -= this.#total;
    return best?.item;
  }
}
