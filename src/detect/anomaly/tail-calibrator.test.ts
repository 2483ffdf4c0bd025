import { describe, expect, it } from "vitest";
import { gpdSurvival, TailCalibrator } from "./tail-calibrator.js";

/** Deterministic uniform numbers (a linear congruential generator). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe("TailCalibrator", () => {
  it("gives conformal ranks inside the observed range", () => {
    const c = new TailCalibrator(100);
    for (let i = 1; i <= 99; i++) c.update(i);
    expect(c.pValue(50)).toBeCloseTo(51 / 100, 12);
    expect(c.pValue(0)).toBe(1);
  });

  it("extrapolates beyond the largest value with a fitted tail, close to the true exponential tail", () => {
    const rand = lcg(7);
    const c = new TailCalibrator(4000);
    for (let i = 0; i < 4000; i++) c.update(-Math.log(1 - rand()));
    // P(Exp(1) ≥ 12) = e^-12 ≈ 6.1e-6, far below the 1/4001 a rank could say.
    const p = c.pValue(12);
    expect(p).toBeLessThan(1e-4);
    expect(p).toBeGreaterThan(1e-7);
    expect(c.pValue(15)).toBeLessThan(p);
  });

  it("does not learn before scoring, and p is 1 with no history", () => {
    const c = new TailCalibrator(10);
    expect(c.update(5)).toBe(1);
    expect(c.size).toBe(1);
  });

  it("fits a heavy tail with ξ > 0 (Pareto excesses decay polynomially)", () => {
    const rand = lcg(3);
    const excesses = Array.from({ length: 400 }, () => (1 - rand()) ** -0.5 - 1); // GPD with ξ = 0.5, σ = 0.5
    expect(gpdSurvival(10, excesses)).toBeGreaterThan(Math.exp(-10 / 1)); // far heavier than exponential
    expect(gpdSurvival(10, excesses)).toBeCloseTo((1 + 10) ** -2, 1);
  });
});
