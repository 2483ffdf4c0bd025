import { describe, expect, it } from "vitest";
import { ChangePoint } from "./change-point.js";
import { RateOfChange } from "./rate-of-change.js";
import { RelativeEntropy } from "./relative-entropy.js";
import { RobustZScore } from "./robust-zscore.js";
import { DAY_MS, SeasonalBaseline } from "./seasonal-baseline.js";
import { TailThreshold } from "./tail-threshold.js";
import type { ComponentOutput, StreamingDetector } from "./types.js";

const SIZES = { window: 200, history: 1600 };
const STEP = 300_000; // 5 minutes
/** Deterministic uniform noise in [-0.5, 0.5): a linear congruential generator indexed by sample. */
const NOISE = (() => {
  let s = 12345;
  return Array.from({ length: 20_000 }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296 - 0.5;
  });
})();
const noise = (i: number) => NOISE[i % NOISE.length]!;

/** Feeds `values` and returns every output. */
function run(d: StreamingDetector<ComponentOutput>, values: number[]): ComponentOutput[] {
  return values.map((v, i) => d.update(i * STEP, v));
}
const flat = (n: number, level = 100) => Array.from({ length: n }, (_, i) => level + 2 * noise(i));
const maxP = (outs: ComponentOutput[]) => Math.min(...outs.filter((o) => o.ready).map((o) => o.p));

describe("component detectors", () => {
  it("RobustZScore flags a spike with the median and robust SDs in the explanation", () => {
    const values = flat(600);
    values[500] = 160;
    const outs = run(new RobustZScore(SIZES), values);
    expect(outs[0]!.ready).toBe(false);
    expect(outs[500]!.p).toBeLessThan(1e-4);
    expect(outs[500]!.p).toBe(maxP(outs));
    expect(outs[500]!.explanation).toMatch(/^value 160 is \d+(\.\d+)? robust SDs above the 16\.\dh median 100/);
  });

  it("RateOfChange flags a jump inside the usual range", () => {
    const values = Array.from({ length: 600 }, (_, i) => 100 + 10 * Math.sin(i / 20) + 0.1 * noise(i));
    values[500] = values[499]! + 8;
    const outs = run(new RateOfChange(SIZES), values);
    expect(outs[500]!.p).toBe(maxP(outs));
    expect(outs[500]!.explanation).toMatch(/^jump of 8/);
  });

  it("ChangePoint reports a level shift once, with its onset, then learns the new level", () => {
    const values = [...flat(500), ...flat(300, 104)];
    const outs = run(new ChangePoint(SIZES), values);
    const best = outs.findIndex((o) => o.p === maxP(outs));
    expect(best).toBeGreaterThanOrEqual(500);
    expect(best).toBeLessThan(520);
    expect(outs[best]!.explanation).toMatch(/level shift up of about \d+(\.\d+)? from 100 began \d+ samples ago/);
    expect(Math.min(...outs.slice(600).map((o) => o.p))).toBeGreaterThan(1e-3);
  });

  it("ChangePoint judges a confirmed shift by how often shifts happen, not by the last step's overshoot", () => {
    // A burst of 8 samples every 150, each confirmed as a shift; the last one starts with a small
    // step, so its CUSUM overshoots the confirmation level further than any before it.
    const values = flat(3000).map((v, i) => (i % 150 < 8 ? v + 30 : v));
    values[2850] = 101.5;
    const outs = run(new ChangePoint(SIZES), values);
    const routine = outs.slice(2700, 2710).find((o) => o.features?.strangeness === 10)!;
    const overshot = outs.slice(2850, 2860).find((o) => (o.features?.cusum ?? 0) > 10.5)!;
    expect(overshot.features!.strangeness).toBe(10);
    expect(overshot.p).toBeGreaterThan(1e-3);
    expect(overshot.p).toBeGreaterThanOrEqual(routine.p);
  });

  it("TailThreshold grades values beyond anything seen", () => {
    const values = flat(600);
    values[550] = 130;
    values[560] = 60;
    const outs = run(new TailThreshold(SIZES), values);
    expect(outs[550]!.p).toBeLessThan(1e-3);
    expect(outs[560]!.p).toBeLessThan(1e-3);
    expect(outs[550]!.explanation).toMatch(/further out than any of the last 550 values/);
  });

  it("RelativeEntropy flags a change of spread that keeps the level", () => {
    const values = Array.from({ length: 900 }, (_, i) => 100 + (i < 700 ? 10 : 0.5) * noise(i));
    const outs = run(new RelativeEntropy(SIZES), values);
    const best = outs.findIndex((o) => o.p === maxP(outs));
    expect(best).toBeGreaterThan(700);
    expect(best).toBeLessThan(745);
    expect(outs[best]!.explanation).toMatch(/last 40 values are distributed unlike/);
  });

  it("SeasonalBaseline compares with the same time of day and stays silent without a daily cycle", () => {
    const perDay = DAY_MS / STEP;
    const daily = (i: number) => 100 + 50 * Math.sin((2 * Math.PI * i) / perDay) + noise(i);
    const values = Array.from({ length: 6 * perDay }, (_, i) => daily(i));
    const at = 5 * perDay + perDay / 4; // the daily peak, replaced by the trough value
    values[at] = 50;
    const outs = run(new SeasonalBaseline(SIZES, DAY_MS), values);
    expect(outs[at]!.p).toBe(maxP(outs));
    expect(outs[at]!.explanation).toMatch(/value 50 is \d+ robust SDs below the usual 150 for this time of day/);
    const noCycle = run(new SeasonalBaseline(SIZES, DAY_MS), flat(6 * perDay));
    expect(noCycle.at(-1)!.ready).toBe(false);
    expect(noCycle.at(-1)!.explanation).toBe("no daily cycle in this series");
  });
});
