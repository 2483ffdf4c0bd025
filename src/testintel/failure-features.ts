import { flakinessScore } from "./flakiness.js";
import type { HistoryModel } from "./history-model.js";
import { predictFailure } from "./predict-failure.js";

/** Names of the features the learned failure model reads, in row order. */
export const FAILURE_FEATURES = [
  "heuristic_logit",
  "failed_last_run",
  "failure_streak",
  "recent_failure_rate",
  "failure_rate",
  "failure_recency",
  "flakiness",
  "new_test",
  "log_duration_s",
] as const;

/** Runs over which the recency of the last failure fades to 1/e. */
const RECENCY_RUNS = 20;

/**
 * The feature row of a test before the next run, from the history so far: the shipped heuristic's
 * log-odds (`predictFailure`), then the raw signals it combines by hand, so a learned model can
 * re-weigh them (and, with weights [1, 0, …], reproduces the heuristic exactly).
 */
export function failureFeatures(history: HistoryModel, id: string, durationMs: number): number[] {
  const p = Math.min(Math.max(predictFailure(history, id, durationMs).probability, 1e-6), 1 - 1e-6);
  const s = history.get(id);
  const logDuration = Math.log1p(durationMs / 1000);
  if (s === undefined) return [Math.log(p / (1 - p)), 0, 0, 0, 0, 0, 0, 1, logDuration];
  const d = history.decayed(s);
  const since = s.lastFailRun < 0 ? Number.POSITIVE_INFINITY : history.runs - 1 - s.lastFailRun;
  return [
    Math.log(p / (1 - p)),
    s.lastFailed ? 1 : 0,
    Math.log1p(s.streak),
    d.runs > 0 ? d.failures / d.runs : 0,
    s.runs > 0 ? s.failures / s.runs : 0,
    Math.exp(-since / RECENCY_RUNS),
    flakinessScore(s.signs),
    0,
    logDuration,
  ];
}
