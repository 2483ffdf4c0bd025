/**
 * Reference values were computed with SciPy 1.17.1:
 * `scipy.stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True, alternative=...)`
 * (the statistic is U of x). The samples are the example of SciPy's own documentation (ages of
 * male and female students, U = 17), Wikipedia's tortoise-and-hare finishing order
 * ("Mann–Whitney U test", illustration of the test: tortoise ranks 1, 7–11), a sample without
 * ties and a sample with many ties (to exercise the tie correction).
 */
import { describe, expect, it } from "vitest";
import { mannWhitneyU } from "./mann-whitney.js";
import { normalSf } from "./normal-distribution.js";

describe("mannWhitneyU", () => {
  it("matches SciPy on the example of its documentation", () => {
    const males = [19, 22, 16, 29, 24];
    const females = [20, 11, 17, 12];
    const g = mannWhitneyU(males, females, "greater");
    expect(g.u1).toBe(17);
    expect(g.u2).toBe(3);
    expect(g.p).toBeCloseTo(0.055673443266570206, 6);
    expect(mannWhitneyU(males, females).p).toBeCloseTo(0.11134688653314041, 6);
  });

  it("matches SciPy on Wikipedia's tortoise and hare", () => {
    const r = mannWhitneyU([1, 7, 8, 9, 10, 11], [2, 3, 4, 5, 6, 12]);
    expect(r.u1).toBe(25);
    expect(r.p).toBeCloseTo(0.2979530616081678, 6);
  });

  it("matches SciPy for all three alternatives", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    expect(mannWhitneyU(x, y).u1).toBe(58);
    expect(mannWhitneyU(x, y, "two-sided").p).toBeCloseTo(0.13291945818531892, 6);
    expect(mannWhitneyU(x, y, "greater").p).toBeCloseTo(0.06645972909265946, 6);
    expect(mannWhitneyU(x, y, "less").p).toBeCloseTo(0.9442044002897128, 6);
  });

  it("applies the tie correction like SciPy", () => {
    const a = [3, 3, 4, 5, 5, 5, 7, 8, 8, 10];
    const b = [1, 2, 3, 3, 4, 4, 5, 6, 6, 6, 7];
    expect(mannWhitneyU(a, b).u1).toBe(74);
    expect(mannWhitneyU(a, b, "two-sided").p).toBeCloseTo(0.1883055966930468, 6);
    expect(mannWhitneyU(a, b, "greater").p).toBeCloseTo(0.0941527983465234, 6);
    expect(mannWhitneyU(a, b, "less").p).toBeCloseTo(0.9172367411305333, 6);
  });

  it("gives the rank-biserial correlation as the effect size", () => {
    expect(mannWhitneyU([10, 11, 12], [1, 2, 3]).rankBiserial).toBe(1);
    expect(mannWhitneyU([1, 2, 3], [10, 11, 12]).rankBiserial).toBe(-1);
    expect(mannWhitneyU([1, 2, 3], [1, 2, 3]).rankBiserial).toBe(0);
  });

  it("finds no evidence when every value is the same, and rejects empty samples", () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5], "greater").p).toBe(1);
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one value/);
  });
});

describe("normalSf", () => {
  it("matches scipy.stats.norm.sf to 1e-7 relative", () => {
    const cases: Array<[number, number]> = [
      [0, 0.5],
      [1, 0.15865525393145707],
      [1.959963984540054, 0.025],
      [3, 0.0013498980316301035],
      [5, 2.866515718791939e-7],
    ];
    for (const [z, p] of cases) expect(Math.abs(normalSf(z) - p) / p).toBeLessThan(2e-7);
    expect(normalSf(-1)).toBeCloseTo(1 - 0.15865525393145707, 7);
  });
});
