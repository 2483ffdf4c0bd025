/**
 * The standard normal tail, for the large-sample approximations of the judge's tests.
 * erfc is the Chebyshev fit of Numerical Recipes (2nd ed., §6.2, `erfcc`): fractional error
 * below 1.2e-7 everywhere, which is ample for p-values compared against alphas like 0.01.
 */

/** Complementary error function erfc(x) = 1 − erf(x). */
export function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-x * x + poly);
  return x >= 0 ? r : 2 - r;
}

/** Survival function of the standard normal: P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
