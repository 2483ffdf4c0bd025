/**
 * One-sided tests of "group A has a higher error rate than group B", for the judge's error check.
 *   - Two-proportion z-test with a pooled rate: z = (pA − pB) / √(p̂(1−p̂)(1/nA + 1/nB)),
 *     p = P(Z > z). Valid when every expected cell count is at least 5.
 *   - Fisher's exact test otherwise: with the margins of the 2×2 table fixed, the errors falling in
 *     A follow a hypergeometric law; p = P(X ≥ observed errors of A) (scipy's
 *     `fisher_exact(table, alternative="greater")`).
 * `compareErrorRates` picks between them by that rule of thumb.
 */
import { normalSf } from "./normal-distribution.js";

/** Errors out of a number of requests. */
export interface Outcomes {
  errors: number;
  total: number;
}

/** Outcome of a proportion test. */
export interface ProportionTestResult {
  p: number;
  test: "two-proportion-z" | "fisher-exact";
}

/** One-sided pooled two-proportion z-test that `a`'s error rate exceeds `b`'s. */
export function twoProportionZ(a: Outcomes, b: Outcomes): number {
  const pooled = (a.errors + b.errors) / (a.total + b.total);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.total + 1 / b.total));
  if (!(se > 0)) return 1;
  return normalSf((a.errors / a.total - b.errors / b.total) / se);
}

const logFactorials: number[] = [0];

/** ln(n!) from a table grown on demand (exact sums of logs, no approximation). */
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials.push((logFactorials[k - 1] as number) + Math.log(k));
  return logFactorials[n] as number;
}

const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);

/** One-sided Fisher exact test that `a`'s error rate exceeds `b`'s. */
export function fisherExactGreater(a: Outcomes, b: Outcomes): number {
  const errors = a.errors + b.errors;
  const total = a.total + b.total;
  const denominator = logChoose(total, a.total);
  let p = 0;
  for (let k = a.errors; k <= Math.min(errors, a.total); k++) {
    p += Math.exp(logChoose(errors, k) + logChoose(total - errors, a.total - k) - denominator);
  }
  return Math.min(1, p);
}

/** Tests that `a`'s error rate exceeds `b`'s, exactly when expected counts are small. */
export function compareErrorRates(a: Outcomes, b: Outcomes): ProportionTestResult {
  const pooled = (a.errors + b.errors) / (a.total + b.total);
  const smallest = Math.min(a.total, b.total) * Math.min(pooled, 1 - pooled);
  return smallest < 5
    ? { p: fisherExactGreater(a, b), test: "fisher-exact" }
    : { p: twoProportionZ(a, b), test: "two-proportion-z" };
}
