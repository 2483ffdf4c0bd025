import { compareIds } from "./flakiness.js";
import { type TestFailureState, testFailureModel } from "./failure-model.js";
import type { HistoryModel } from "./history-model.js";
import type { RankedTest } from "./prioritize.js";
import { medianDurationMs, PER_TEST_OVERHEAD_MS } from "./test-cost.js";

/**
 * `prioritize` with a trained version of the test-failure model: the same order rules
 * (probability, then probability per second, then id), each test's reason its top feature
 * contributions and the model version that made the prediction.
 */
export function prioritizeLearned(
  state: TestFailureState,
  version: number,
  history: HistoryModel,
  candidates: Iterable<string>,
): RankedTest[] {
  const fallbackMs = medianDurationMs(history);
  const ranked: RankedTest[] = [];
  for (const id of new Set(candidates)) {
    const measured = history.get(id)?.durationMs ?? 0;
    const durationMs = measured > 0 ? measured : fallbackMs;
    const input = { history, id, durationMs };
    const probability = testFailureModel.predict(state, input);
    const why = testFailureModel.explain(state, input);
    const score = probability / ((durationMs + PER_TEST_OVERHEAD_MS) / 1000);
    ranked.push({ id, probability, durationMs, score, reason: `${testFailureModel.name} v${version}: ${why.summary}` });
  }
  return ranked.sort((a, b) => b.probability - a.probability || b.score - a.score || compareIds(a.id, b.id));
}
