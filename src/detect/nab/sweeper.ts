import { MAX_TP, scaledSigmoid } from "./scaled-sigmoid.js";
import type { AnomalyPoint, AnomalyWindow, CostMatrix, ThresholdScore } from "./types.js";

/** NAB's default probationary fraction: the first 15 % of a file (at most 750 rows) is not scored. */
export const PROBATION_PERCENT = 0.15;

/** NAB's `getProbationPeriod`: min(floor(fraction · rows), fraction · 5000). */
export function probationLength(rows: number, fraction = PROBATION_PERCENT): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

/**
 * Port of `Sweeper.calcSweepScore`: the weighted score each row would earn if it alerted.
 * Inside a window: scaledSigmoid(-(right − i + 1)/width) · tpWeight / MAX_TP. Outside: the FP weight
 * times -1 before the first window, else times scaledSigmoid(|prevRight − i| / (prevWidth − 1)).
 */
export function calcSweepScore(
  timestamps: readonly number[],
  anomalyScores: readonly number[],
  windowLimits: readonly AnomalyWindow[],
  dataSetName: string,
  cost: CostMatrix,
  probationPercent = PROBATION_PERCENT,
): AnomalyPoint[] {
  if (timestamps.length !== anomalyScores.length) throw new Error("timestamps and anomalyScores differ in length");
  const firstIndex = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!firstIndex.has(t)) firstIndex.set(t, i);
  });
  const pending = [...windowLimits];
  const probation = probationLength(timestamps.length, probationPercent);
  const points: AnomalyPoint[] = [];
  let cur: { limits: AnomalyWindow; name: string; width: number; right: number } | null = null;
  let prev: { width: number; right: number } | null = null;

  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (cur === null && pending.length > 0 && t === pending[0]!.start) {
      const limits = pending.shift()!;
      const right = indexOf(firstIndex, limits.end);
      const left = indexOf(firstIndex, limits.start);
      cur = { limits, name: `${dataSetName}|${limits.start}`, width: right - left + 1, right };
    }
    let sweepScore: number;
    if (cur !== null) {
      sweepScore = (scaledSigmoid(-(cur.right - i + 1) / cur.width) * cost.tpWeight) / MAX_TP;
    } else {
      const unweighted = prev === null ? -1 : scaledSigmoid(Math.abs(prev.right - i) / (prev.width - 1));
      sweepScore = unweighted * cost.fpWeight;
    }
    const windowName = i >= probation ? (cur?.name ?? null) : "probationary";
    points.push({ anomalyScore: anomalyScores[i]!, sweepScore, windowName });
    if (cur !== null && t === cur.limits.end) {
      prev = { width: cur.width, right: i };
      cur = null;
    }
  }
  return points;
}

function indexOf(firstIndex: Map<number, number>, t: number): number {
  const i = firstIndex.get(t);
  if (i === undefined) throw new Error(`window limit ${new Date(t).toISOString()} is not a timestamp of the data`);
  return i;
}

/**
 * Port of `Sweeper.calcScoreByThreshold`: walks rows from the highest anomaly score down and
 * records, for each distinct score t (and the initial 1.1), the total when rows with score ≥ t alert.
 * Each window contributes max(-fnWeight, best sweep score of its alerting rows); each alerting row
 * outside windows adds its (negative) sweep score. Probationary rows are ignored.
 */
export function calcScoreByThreshold(anomalyList: readonly AnomalyPoint[], cost: CostMatrix): ThresholdScore[] {
  const scorable = anomalyList
    .filter((p) => p.windowName !== "probationary")
    .sort((a, b) => b.anomalyScore - a.anomalyScore);
  const windowParts = new Map<string, number>();
  for (const p of scorable) if (p.windowName !== null) windowParts.set(p.windowName, -cost.fnWeight);
  let windowTotal = -cost.fnWeight * windowParts.size;
  let fpPart = 0;
  let tn = scorable.filter((p) => p.windowName === null).length;
  let fn = scorable.length - tn;
  let tp = 0;
  let fp = 0;
  let threshold = 1.1;
  const out: ThresholdScore[] = [];
  const save = () => out.push({ threshold, score: fpPart + windowTotal, tp, tn, fp, fn, total: tp + tn + fp + fn });

  for (const p of scorable) {
    if (p.anomalyScore !== threshold) {
      save();
      threshold = p.anomalyScore;
    }
    if (p.windowName === null) {
      fp++;
      tn--;
      fpPart += p.sweepScore;
    } else {
      tp++;
      fn--;
      const before = windowParts.get(p.windowName)!;
      if (p.sweepScore > before) {
        windowParts.set(p.windowName, p.sweepScore);
        windowTotal += p.sweepScore - before;
      }
    }
  }
  save();
  return out;
}

/**
 * The row of `calcScoreByThreshold` that NAB's `scoreDataSet` picks for `threshold`: the exact
 * threshold, else the last one above it. Deviation: where NAB finds none (every score of the file
 * is above the threshold, and it would crash) this returns the last row, i.e. every row alerting.
 */
export function rowAtThreshold(rows: readonly ThresholdScore[], threshold: number): ThresholdScore {
  let prev: ThresholdScore | undefined;
  for (const row of rows) {
    if (row.threshold === threshold) return row;
    if (row.threshold < threshold) return prev ?? row;
    prev = row;
  }
  return rows[rows.length - 1]!;
}
