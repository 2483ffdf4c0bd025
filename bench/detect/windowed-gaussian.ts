/**
 * NAB's `windowedGaussian` baseline (nab/detectors/gaussian), re-implemented to check our scorer
 * against its published score: the anomaly score is 1 − Q(|x − μ|/σ), the two-sided Gaussian tail,
 * with μ and σ (population) over the last 6,400 values, refreshed every 100 values once full.
 */
export class WindowedGaussian {
  readonly #windowSize = 6400;
  readonly #stepSize = 100;
  #window: number[] = [];
  #step: number[] = [];
  #mean = 0;
  #std = 1;

  /** Scores one value, then learns it. */
  update(value: number): number {
    let score = 0;
    if (this.#window.length > 0)
      score = 1 - upperTail(this.#mean + Math.abs(value - this.#mean), this.#mean, this.#std);
    if (this.#window.length < this.#windowSize) {
      this.#window.push(value);
      this.#refresh();
    } else {
      this.#step.push(value);
      if (this.#step.length === this.#stepSize) {
        this.#window = this.#window.slice(this.#stepSize).concat(this.#step);
        this.#step = [];
        this.#refresh();
      }
    }
    return score;
  }

  #refresh(): void {
    const n = this.#window.length;
    this.#mean = this.#window.reduce((a, b) => a + b, 0) / n;
    this.#std = Math.sqrt(this.#window.reduce((a, b) => a + (b - this.#mean) ** 2, 0) / n);
    if (this.#std === 0) this.#std = 0.000001;
  }
}

/** P(X > x) for X ~ N(mean, std²). */
function upperTail(x: number, mean: number, std: number): number {
  return 0.5 * erfc((x - mean) / std / Math.SQRT2);
}

/** Complementary error function to near double precision: Taylor series below 2, continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Lentz evaluation of erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = x + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}
