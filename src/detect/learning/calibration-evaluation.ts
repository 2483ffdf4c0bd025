/**
 * How a checkpoint of the anomaly calibration is validated on samples it never saw. The detectors
 * are unsupervised, so the measure is their calibration: a calibrated detector's combined p-values
 * are uniform on normal data, and it alarms (p ≤ 10⁻⁴, its alert score 0.5) at that rate. Each
 * series' held-out samples are cut into blocks of {@link BLOCK} in time order, and each block is
 * one unit, with a loss:
 *
 * - outside incidents of the service: the Kolmogorov–Smirnov distance of the block's p-values from
 *   the uniform distribution, plus the deviation of its alarm rate from the target tail rate,
 *   |share with p ≤ 10⁻⁴ − 10⁻⁴| (on a short window only an excess of alarms shows in it). The
 *   distance is what a short window can measure of calibration; it is what keeps a blind detector
 *   (p = 1 throughout, e.g. one still learning) from passing for a calibrated one (its distance is 1);
 * - a block that overlaps an incident should alarm: its loss is 0 when a sample has p ≤ 10⁻⁴, else 1.
 *
 * The primary metric is the mean loss (`calibration_error`, lower is better); beside it the alarm
 * rate outside incidents and the share of incident blocks with an alarm. Incidents are partly
 * opened by these very detectors, so the incident term favours the state that alarmed when the
 * live one did: it rewards keeping what worked, and cannot credit a state for an incident nothing
 * reported.
 */
import type { Evaluation } from "../../learning/index.js";
import type { SeriesDetector } from "../anomaly/index.js";
import type { AnomalyInput } from "./anomaly-inputs.js";

/** Held-out samples of a series per evaluation unit. */
export const BLOCK = 10;
/** The detector's target tail rate: the p-value of its alert score 0.5. */
export const TARGET_RATE = 1e-4;

/** Scores the detectors `detectorOf(series)` give (learning as they go) on `items`, oldest first. */
export function evaluateCalibration(
  detectorOf: (series: string) => SeriesDetector,
  items: readonly AnomalyInput[],
): Evaluation {
  const bySeries = new Map<string, AnomalyInput[]>();
  for (const i of items) {
    const list = bySeries.get(i.series);
    if (list === undefined) bySeries.set(i.series, [i]);
    else list.push(i);
  }
  const perItem: number[] = [];
  const count = { alarms: 0, quiet: 0, incidentBlocks: 0, incidentHits: 0 };
  let ms = 0;
  for (const [series, samples] of [...bySeries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const detector = detectorOf(series);
    const t = performance.now();
    const ps = samples.map((s) => detector.update(s.at, s.value).p);
    ms += performance.now() - t;
    for (let b = 0; b < samples.length; b += BLOCK) {
      const block = ps.slice(b, b + BLOCK);
      const alarms = block.filter((p) => p <= TARGET_RATE).length;
      if (samples.slice(b, b + BLOCK).some((s) => s.incident)) {
        count.incidentBlocks++;
        if (alarms > 0) count.incidentHits++;
        perItem.push(alarms > 0 ? 0 : 1);
      } else {
        count.alarms += alarms;
        count.quiet += block.length;
        perItem.push(uniformDistance(block) + Math.abs(alarms / block.length - TARGET_RATE));
      }
    }
  }
  const mean = perItem.length === 0 ? 0 : perItem.reduce((a, b) => a + b, 0) / perItem.length;
  return {
    metrics: {
      calibration_error: mean,
      alarm_rate: count.quiet === 0 ? 0 : count.alarms / count.quiet,
      incident_blocks_alarmed: count.incidentBlocks === 0 ? 0 : count.incidentHits / count.incidentBlocks,
      samples: items.length,
    },
    perItem,
    classes: [],
    latencyMs: items.length === 0 ? 0 : ms / items.length,
  };
}

/** Kolmogorov–Smirnov distance between the empirical distribution of `ps` and the uniform one on [0, 1]. */
export function uniformDistance(ps: readonly number[]): number {
  const sorted = [...ps].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((p, i) => {
    d = Math.max(d, (i + 1) / n - p, p - i / n);
  });
  return d;
}
