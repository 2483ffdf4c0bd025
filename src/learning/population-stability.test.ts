import { describe, expect, it } from "vitest";
import { featureProfile, populationStability } from "./population-stability.js";
import { seededRandom } from "./seeded-random.js";

describe("population stability index", () => {
  const next = seededRandom(3);
  const normal = (mu: number) => Array.from({ length: 5000 }, () => mu + next() + next() + next() - 1.5);

  it("stays small for the same distribution and passes 0.25 when it shifts", () => {
    const profile = featureProfile(normal(0));
    expect(profile.shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(populationStability(profile, normal(0))).toBeLessThan(0.05);
    expect(populationStability(profile, normal(0.8))).toBeGreaterThan(0.25);
  });

  it("copes with a constant feature and no values", () => {
    const profile = featureProfile([0, 0, 0, 0]);
    expect(populationStability(profile, [0, 0])).toBe(0);
    expect(populationStability(profile, [5, 5])).toBeGreaterThan(0.25);
    expect(Number.isFinite(populationStability(featureProfile([]), []))).toBe(true);
  });
});
