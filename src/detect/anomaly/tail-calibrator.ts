import type { Snapshottable } from "./detector-snapshot.js";
import { SortedWindow } from "./sorted-window.js";

/** Fraction of the history treated as the tail for the peaks-over-threshold fit (SPOT uses 2–5 %). */
const TAIL_FRACTION = 0.05;
/** Below this many exceedances the tail is taken as exponential (ξ = 0, σ = mean excess). */
const MIN_GPD_EXCEEDANCES = 10;

/**
 * Turns a stream of non-negative "strangeness" values into p-values against the stream's own
 * recent history (bounded: the last `capacity` values). Within the observed range p is the
 * conformal rank (count ≥ s + 1)/(n + 1); above the top 5 % it extrapolates with a generalised
 * Pareto tail fitted by probability-weighted moments (peaks over threshold, as in SPOT), so values
 * beyond anything seen still get graded. ξ is kept ≥ 0: we never infer a finite upper endpoint from
 * a few dozen peaks. The value being scored is learnt only after it is scored.
 */
export class TailCalibrator implements Snapshottable<string> {
  readonly #history: SortedWindow;

  constructor(capacity: number) {
    this.#history = new SortedWindow(capacity);
  }

  /** Number of values learnt so far (capped at the capacity). */
  get size(): number {
    return this.#history.size;
  }

  /** The p-value of `s` (1 when there is no history yet), then learns `s` if it is finite. */
  update(s: number): number {
    const p = this.pValue(s);
    if (Number.isFinite(s)) this.#history.push(s);
    return p;
  }

  /** The history, packed (see detector-snapshot.ts). */
  snapshot(): string {
    return this.#history.snapshot();
  }

  /** Takes the history of `snapshot()`. */
  restore(snapshot: string): void {
    this.#history.restore(snapshot);
  }

  /** P(next value ≥ s) estimated from the history, without learning `s`. */
  pValue(s: number): number {
    const h = this.#history;
    const n = h.size;
    if (n === 0 || Number.isNaN(s)) return 1;
    const k = Math.max(1, Math.floor(TAIL_FRACTION * n));
    const u = h.quantile(1 - k / n);
    const rank = (h.countAtLeast(s) + 1) / (n + 1);
    if (s <= u) return rank;
    const excesses = h.top(k).map((x) => x - u);
    const pu = k / (n + 1);
    return Math.min(rank, pu * gpdSurvival(s - u, excesses));
  }
}

/** P(Y > y) for a generalised Pareto fitted to `excesses` (≥ 0) by probability-weighted moments. */
export function gpdSurvival(y: number, excesses: number[]): number {
  const k = excesses.length;
  const a0 = excesses.reduce((a, b) => a + b, 0) / k;
  if (!(a0 > 0)) return 1; // a tail of ties: no basis to extrapolate, the rank p stands
  let xi = 0;
  let sigma = a0;
  if (k >= MIN_GPD_EXCEEDANCES) {
    const sorted = [...excesses].sort((a, b) => a - b);
    const a1 = sorted.reduce((acc, x, j) => acc + (1 - (j + 1 - 0.35) / k) * x, 0) / k;
    const d = a0 - 2 * a1;
    if (d > 0) {
      xi = Math.min(Math.max(2 - a0 / d, 0), 0.9);
      sigma = xi === 0 ? a0 : (2 * a0 * a1) / d;
      if (xi === 0 || !(sigma > 0)) sigma = a0;
    }
  }
  if (xi === 0) return Math.exp(-y / sigma);
  return (1 + (xi * y) / sigma) ** (-1 / xi);
}
