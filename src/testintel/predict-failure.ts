import { flakinessScore } from "./flakiness.js";
import type { HistoryModel } from "./history-model.js";

/** The predicted chance that a test fails in the next run, and why. */
export interface FailurePrediction {
  probability: number;
  /** False for a test the history never saw run. */
  known: boolean;
  reason: string;
}

/**
 * Predicts that a test fails in the next run from the history alone:
 * - it failed its last run: failures persist until fixed, so the chance is how often its (and,
 *   as a prior, every test's) failures were followed by another failure;
 * - else its recency-weighted failure rate (half-life `model.halfLifeRuns`), shrunk towards the
 *   suite's overall failure rate by one run's weight;
 * - never seen: how often tests that appeared during the history failed their first run
 *   (Laplace-smoothed, so 0.5 with no such test: new tests come early, they are the likeliest to fail);
 * then discounted by half its flakiness score, since a flaky test's failure says less about the change.
 */
export function predictFailure(model: HistoryModel, id: string): FailurePrediction {
  const g = model.global;
  const s = model.get(id);
  if (s === undefined) {
    const probability = (g.newTestsFailedFirst + 1) / (g.newTests + 2);
    return {
      probability,
      known: false,
      reason: `no history: a new test (${g.newTestsFailedFirst} of ${g.newTests} tests new during the history failed their first run)`,
    };
  }
  let p: number;
  let reason: string;
  if (s.lastFailed) {
    const prior = (g.afterFailFailed + 1) / (g.afterFailFailed + g.afterFailPassed + 2);
    p = (s.afterFailFailed + 2 * prior) / (s.afterFailFailed + s.afterFailPassed + 2);
    reason = `failed its last run (${s.streak} in a row; ${s.failures} of ${s.runs} runs failed)`;
  } else {
    const base = (g.failures + 1) / (g.observations + 2);
    const d = model.decayed(s);
    p = (d.failures + base) / (d.runs + 1);
    reason =
      s.failures === 0
        ? `never failed in ${s.runs} runs`
        : `failed ${s.failures} of ${s.runs} runs, last ${model.runs - 1 - s.lastFailRun} runs ago`;
  }
  const flakiness = flakinessScore(s);
  if (flakiness > 0) reason += `; flakiness ${flakiness.toFixed(2)}`;
  return { probability: p * (1 - flakiness / 2), known: true, reason };
}
