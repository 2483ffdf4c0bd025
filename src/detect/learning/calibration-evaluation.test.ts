import { describe, expect, it } from "vitest";
import { createSeriesDetector } from "../anomaly/index.js";
import type { AnomalyInput } from "./anomaly-inputs.js";
import { evaluateCalibration, TARGET_RATE, uniformDistance } from "./calibration-evaluation.js";

/** Deterministic uniform numbers (a linear congruential generator). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe("uniformDistance", () => {
  it("is small for spread p-values and 1 for a blind detector's (p = 1)", () => {
    expect(uniformDistance([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95])).toBeCloseTo(0.05, 12);
    expect(uniformDistance(new Array(10).fill(1))).toBe(1);
    expect(uniformDistance(new Array(10).fill(1e-6))).toBeCloseTo(1, 5);
  });
});

describe("evaluateCalibration", () => {
  const rand = lcg(11);
  const items = (from: number, n: number, incident = false): AnomalyInput[] =>
    Array.from({ length: n }, (_, i) => ({
      at: (from + i) * 15_000,
      series: "s/x",
      value: 100 + 10 * rand(),
      incident,
    }));
  const history = items(0, 600);
  const held = items(600, 200);

  it("scores a detector that learnt the series better than a blind one, per block of 10", () => {
    const learnt = createSeriesDetector({ window: 64 });
    for (const i of history) learnt.update(i.at, i.value);
    const calibrated = evaluateCalibration(() => learnt, held);
    // a new detector judges nothing before 32 samples (its extreme-value tails first): p = 1 throughout its first 30
    const blind = evaluateCalibration(() => createSeriesDetector({ window: 64 }), held.slice(0, 30));
    expect(calibrated.perItem).toHaveLength(20);
    expect(blind.metrics.calibration_error).toBeCloseTo(1 + TARGET_RATE, 12);
    expect(calibrated.metrics.calibration_error).toBeLessThan(0.5);
    expect(calibrated.metrics.alarm_rate).toBe(0);
    expect(calibrated.metrics.samples).toBe(200);
  });

  it("counts an incident block as right only when it alarms", () => {
    const learnt = createSeriesDetector({ window: 64 });
    for (const i of history) learnt.update(i.at, i.value);
    const spike = [...items(600, 9, true), { at: 609 * 15_000, series: "s/x", value: 1e6, incident: true }];
    const quiet = items(600, 10, true);
    expect(evaluateCalibration(() => learnt, spike).perItem).toEqual([0]);
    const fresh = createSeriesDetector({ window: 64 });
    for (const i of history) fresh.update(i.at, i.value);
    expect(evaluateCalibration(() => fresh, quiet).perItem).toEqual([1]);
    expect(evaluateCalibration(() => fresh, []).metrics.incident_blocks_alarmed).toBe(0);
  });
});
