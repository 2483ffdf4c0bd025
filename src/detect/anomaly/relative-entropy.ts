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
import { SortedWindow } from "./sorted-window.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/** Bins of equal reference mass. */
const BINS = 8;
/** Recent window length: 5 per bin, Cochran's rule for a χ²-type comparison to be meaningful. */
const RECENT = 5 * BINS;
/**
 * Tests run every quarter window, so consecutive tests share 3/4 of their samples instead of 39/40:
 * the statistic's long autocorrelated runs otherwise escalate into repeated alerts for one change.
 */
const TEST_EVERY = RECENT / 4;

/**
 * Distribution change: the G statistic (2·m·KL divergence) between a histogram of the last 40
 * values and the distribution of the M values before them, on 8 bins of equal reference mass,
 * tested every 10 samples (between tests it is not ready).
 * Catches changes of spread or shape (flatlines, new oscillation) that level detectors miss.
 */
export class RelativeEntropy implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name = "relative-entropy";
  readonly #reference: SortedWindow;
  readonly #calibrator: TailCalibrator;
  readonly #recent: number[] = [];
  #sinceTest = 0;

  constructor(sizes: ComponentSizes) {
    this.#reference = new SortedWindow(Math.max(sizes.window, 2 * RECENT));
    this.#calibrator = new TailCalibrator(sizes.history);
  }

  /** Its reference, recent values, calibration and test phase. */
  snapshot(): Record<string, unknown> {
    return {
      reference: this.#reference.snapshot(),
      calibrator: this.#calibrator.snapshot(),
      recent: packFloats(this.#recent),
      sinceTest: this.#sinceTest,
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    const recent = unpackFloats(s.recent, `${this.name}.recent`);
    if (recent.length > RECENT) throw new SnapshotError(`${this.name}: ${recent.length} recent values`);
    const sinceTest = numberField(s, "sinceTest", this.name);
    this.#reference.restore(s.reference as string);
    this.#calibrator.restore(s.calibrator as string);
    this.#recent.splice(0, this.#recent.length, ...recent);
    this.#sinceTest = sinceTest;
  }

  update(_timestampMs: number, value: number): ComponentOutput {
    this.#recent.push(value);
    if (this.#recent.length > RECENT) this.#reference.push(this.#recent.shift()!);
    const ref = this.#reference;
    if (ref.size < 2 * RECENT) return notReady("learning the usual distribution");
    if (++this.#sinceTest % TEST_EVERY !== 0) return notReady("distribution compared every 10 samples");
    const edges = Array.from({ length: BINS - 1 }, (_, i) => ref.quantile((i + 1) / BINS));
    const observed = new Array<number>(BINS).fill(0);
    for (const v of this.#recent) observed[bin(edges, v)]!++;
    let g = 0;
    let over = { ratio: 0, observed: 0, expected: 0 };
    for (let b = 0; b < BINS; b++) {
      const lo = b === 0 ? 0 : ref.countAtMost(edges[b - 1]!);
      const hi = b === BINS - 1 ? ref.size : ref.countAtMost(edges[b]!);
      const mass = (hi - lo + 0.5) / (ref.size + 0.5 * BINS);
      const o = observed[b]!;
      if (o === 0) continue;
      g += 2 * o * Math.log(o / (RECENT * mass));
      if (o / (RECENT * mass) > over.ratio) over = { ratio: o / (RECENT * mass), observed: o / RECENT, expected: mass };
    }
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const text = `the last ${RECENT} values are distributed unlike the ${ref.size} before them (G=${fmt(g)}): ${pct(over.observed)} fall in a band that usually holds ${pct(over.expected)}`;
    return calibrated(this.#calibrator, g, text, { g });
  }
}

/** Index of the band `v` falls in, given ascending inner edges (ties go to the lower band). */
function bin(edges: number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
