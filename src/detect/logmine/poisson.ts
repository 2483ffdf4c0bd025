/** ln(n!) — exact for small n, Stirling's series (error below 1e-10) beyond. */
export function lnFactorial(n: number): number {
  if (n < 20) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}

/**
 * The smallest count k with P(X ≥ k) < p for X ~ Poisson(lambda): seeing k or more events in a
 * window where `lambda` are expected is surprising at level p. Works in log space from the mode, so
 * it is exact for small rates and does not underflow for large ones (cost O(√lambda)).
 */
export function poissonThreshold(lambda: number, p: number): number {
  if (!(lambda > 0)) return 1;
  const mode = Math.floor(lambda);
  let pmf = Math.exp(-lambda + mode * Math.log(lambda) - lnFactorial(mode));
  const pmfs: number[] = [];
  for (let k = mode; pmf > p * 1e-6 || k <= lambda; k++) {
    pmfs.push(pmf);
    pmf *= lambda / (k + 1);
  }
  let tail = 0;
  for (let i = pmfs.length - 1; i >= 0; i--) {
    tail += pmfs[i]!;
    if (tail >= p) return mode + i + 1;
  }
  return mode;
}

/** P(X ≥ k) for X ~ Poisson(lambda), summed upward from k (accurate for the small tails that matter). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (!(lambda > 0)) return 0;
  let term = Math.exp(-lambda + k * Math.log(lambda) - lnFactorial(k));
  let sum = 0;
  for (let i = k; term > sum * 1e-15 || i <= lambda; i++) {
    sum += term;
    term *= lambda / (i + 1);
  }
  return Math.min(1, sum);
}
