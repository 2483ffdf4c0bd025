/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples, with the normal
 * approximation, tie correction and continuity correction — the same computation as
 * `scipy.stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)`.
 *
 * Algorithm:
 *   1. Rank all n = n1 + n2 values together, ascending; tied values get the mean of their ranks.
 *   2. R1 = sum of the ranks of x; U1 = R1 − n1(n1+1)/2 counts the (x, y) pairs with x > y
 *      (ties count ½); U2 = n1·n2 − U1.
 *   3. Under H0 (same distribution) U has mean μ = n1·n2/2 and variance
 *      σ² = n1·n2/12 · ((n+1) − Σ(t³ − t)/(n(n−1))), where t runs over the sizes of tie groups.
 *   4. z = (U − μ − ½)/σ with U = U1 for "greater" (x tends larger), U2 for "less", max(U1, U2)
 *      for "two-sided" (p doubled); p = P(Z > z), clipped to [0, 1].
 * Effect size: the rank-biserial correlation r = 2·U1/(n1·n2) − 1 in [−1, 1]; r > 0 means x
 * tends to be larger (r = 1: every x exceeds every y).
 */
import { normalSf } from "./normal-distribution.js";

/** Which difference the test looks for. */
export type Alternative = "greater" | "less" | "two-sided";

/** Outcome of `mannWhitneyU`. */
export interface MannWhitneyResult {
  /** U statistic of x (as scipy reports it). */
  u1: number;
  u2: number;
  z: number;
  p: number;
  rankBiserial: number;
}

/** Tests whether `x` and `y` come from the same distribution (see the module comment). */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = "two-sided",
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("mannWhitneyU needs at least one value on each side");
  const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))].sort((a, b) => a.v - b.v);
  const n = all.length;
  let r1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((all[k] as { fromX: boolean }).fromX) r1 += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === "greater" ? u1 : alternative === "less" ? u2 : Math.max(u1, u2);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sigma > 0 ? (u - (n1 * n2) / 2 - 0.5) / sigma : Number.NaN;
  const oneSided = Number.isNaN(z) ? 1 : normalSf(z);
  const p = Math.min(1, Math.max(0, alternative === "two-sided" ? 2 * oneSided : oneSided));
  return { u1, u2, z, p, rankBiserial: (2 * u1) / (n1 * n2) - 1 };
}
