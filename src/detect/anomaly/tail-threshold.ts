import { notReady } from "./component-output.js";
import { record, type Snapshottable } from "./detector-snapshot.js";
import { fmt } from "./format.js";
import { scoreFromP, surprise } from "./surprise.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/** Fewest values before tail probabilities are estimated. */
const MIN_HISTORY = 32;

/**
 * Extreme-value thresholds (SPOT-style peaks over threshold): the probability of a value this high
 * (or this low) under generalised Pareto tails fitted to the long history of values, two-sided.
 */
export class TailThreshold implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name = "tail-threshold";
  readonly #upper: TailCalibrator;
  readonly #lower: TailCalibrator;

  constructor(sizes: ComponentSizes) {
    this.#upper = new TailCalibrator(sizes.history);
    this.#lower = new TailCalibrator(sizes.history);
  }

  /** Both tails' calibrations. */
  snapshot(): Record<string, unknown> {
    return { upper: this.#upper.snapshot(), lower: this.#lower.snapshot() };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    this.#upper.restore(s.upper as string);
    this.#lower.restore(s.lower as string);
  }

  update(_timestampMs: number, value: number): ComponentOutput {
    const n = this.#upper.size;
    const pUp = this.#upper.update(value);
    const pLow = this.#lower.update(-value);
    if (n < MIN_HISTORY) return notReady("learning the range of values");
    const p = Math.min(1, 2 * Math.min(pUp, pLow));
    const side = pUp <= pLow ? "high" : "low";
    const text =
      p < 1 / n
        ? `value ${fmt(value)} is further out than any of the last ${n} values (extreme-value tail p≈${fmt(p)})`
        : `value ${fmt(value)} is unusually ${side} for the last ${n} values (tail p≈${fmt(p)})`;
    return { score: scoreFromP(p), p, ready: true, explanation: text, features: { p, surprise: surprise(p) } };
  }
}
