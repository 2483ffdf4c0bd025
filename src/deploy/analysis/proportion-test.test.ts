/**
 * Reference values computed with SciPy 1.17.1: Fisher with
 * `scipy.stats.fisher_exact([[aErr, aOk], [bErr, bOk]], alternative="greater")` (the [[1, 9],
 * [11, 3]] table is the example of Wikipedia's "Fisher's exact test"; asked the other way round
 * it is significant), z-tests with `scipy.stats.norm.sf((pA − pB) / se)` and the pooled `se`.
 */
import { describe, expect, it } from "vitest";
import { compareErrorRates, fisherExactGreater, twoProportionZ } from "./proportion-test.js";

describe("proportion tests", () => {
  it("Fisher exact matches SciPy", () => {
    expect(fisherExactGreater({ errors: 3, total: 100 }, { errors: 0, total: 100 })).toBeCloseTo(
      0.12311557788944724,
      10,
    );
    expect(fisherExactGreater({ errors: 8, total: 10 }, { errors: 1, total: 6 })).toBeCloseTo(0.024475524475524483, 10);
    expect(fisherExactGreater({ errors: 1, total: 10 }, { errors: 11, total: 14 })).toBeCloseTo(0.9999663480953022, 10);
    expect(fisherExactGreater({ errors: 11, total: 14 }, { errors: 1, total: 10 })).toBeCloseTo(
      0.0013797280926100418,
      10,
    );
  });

  it("two-proportion z-test matches SciPy", () => {
    expect(twoProportionZ({ errors: 52, total: 1000 }, { errors: 30, total: 1000 })).toBeCloseTo(
      0.006552851522822346,
      6,
    );
    expect(twoProportionZ({ errors: 60, total: 1200 }, { errors: 20, total: 1100 })).toBeCloseTo(
      1.5904752536646085e-5,
      8,
    );
    expect(twoProportionZ({ errors: 0, total: 50 }, { errors: 0, total: 50 })).toBe(1);
  });

  it("uses Fisher when an expected count is below 5", () => {
    expect(compareErrorRates({ errors: 3, total: 100 }, { errors: 0, total: 100 }).test).toBe("fisher-exact");
    expect(compareErrorRates({ errors: 52, total: 1000 }, { errors: 30, total: 1000 }).test).toBe("two-proportion-z");
    expect(compareErrorRates({ errors: 0, total: 100 }, { errors: 0, total: 100 }).p).toBe(1);
  });
});
