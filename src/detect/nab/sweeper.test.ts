import { describe, expect, it } from "vitest";
import { scaledSigmoid } from "./scaled-sigmoid.js";
import { calcScoreByThreshold, calcSweepScore, probationLength, rowAtThreshold } from "./sweeper.js";

const STANDARD = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };
const MIN = 60_000;
/** Ten rows one minute apart; one window over rows 4..7 (width 4). */
const ts = Array.from({ length: 10 }, (_, i) => i * MIN);
const windows = [{ start: 4 * MIN, end: 7 * MIN }];
/** 2·sigmoid(−5x) − 1 written out by hand. */
const s = (x: number) => 2 / (1 + Math.exp(5 * x)) - 1;

describe("scaledSigmoid", () => {
  it("matches NAB's documented values", () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });
});

describe("probationLength", () => {
  it("is 15 % of the rows, at most 750", () => {
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(22695)).toBe(750);
  });
});

describe("calcSweepScore", () => {
  const points = calcSweepScore(ts, new Array(10).fill(0), windows, "f", STANDARD, 0);

  it("weights rows before the first window at −fpWeight", () => {
    expect(points.slice(0, 4).map((p) => p.sweepScore)).toEqual([-0.11, -0.11, -0.11, -0.11]);
    expect(points[0]!.windowName).toBeNull();
  });

  it("rewards the window's left edge with exactly tpWeight, later rows less", () => {
    expect(points[4]!.sweepScore).toBeCloseTo(1, 12);
    expect(points[7]!.sweepScore).toBeCloseTo(s(-1 / 4) / s(-1), 12);
    expect(points[4]!.windowName).toBe(`f|${4 * MIN}`);
  });

  it("weights rows after a window by the sigmoid tail of their distance in window widths − 1", () => {
    expect(points[8]!.sweepScore).toBeCloseTo(s(1 / 3) * 0.11, 12);
    expect(points[9]!.sweepScore).toBeCloseTo(s(2 / 3) * 0.11, 12);
  });

  it("marks the probationary rows", () => {
    const withProbation = calcSweepScore(ts, new Array(10).fill(0), windows, "f", STANDARD, 0.3);
    expect(withProbation.map((p) => p.windowName === "probationary")).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("rejects a window limit that is not a row timestamp", () => {
    expect(() =>
      calcSweepScore(ts, new Array(10).fill(0), [{ start: 4 * MIN, end: 7.5 * MIN }], "f", STANDARD, 0),
    ).toThrow(/not a timestamp/);
  });
});

describe("calcScoreByThreshold", () => {
  // An alert at row 5 (inside), false positives at rows 1 (before) and 9 (after the window).
  const scores = [0, 0.8, 0, 0, 0, 0.9, 0.9, 0, 0, 0.7];
  const rows = calcScoreByThreshold(calcSweepScore(ts, scores, windows, "f", STANDARD, 0), STANDARD);
  const tp = s(-3 / 4) / s(-1);

  it("records a score for each distinct threshold, from 1.1 (nothing alerts) down", () => {
    expect(rows.map((r) => r.threshold)).toEqual([1.1, 0.9, 0.8, 0.7, 0]);
    expect(rows[0]).toMatchObject({ score: -1, tp: 0, fn: 4, fp: 0, tn: 6 });
  });

  it("counts only the earliest detection of a window, and every false positive", () => {
    expect(rows[1]!.score).toBeCloseTo(tp, 12);
    expect(rows[1]).toMatchObject({ tp: 2, fn: 2 });
    expect(rows[2]!.score).toBeCloseTo(tp - 0.11, 12);
    expect(rows[3]!.score).toBeCloseTo(tp - 0.11 + s(2 / 3) * 0.11, 12);
  });

  it("with every row alerting, the window earns its left-edge reward and every outside row costs", () => {
    const outside = [0, 1, 2, 3].map(() => -0.11).reduce((a, b) => a + b) + s(1 / 3) * 0.11 + s(2 / 3) * 0.11;
    expect(rows[4]!.score).toBeCloseTo(1 + outside, 12);
    expect(rows[4]).toMatchObject({ tp: 4, fp: 6, tn: 0, fn: 0, total: 10 });
  });

  it("a missed window costs fnWeight under the low-FN profile", () => {
    const lowFn = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 };
    const r = calcScoreByThreshold(calcSweepScore(ts, scores, windows, "f", lowFn, 0), lowFn);
    expect(r[0]!.score).toBe(-2);
    expect(r[1]!.score).toBeCloseTo(tp, 12);
  });

  it("rowAtThreshold picks the exact threshold or the last one above it", () => {
    expect(rowAtThreshold(rows, 0.8).threshold).toBe(0.8);
    expect(rowAtThreshold(rows, 0.85).threshold).toBe(0.9);
    expect(rowAtThreshold(rows, 0.5).threshold).toBe(0.7);
  });
});
