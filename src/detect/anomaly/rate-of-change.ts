import { calibrated, notReady } from "./component-output.js";
import { packFloats, record, type Snapshottable, unpackFloats } from "./detector-snapshot.js";
import { fmt } from "./format.js";
import { robustScale } from "./robust-scale.js";
import { MIN_REFERENCE } from "./robust-zscore.js";
import { SortedWindow } from "./sorted-window.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/**
 * Rate of change: the step from the previous sample as a robust z-score against the last M steps.
 * Catches sudden jumps and drops that stay inside the series' usual range.
 */
export class RateOfChange implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name = "rate-of-change";
  readonly #steps: SortedWindow;
  readonly #calibrator: TailCalibrator;
  #previous = Number.NaN;

  constructor(sizes: ComponentSizes) {
    this.#steps = new SortedWindow(sizes.window);
    this.#calibrator = new TailCalibrator(sizes.history);
  }

  /** Its steps, calibration and previous value. */
  snapshot(): Record<string, unknown> {
    return {
      steps: this.#steps.snapshot(),
      calibrator: this.#calibrator.snapshot(),
      previous: packFloats([this.#previous]),
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    const previous = unpackFloats(s.previous, `${this.name}.previous`)[0] ?? Number.NaN;
    this.#steps.restore(s.steps as string);
    this.#calibrator.restore(s.calibrator as string);
    this.#previous = previous;
  }

  update(_timestampMs: number, value: number): ComponentOutput {
    const step = value - this.#previous;
    this.#previous = value;
    if (Number.isNaN(step)) return notReady("learning the usual sample-to-sample change");
    const w = this.#steps;
    let out = notReady("learning the usual sample-to-sample change");
    if (w.size >= MIN_REFERENCE) {
      const z = (step - w.quantile(0.5)) / robustScale(w);
      const text = `${step >= 0 ? "jump" : "drop"} of ${fmt(Math.abs(step))} from the previous sample (${fmt(Math.abs(z))} robust SDs of the usual change)`;
      out = calibrated(this.#calibrator, Math.abs(z), text, { step, z });
    }
    w.push(step);
    return out;
  }
}
