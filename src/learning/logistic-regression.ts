/** A fitted logistic regression over standardised features: p = σ(bias + Σ wᵢ·(xᵢ − meanᵢ)/stdᵢ). */
export interface LogisticModel {
  features: string[];
  weights: number[];
  bias: number;
  mean: number[];
  std: number[];
}

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** L2 penalty on the standardised weights (default 1), per unit of total sample weight ×1000. */
  l2?: number;
  /** Newton iterations at most (default 25). */
  iterations?: number;
  /**
   * An online update from a previous fit: keeps its standardisation and pulls the weights towards
   * its weights instead of towards 0 (a Gaussian prior centred on what was already learnt).
   */
  from?: LogisticModel;
}

/** σ(x), numerically safe. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The linear score (log-odds) of a feature row and each feature's contribution to it. */
export function logisticTerms(m: LogisticModel, x: readonly number[]): { logit: number; contributions: number[] } {
  let logit = m.bias;
  const contributions = m.weights.map((w, i) => {
    const c = (w * ((x[i] ?? 0) - m.mean[i]!)) / m.std[i]!;
    logit += c;
    return c;
  });
  return { logit, contributions };
}

/**
 * Fits a weighted, L2-regularised logistic regression by Newton's method (the feature count is
 * small: the Hessian is solved directly). Features are standardised first; a constant feature gets
 * weight 0. Deterministic: the same rows give the same model.
 */
export function fitLogistic(
  features: readonly string[],
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  sampleWeights: readonly number[] | undefined,
  opts: LogisticOptions = {},
): LogisticModel {
  const k = features.length;
  const n = rows.length;
  const sw = sampleWeights ?? rows.map(() => 1);
  const totalW = sw.reduce((a, b) => a + b, 0) || 1;
  const mean = opts.from ? [...opts.from.mean] : new Array<number>(k).fill(0);
  const std = opts.from ? [...opts.from.std] : new Array<number>(k).fill(0);
  if (!opts.from) {
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) mean[j]! += (sw[r]! * rows[r]![j]!) / totalW;
    for (let r = 0; r < n; r++)
      for (let j = 0; j < k; j++) std[j]! += (sw[r]! * (rows[r]![j]! - mean[j]!) ** 2) / totalW;
    for (let j = 0; j < k; j++) std[j] = Math.sqrt(std[j]!) || 1;
  }
  const z = rows.map((x) => x.map((v, j) => (v - mean[j]!) / std[j]!));
  const lambda = ((opts.l2 ?? 1) * totalW) / 1000;
  // beta[0] is the bias, beta[1..k] the weights
  const prior = opts.from ? [opts.from.bias, ...opts.from.weights] : new Array<number>(k + 1).fill(0);
  const beta = [...prior];
  for (let it = 0; it < (opts.iterations ?? 25); it++) {
    const g = new Array<number>(k + 1).fill(0);
    const h = Array.from({ length: k + 1 }, () => new Array<number>(k + 1).fill(0));
    for (let r = 0; r < n; r++) {
      const xr = z[r]!;
      let s = beta[0]!;
      for (let j = 0; j < k; j++) s += beta[j + 1]! * xr[j]!;
      const p = sigmoid(s);
      const w = sw[r]!;
      const e = w * (p - labels[r]!);
      const v = w * p * (1 - p);
      for (let a = 0; a <= k; a++) {
        const xa = a === 0 ? 1 : xr[a - 1]!;
        g[a]! += e * xa;
        for (let b = a; b <= k; b++) h[a]![b]! += v * xa * (b === 0 ? 1 : xr[b - 1]!);
      }
    }
    for (let a = 0; a <= k; a++) {
      for (let b = 0; b < a; b++) h[a]![b] = h[b]![a]!;
      if (a > 0) {
        g[a]! += lambda * (beta[a]! - prior[a]!);
        h[a]![a]! += lambda;
      }
      h[a]![a]! += 1e-9;
    }
    const step = solve(h, g);
    let moved = 0;
    for (let a = 0; a <= k; a++) {
      beta[a]! -= step[a]!;
      moved = Math.max(moved, Math.abs(step[a]!));
    }
    if (moved < 1e-7) break;
  }
  return { features: [...features], weights: beta.slice(1), bias: beta[0]!, mean, std };
}

/** Solves h·x = g by Gaussian elimination with partial pivoting (h is small and positive definite). */
function solve(h: number[][], g: number[]): number[] {
  const n = g.length;
  const a = h.map((row, i) => [...row, g[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const d = a[c]![c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / d;
      if (f === 0) continue;
      for (let j = c; j <= n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= a[r]![j]! * x[j]!;
    x[r] = s / (a[r]![r]! || 1e-12);
  }
  return x;
}
