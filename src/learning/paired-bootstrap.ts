import { seededRandom } from "./seeded-random.js";

/** Default number of bootstrap resamples. */
export const BOOTSTRAP_RESAMPLES = 2000;

/** The outcome of a paired bootstrap over per-item differences (candidate − incumbent, oriented so that positive is better). */
export interface PairedComparison {
  items: number;
  /** Mean difference, positive: the candidate is better. */
  meanDelta: number;
  /** 95 % percentile interval of the mean difference. */
  low: number;
  high: number;
  /** Share of resampled means ≤ 0: the one-sided chance the candidate is not better. */
  pNotBetter: number;
  /** Share of resampled means ≥ 0: the one-sided chance the candidate is not worse. */
  pNotWorse: number;
  seed: number;
}

/**
 * Paired bootstrap of the mean difference between two states scored on the same items
 * (`candidate[i]` and `incumbent[i]` are the same evaluation unit), with a seeded generator so a
 * decision can be reproduced. `higherIsBetter` orients the difference.
 */
export function pairedBootstrap(
  candidate: readonly number[],
  incumbent: readonly number[],
  opts: { higherIsBetter: boolean; seed?: number; resamples?: number },
): PairedComparison {
  if (candidate.length !== incumbent.length) {
    throw new RangeError(`paired scores differ in length: ${candidate.length} vs ${incumbent.length}`);
  }
  const seed = opts.seed ?? 1;
  const n = candidate.length;
  const sign = opts.higherIsBetter ? 1 : -1;
  const d = candidate.map((c, i) => sign * (c - incumbent[i]!));
  const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  if (n === 0) return { items: 0, meanDelta: 0, low: 0, high: 0, pNotBetter: 1, pNotWorse: 1, seed };
  const next = seededRandom(seed);
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const means = new Float64Array(resamples);
  let notBetter = 0;
  let notWorse = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.floor(next() * n)]!;
    const m = s / n;
    means[r] = m;
    if (m <= 0) notBetter++;
    if (m >= 0) notWorse++;
  }
  means.sort();
  return {
    items: n,
    meanDelta: mean(d),
    low: means[Math.floor(0.025 * (resamples - 1))]!,
    high: means[Math.ceil(0.975 * (resamples - 1))]!,
    pNotBetter: notBetter / resamples,
    pNotWorse: notWorse / resamples,
    seed,
  };
}
