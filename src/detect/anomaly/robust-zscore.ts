import { Cadence } from "./cadence.js";
import { calibrated, notReady } from "./component-output.js";
import { record, type Snapshottable } from "./detector-snapshot.js";
import { fmt, fmtSpan } from "./format.js";
import { robustScale } from "./robust-scale.js";
import { SortedWindow } from "./sorted-window.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/** Fewest reference values before a robust z-score means anything. */
export const MIN_REFERENCE = 16;

/**
 * Robust z-score: how many robust standard deviations (IQR/1.349) a value lies from the median of
 * the previous M values. |z| is calibrated into a p-value against its own history.
 */
export class RobustZScore implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name = "robust-zscore";
  readonly #window: SortedWindow;
  readonly #calibrator: TailCalibrator;
  readonly #cadence = new Cadence();

  constructor(sizes: ComponentSizes) {
    this.#window = new SortedWindow(sizes.window);
    this.#calibrator = new TailCalibrator(sizes.history);
  }

  /** Its window, calibration and cadence. */
  snapshot(): Record<string, unknown> {
    return {
      window: this.#window.snapshot(),
      calibrator: this.#calibrator.snapshot(),
      cadence: this.#cadence.snapshot(),
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    this.#window.restore(s.window as string);
    this.#calibrator.restore(s.calibrator as string);
    this.#cadence.restore(s.cadence as { gaps: string; last: string });
  }

  update(timestampMs: number, value: number): ComponentOutput {
    this.#cadence.push(timestampMs);
    const w = this.#window;
    let out = notReady("learning the usual level");
    if (w.size >= MIN_REFERENCE) {
      const median = w.quantile(0.5);
      const z = (value - median) / robustScale(w);
      const side = z >= 0 ? "above" : "below";
      const span = fmtSpan(w.size, this.#cadence.ms);
      const text = `value ${fmt(value)} is ${fmt(Math.abs(z))} robust SDs ${side} the ${span} median ${fmt(median)}`;
      out = calibrated(this.#calibrator, Math.abs(z), text, { z, median });
    }
    w.push(value);
    return out;
  }
}
