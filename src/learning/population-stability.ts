/** Number of bins of a feature's reference distribution. */
export const PSI_BINS = 10;

/** A feature's reference distribution: bin edges (upper bounds, last open) and bin shares. */
export interface FeatureProfile {
  edges: number[];
  shares: number[];
  count: number;
}

/** Smallest share a bin counts with (an empty bin would make the index infinite). */
const MIN_SHARE = 1e-4;

/** The reference distribution of `values`: decile edges and the share of values in each bin. */
export function featureProfile(values: readonly number[]): FeatureProfile {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const edges: number[] = [];
  for (let b = 1; b < PSI_BINS; b++) {
    const e = sorted[Math.floor((b * sorted.length) / PSI_BINS)] ?? 0;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return { edges, shares: binShares(edges, sorted), count: sorted.length };
}

/**
 * Population stability index of `values` against a reference profile:
 * Σ (actual − expected) · ln(actual / expected) over the profile's bins. Below 0.1 the population
 * is stable, 0.1–0.25 it moved, above 0.25 it drifted (the usual reading).
 */
export function populationStability(profile: FeatureProfile, values: readonly number[]): number {
  const actual = binShares(profile.edges, values.filter(Number.isFinite));
  let psi = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = Math.max(actual[i]!, MIN_SHARE);
    const e = Math.max(profile.shares[i] ?? 0, MIN_SHARE);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** Share of values per bin: bin i holds values ≤ edges[i] (and > edges[i−1]); the last bin the rest. */
function binShares(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && v > edges[i]!) i++;
    counts[i]!++;
  }
  return counts.map((c) => (values.length === 0 ? 0 : c / values.length));
}
