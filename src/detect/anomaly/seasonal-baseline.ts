import { Cadence } from "./cadence.js";
import { calibrated, notReady } from "./component-output.js";
import {
  numberField,
  packFloats,
  record,
  SnapshotError,
  type Snapshottable,
  unpackFloats,
} from "./detector-snapshot.js";
import { fmt, fmtDuration } from "./format.js";
import { robustScale } from "./robust-scale.js";
import { MIN_REFERENCE } from "./robust-zscore.js";
import { SortedWindow } from "./sorted-window.js";
import { TailCalibrator } from "./tail-calibrator.js";
import type { ComponentOutput, ComponentSizes, StreamingDetector } from "./types.js";

/** Past periods compared at the same phase; the median of three survives one anomalous period. */
const PERIODS = 3;
/** A period must span at least this many samples to have a shape. */
const MIN_SLOTS = 8;
/** Memory bound: at most this many phase slots (× 3 values), e.g. a week of 5-minute samples. */
const MAX_SLOTS = 4096;
/** Gaps seen before the cadence is trusted for laying out phase slots. */
const CADENCE_SAMPLES = 16;

/** One day and one week in ms: the cycles operational metrics follow. */
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/**
 * Seasonal baseline for a calendar cycle (a day or a week): the expected value is the median of the
 * same phase in the last 3 periods (phase from the timestamp, so gaps are harmless). The residual is
 * scored as a robust z-score against the last M residuals. It only speaks while the cycle explains
 * at least half the variance (residual spread < raw spread/√2), so non-seasonal series are unaffected.
 */
export class SeasonalBaseline implements StreamingDetector<ComponentOutput>, Snapshottable<Record<string, unknown>> {
  readonly name: string;
  readonly #periodMs: number;
  readonly #cadence = new Cadence();
  readonly #values: SortedWindow;
  readonly #residuals: SortedWindow;
  readonly #calibrator: TailCalibrator;
  #slots: number[][] | null = null;
  #slotMs = 0;

  constructor(sizes: ComponentSizes, periodMs: number) {
    this.#periodMs = periodMs;
    this.name = `seasonal-${periodMs === DAY_MS ? "daily" : periodMs === WEEK_MS ? "weekly" : fmtDuration(periodMs)}`;
    this.#values = new SortedWindow(sizes.window);
    this.#residuals = new SortedWindow(sizes.window);
    this.#calibrator = new TailCalibrator(sizes.history);
  }

  /** Its cadence, windows, calibration and phase slots (flat, with each slot's length). */
  snapshot(): Record<string, unknown> {
    const slots = this.#slots;
    return {
      cadence: this.#cadence.snapshot(),
      values: this.#values.snapshot(),
      residuals: this.#residuals.snapshot(),
      calibrator: this.#calibrator.snapshot(),
      slotMs: this.#slotMs,
      slotLengths: slots === null ? null : packFloats(slots.map((s) => s.length)),
      slotValues: slots === null ? null : packFloats(slots.flat()),
    };
  }

  /** Takes the state of `snapshot()`. */
  restore(snapshot: Record<string, unknown>): void {
    const s = record(snapshot, this.name);
    const slotMs = numberField(s, "slotMs", this.name);
    let slots: number[][] | null = null;
    if (s.slotLengths !== null) {
      const lengths = unpackFloats(s.slotLengths, `${this.name}.slotLengths`);
      const flat = unpackFloats(s.slotValues, `${this.name}.slotValues`);
      if (
        lengths.length > MAX_SLOTS ||
        lengths.some((n) => n > PERIODS) ||
        lengths.reduce((a, b) => a + b, 0) !== flat.length
      ) {
        throw new SnapshotError(`${this.name}: damaged phase slots`);
      }
      slots = [];
      let at = 0;
      for (const n of lengths) {
        slots.push(flat.slice(at, at + n));
        at += n;
      }
    }
    this.#cadence.restore(s.cadence as { gaps: string; last: string });
    this.#values.restore(s.values as string);
    this.#residuals.restore(s.residuals as string);
    this.#calibrator.restore(s.calibrator as string);
    this.#slots = slots;
    this.#slotMs = slotMs;
  }

  update(timestampMs: number, value: number): ComponentOutput {
    this.#cadence.push(timestampMs);
    this.#values.push(value);
    const slots = this.#layout();
    if (slots === null) return notReady(`no ${this.#cycle()} cycle at this sampling rate`);
    const n = slots.length;
    const slot = slots[((Math.round((timestampMs % this.#periodMs) / this.#slotMs) % n) + n) % n]!;
    const expected = slot.length === PERIODS ? median3(slot) : Number.NaN;
    slot.push(value);
    if (slot.length > PERIODS) slot.shift();
    if (Number.isNaN(expected)) return notReady(`learning the ${this.#cycle()} cycle`);
    const residual = value - expected;
    const r = this.#residuals;
    r.push(residual);
    if (r.size < MIN_REFERENCE || robustScale(r) >= robustScale(this.#values) * Math.SQRT1_2) {
      return notReady(`no ${this.#cycle()} cycle in this series`);
    }
    const z = (residual - r.quantile(0.5)) / robustScale(r);
    const side = z >= 0 ? "above" : "below";
    const text = `value ${fmt(value)} is ${fmt(Math.abs(z))} robust SDs ${side} the usual ${fmt(expected)} for this time of ${this.#cycle() === "daily" ? "day" : "week"} (median of the last ${PERIODS} ${this.#cycle() === "daily" ? "days" : "weeks"})`;
    return calibrated(this.#calibrator, Math.abs(z), text, { expected, z });
  }

  #cycle(): string {
    return this.#periodMs === WEEK_MS ? "weekly" : "daily";
  }

  /** Lays out the phase slots once the cadence is known; null when the cycle does not fit. */
  #layout(): number[][] | null {
    if (this.#slots !== null) return this.#slots;
    const cadence = this.#cadence.ms;
    if (this.#cadence.samples < CADENCE_SAMPLES || cadence <= 0) return null;
    const n = Math.round(this.#periodMs / cadence);
    if (n < MIN_SLOTS || n > MAX_SLOTS) return null;
    this.#slotMs = this.#periodMs / n;
    this.#slots = Array.from({ length: n }, () => []);
    return this.#slots;
  }
}

function median3(v: number[]): number {
  const [a, b, c] = v as [number, number, number];
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
