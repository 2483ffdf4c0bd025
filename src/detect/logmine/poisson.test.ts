import { describe, expect, it } from "vitest";
import { lnFactorial, poissonTail, poissonThreshold } from "./poisson.js";

describe("poisson", () => {
  it("computes ln(n!) exactly for small n and closely for large n", () => {
    expect(lnFactorial(0)).toBe(0);
    expect(lnFactorial(5)).toBeCloseTo(Math.log(120), 12);
    let exact = 0;
    for (let i = 2; i <= 100; i++) exact += Math.log(i);
    expect(lnFactorial(100)).toBeCloseTo(exact, 8);
  });

  it("gives upper tails that match the definition", () => {
    expect(poissonTail(0, 3)).toBe(1);
    // P(X >= 2 | 1) = 1 - e^-1 - e^-1
    expect(poissonTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 12);
    expect(poissonTail(3, 0)).toBe(0);
  });

  it.each([0.1, 1, 5, 50, 1000, 1e6])("finds the smallest surprising count for lambda %d", (lambda) => {
    const k = poissonThreshold(lambda, 1e-6);
    expect(poissonTail(k, lambda)).toBeLessThan(1e-6);
    expect(poissonTail(k - 1, lambda)).toBeGreaterThanOrEqual(1e-6);
  });
});
