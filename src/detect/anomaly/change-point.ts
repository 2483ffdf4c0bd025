import { calibrated, notReady } from "./component-output.js";
import {
  numberField,
  packFloats,
  record,
  SnapshotError,
  type Snapshottable,
  unpackFloats,
} from "./detector-snapshot.js";
import { fmt } from "./format.js";
import { robustScale } from "./robust-scale.js";
import { MIN_REFERENCE } from "./robust-zscore.js";
import { SortedWindow } from "./sorted-window.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/** CUSUM allowance: tuned to detect shifts of one robust SD (k = δ/2), the textbook choice. */
const ALLOWANCE = 0.5;
/** Winsorising limit for standardised values, so one spike cannot pass for a level shift. */
const CLIP = 3;
/**
 * CUSUM level at which a shift counts as confirmed and the reference re-anchors on the new level.
 * With k = 0.5 the in-control run length before h = 10 is far beyond any window we keep.
 */
const CONFIRM = 10;

/**
 * Change-point detection: a two-sided CUSUM of winsorised robust z-scores against the median of the
 * previous M values. On a confirmed shift the reference restarts from the samples since the onset,
 * so the detector reports the change once and then learns the new level. The sum is calibrated up
 * to the confirmation level only, so a shift is as rare as shifts are in this series.
 */
export class ChangePoint implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name = "change-point";
  readonly #reference: SortedWindow;
  readonly #calibrator: TailCalibrator;
  #up = { sum: 0, onset: 0, total: 0 };
  #down = { sum: 0, onset: 0, total: 0 };
  #index = 0;
  /** Recent raw values (for re-anchoring), bounded by the window length. */
  readonly #recent: number[] = [];

  constructor(sizes: ComponentSizes) {
    this.#reference = new SortedWindow(sizes.window);
    this.#calibrator = new TailCalibrator(sizes.history);
  }

  /** Its reference, recent values, both sums and the calibration. */
  snapshot(): Record<string, unknown> {
    return {
      reference: this.#reference.snapshot(),
      calibrator: this.#calibrator.snapshot(),
      up: packFloats([this.#up.sum, this.#up.onset, this.#up.total]),
      down: packFloats([this.#down.sum, this.#down.onset, this.#down.total]),
      index: this.#index,
      recent: packFloats(this.#recent),
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    const sums = ["up", "down"].map((k) => unpackFloats(s[k], `${this.name}.${k}`));
    const recent = unpackFloats(s.recent, `${this.name}.recent`);
    if (sums.some((x) => x.length !== 3) || recent.length > this.#reference.capacity) {
      throw new SnapshotError(`${this.name}: damaged sums or recent values`);
    }
    const index = numberField(s, "index", this.name);
    this.#reference.restore(s.reference as string);
    this.#calibrator.restore(s.calibrator as string);
    const [up, down] = sums.map(([sum, onset, total]) => ({ sum: sum!, onset: onset!, total: total! }));
    this.#up = up!;
    this.#down = down!;
    this.#index = index;
    this.#recent.splice(0, this.#recent.length, ...recent);
  }

  update(_timestampMs: number, value: number): ComponentOutput {
    const i = this.#index++;
    this.#recent.push(value);
    if (this.#recent.length > this.#reference.capacity) this.#recent.shift();
    const ref = this.#reference;
    if (ref.size < MIN_REFERENCE) {
      ref.push(value);
      return notReady("learning the usual level");
    }
    const median = ref.quantile(0.5);
    const scale = robustScale(ref);
    const z = Math.max(-CLIP, Math.min(CLIP, (value - median) / scale));
    this.#up = step(this.#up, z - ALLOWANCE, value - median, i);
    this.#down = step(this.#down, -z - ALLOWANCE, value - median, i);
    const up = this.#up.sum >= this.#down.sum;
    const side = up ? this.#up : this.#down;
    const ago = i - side.onset;
    const shift = side.total / (ago + 1);
    const text =
      side.sum > 0
        ? `level shift ${up ? "up" : "down"} of about ${fmt(Math.abs(shift))} from ${fmt(median)} began ${ago} samples ago (CUSUM ${fmt(side.sum)})`
        : `level steady around ${fmt(median)}`;
    // Past h the sum only measures how far the last increment overshot: every confirmed shift is the
    // same event, so it is calibrated as h and its p-value is the series' rate of confirmed shifts.
    const strangeness = Math.min(side.sum, CONFIRM);
    const out = calibrated(this.#calibrator, strangeness, text, { cusum: side.sum, shift, onsetAgo: ago });
    if (side.sum >= CONFIRM) this.#reanchor(ago + 1);
    else ref.push(value);
    return out;
  }

  /** Restarts the reference from the last `n` samples (those since the onset) and resets both sums. */
  #reanchor(n: number): void {
    this.#reference.clear();
    for (const v of this.#recent.slice(-n)) this.#reference.push(v);
    this.#up = { sum: 0, onset: this.#index, total: 0 };
    this.#down = { sum: 0, onset: this.#index, total: 0 };
  }
}

/** One CUSUM step; remembers where the current excursion started and the sum of deviations over it. */
function step(s: { sum: number; onset: number; total: number }, increment: number, deviation: number, i: number) {
  const sum = Math.max(0, s.sum + increment);
  if (sum === 0) return { sum, onset: i + 1, total: 0 };
  return { sum, onset: s.sum === 0 ? i : s.onset, total: (s.sum === 0 ? 0 : s.total) + deviation };
}
