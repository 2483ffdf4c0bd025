import { calcScoreByThreshold, calcSweepScore, PROBATION_PERCENT, rowAtThreshold } from "./sweeper.js";
import type { AnomalyPoint, CostMatrix, ScoredFile, ThresholdScore } from "./types.js";

/** One file's result at the corpus threshold (a row of NAB's `<detector>_<profile>_scores.csv`). */
export interface FileScore extends ThresholdScore {
  name: string;
}

/** A detector's result for one profile: threshold, raw total, normalised score and per-file rows. */
export interface ProfileResult {
  profile: string;
  threshold: number;
  /** Sum of per-file raw scores at the threshold (NAB's "Totals" row). */
  raw: number;
  /** 100 · (raw − null) / (perfect − null). */
  normalized: number;
  files: FileScore[];
}

/** The whole corpus' sweep points for one cost matrix (what `optimizeThreshold` sweeps over). */
function corpusPoints(files: readonly ScoredFile[], cost: CostMatrix, probationPercent: number): AnomalyPoint[][] {
  return files.map((f) => calcSweepScore(f.timestamps, f.scores, f.windows, f.name, cost, probationPercent));
}

/**
 * Port of `nab/optimizer.py` `optimizeThreshold`: sweeps every distinct anomaly score over the whole
 * corpus and returns the threshold with the highest total (ties: the highest threshold, as Python's
 * stable sort keeps the first).
 */
export function optimizeThreshold(
  files: readonly ScoredFile[],
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): { threshold: number; score: number } {
  const rows = calcScoreByThreshold(corpusPoints(files, cost, probationPercent).flat(), cost);
  let best = rows[0]!;
  for (const row of rows) if (row.score > best.score) best = row;
  return { threshold: best.threshold, score: best.score };
}

/** Port of `scoreCorpus`/`scoreDataSet`: each file's score at a fixed threshold. */
export function scoreAtThreshold(
  files: readonly ScoredFile[],
  cost: CostMatrix,
  threshold: number,
  probationPercent = PROBATION_PERCENT,
): FileScore[] {
  return corpusPoints(files, cost, probationPercent).map((points, i) => ({
    name: files[i]!.name,
    ...rowAtThreshold(calcScoreByThreshold(points, cost), threshold),
  }));
}

/** Optimises the threshold, scores each file with it and returns the total ("Totals" row). */
export function rawProfileScore(
  files: readonly ScoredFile[],
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): { threshold: number; raw: number; files: FileScore[] } {
  const { threshold } = optimizeThreshold(files, cost, probationPercent);
  const rows = scoreAtThreshold(files, cost, threshold, probationPercent);
  return { threshold, raw: rows.reduce((sum, r) => sum + r.score, 0), files: rows };
}

/**
 * Scores a detector the way NAB's `run.py --optimize --score --normalize` does, per profile.
 * The baseline is NAB's null detector (score 0.5 on every row) put through the same optimiser and
 * scorer; perfect is (number of windows in the labels) · tpWeight.
 */
export function scoreDetector(
  files: readonly ScoredFile[],
  profiles: Readonly<Record<string, CostMatrix>>,
  probationPercent = PROBATION_PERCENT,
): ProfileResult[] {
  const nullFiles = files.map((f) => ({ ...f, scores: f.scores.map(() => 0.5) }));
  const windowCount = files.reduce((n, f) => n + f.windows.length, 0);
  return Object.entries(profiles).map(([profile, cost]) => {
    const base = rawProfileScore(nullFiles, cost, probationPercent).raw;
    const perfect = windowCount * cost.tpWeight;
    const { threshold, raw, files: rows } = rawProfileScore(files, cost, probationPercent);
    return { profile, threshold, raw, normalized: (100 * (raw - base)) / (perfect - base), files: rows };
  });
}
