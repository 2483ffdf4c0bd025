import {
  type CostMatrix,
  optimizeThreshold,
  type ScoredFile,
  scoreAtThreshold,
  scoreDetector,
} from "../../src/detect/nab/index.js";

/** One way of running the detector over the corpus: a label and its results, one file per series. */
export interface SettingRun {
  label: string;
  files: ScoredFile[];
}

/** One fold: settings and threshold chosen on `train`, then scored on the other half. */
export interface Fold {
  train: string;
  chosen: string;
  threshold: number;
  trainScore: number;
  testScore: number;
}

/**
 * NAB files split into two halves, stratified: within each category (sorted by name) the files
 * alternate between half A and half B, so both halves hold every kind of series.
 */
export function halves(names: readonly string[]): [Set<string>, Set<string>] {
  const a = new Set<string>();
  const b = new Set<string>();
  const byCategory = new Map<string, string[]>();
  for (const n of [...names].sort()) {
    const c = n.split("/")[0]!;
    byCategory.set(c, [...(byCategory.get(c) ?? []), n]);
  }
  for (const files of byCategory.values()) {
    files.forEach((n, i) => {
      (i % 2 === 0 ? a : b).add(n);
    });
  }
  return [a, b];
}

/** NAB's normalised score of `files` when rows scoring ≥ `threshold` alert (null = 0, perfect = 100). */
export function normalizedAt(files: readonly ScoredFile[], cost: CostMatrix, threshold: number): number {
  const raw = scoreAtThreshold(files, cost, threshold).reduce((sum, r) => sum + r.score, 0);
  const nullFiles = files.map((f) => ({ ...f, scores: f.scores.map(() => 0.5) }));
  const base = scoreDetector(nullFiles, { p: cost })[0]!.raw;
  const perfect = files.reduce((n, f) => n + f.windows.length, 0) * cost.tpWeight;
  return (100 * (raw - base)) / (perfect - base);
}

/**
 * 2-fold cross-validation of the free settings: on each half, the setting (and NAB's alert
 * threshold) with the best normalised score is chosen; that choice is then scored on the other half.
 */
export function crossValidate(runs: readonly SettingRun[], cost: CostMatrix): Fold[] {
  const [a, b] = halves(runs[0]!.files.map((f) => f.name));
  return [fold("A", a, b, runs, cost), fold("B", b, a, runs, cost)];
}

/** Chooses the best setting and threshold on `train`, scores that choice on `test`. */
function fold(
  label: string,
  train: Set<string>,
  test: Set<string>,
  runs: readonly SettingRun[],
  cost: CostMatrix,
): Fold {
  let best: Fold | null = null;
  for (const run of runs) {
    const trainFiles = run.files.filter((f) => train.has(f.name));
    const { threshold } = optimizeThreshold(trainFiles, cost);
    const trainScore = normalizedAt(trainFiles, cost, threshold);
    if (best !== null && trainScore <= best.trainScore) continue;
    const testScore = normalizedAt(
      run.files.filter((f) => test.has(f.name)),
      cost,
      threshold,
    );
    best = { train: label, chosen: run.label, threshold, trainScore, testScore };
  }
  return best!;
}
