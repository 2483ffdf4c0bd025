/** Smallest p-value we represent; beyond it every sample is equally (maximally) surprising. */
const MIN_P = 1e-300;
/** Surprise (−log10 p) that maps to score 0.5: a one-in-10,000 sample. */
const HALF_SCORE_SURPRISE = 4;

/** −log10 of a p-value, finite for p = 0. */
export function surprise(p: number): number {
  return -Math.log10(Math.min(1, Math.max(p, MIN_P)));
}

/** Maps surprise σ = −log10 p to a score in [0, 1): σ / (σ + 4), so p = 10⁻⁴ → 0.5, 10⁻¹² → 0.75. */
export function scoreFromSurprise(sigma: number): number {
  return sigma <= 0 ? 0 : sigma / (sigma + HALF_SCORE_SURPRISE);
}

/** Score of a p-value (see `scoreFromSurprise`). */
export function scoreFromP(p: number): number {
  return scoreFromSurprise(surprise(p));
}
