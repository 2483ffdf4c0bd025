import { compareIds } from "./flakiness.js";
import type { HistoryModel } from "./history-model.js";
import { predictFailure } from "./predict-failure.js";
import { medianDurationMs, PER_TEST_OVERHEAD_MS } from "./test-cost.js";

/** One test in a prioritised order. */
export interface RankedTest {
  id: string;
  /** Predicted chance of failing in the next run. */
  probability: number;
  /** Expected duration in ms (measured, or the median of the suite for a test never measured). */
  durationMs: number;
  /** `probability` per second of expected run time (plus the per-test overhead): the tie-break. */
  score: number;
  reason: string;
}

/**
 * Orders candidate tests by predicted failure probability, ties by probability per second of run
 * time (the cheaper of two equally likely failures first), then by id. Probability comes first
 * because an order is judged by how early the failing tests come (APFD counts positions): dividing
 * by duration instead (Smith's rule, which minimises the expected time to the first failure)
 * pushes long, likely-failing tests behind many cheap, unlikely ones. Every candidate appears
 * exactly once; duplicates in `candidates` are dropped.
 */
export function prioritize(model: HistoryModel, candidates: Iterable<string>): RankedTest[] {
  const fallbackMs = medianDurationMs(model);
  const seen = new Set<string>();
  const ranked: RankedTest[] = [];
  for (const id of candidates) {
    if (seen.has(id)) continue;
    seen.add(id);
    const measured = model.get(id)?.durationMs ?? 0;
    const durationMs = measured > 0 ? measured : fallbackMs;
    const prediction = predictFailure(model, id, durationMs);
    const score = prediction.probability / ((durationMs + PER_TEST_OVERHEAD_MS) / 1000);
    const reason = measured > 0 ? prediction.reason : `${prediction.reason}; duration unknown, suite median assumed`;
    ranked.push({ id, probability: prediction.probability, durationMs, score, reason });
  }
  return ranked.sort((a, b) => b.probability - a.probability || b.score - a.score || compareIds(a.id, b.id));
}
