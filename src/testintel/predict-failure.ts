import { flakinessScore } from "./flakiness.js";
import type { HistoryModel } from "./history-model.js";
import { meanObservedMs, PER_TEST_OVERHEAD_MS } from "./test-cost.js";

/** The predicted chance that a test fails in the next run, and why. */
export interface FailurePrediction {
  probability: number;
  /** False for a test the history never saw run. */
  known: boolean;
  reason: string;
}

/**
 * Predicts that a test expected to take `durationMs` fails in the next run, from the history alone:
 * - the prior, for a test without failures of its own, is the suite's failure rate scaled by the
 *   test's share of run time (a test that runs twice as long exercises about twice as much code):
 *   `base · (durationMs + overhead) / (mean + overhead)`, at most 0.5;
 * - it failed its last run: failures persist until fixed, so the chance is how often its (and,
 *   as a prior, every test's) failures were followed by another failure;
 * - else its recency-weighted failure rate (half-life `model.halfLifeRuns`), shrunk by one run's
 *   weight towards its all-time failure rate (itself shrunk towards the prior by one run's weight),
 *   so recent failures count most and old ones still set a test apart from one that never failed;
 * - never seen (a new test): how often tests that appeared during the history failed their first
 *   run, shrunk towards the suite's failure rate by one test's weight, scaled by the same share of
 *   run time: with no evidence a new test gets the prior, which is above tests that proved stable
 *   (their estimate shrinks with every pass);
 * then discounted by half its flakiness score, since a flaky test's failure says less about the change.
 */
export function predictFailure(model: HistoryModel, id: string, durationMs: number): FailurePrediction {
  const g = model.global;
  const base = (g.failures + 1) / (g.observations + 2);
  const share = (durationMs + PER_TEST_OVERHEAD_MS) / (meanObservedMs(model) + PER_TEST_OVERHEAD_MS);
  const prior = Math.min(0.5, base * share);
  const newRate = (g.newTestsFailedFirst + base) / (g.newTests + 1);
  const s = model.get(id);
  if (s === undefined) {
    return {
      probability: Math.min(0.5, newRate * share),
      known: false,
      reason: `no history: a new test (${g.newTestsFailedFirst} of ${g.newTests} tests new during the history failed their first run)`,
    };
  }
  let p: number;
  let reason: string;
  if (s.lastFailed) {
    const again = (g.afterFailFailed + 1) / (g.afterFailFailed + g.afterFailPassed + 2);
    p = (s.afterFailFailed + 2 * again) / (s.afterFailFailed + s.afterFailPassed + 2);
    reason = `failed its last run (${s.streak} in a row; ${s.failures} of ${s.runs} runs failed)`;
  } else {
    const d = model.decayed(s);
    const allTime = (s.failures + prior) / (s.runs + 1);
    p = (d.failures + allTime) / (d.runs + 1);
    reason =
      s.failures === 0
        ? `never failed in ${s.runs} runs`
        : `failed ${s.failures} of ${s.runs} runs, last ${model.runs - 1 - s.lastFailRun} runs ago`;
  }
  const flakiness = flakinessScore(s.signs);
  if (flakiness > 0) reason += `; flakiness ${flakiness.toFixed(2)}`;
  return { probability: p * (1 - flakiness / 2), known: true, reason };
}
