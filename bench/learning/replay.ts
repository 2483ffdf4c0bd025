/**
 * The weekly retraining replay over one project's CI history: a "week" is a fixed number of CI
 * cycles (the Commons histories have no timestamps): ⌊cycles / 22⌋, the first two weeks warm-up,
 * then 20 weeks. At the start of each replayed week a candidate is trained on every cycle before
 * the last week and evaluated on the last week beside the incumbent (the registry's time split,
 * h = one week, expanding window), and the gate of `decidePromotion` (defaults as shipped)
 * decides. Strategies compared on the live metric (APFD of each failing cycle of the week, with
 * the deployed state): always promote, never retrain (the first candidate kept), gated.
 */
import { decidePromotion, type Evaluation } from "../../src/learning/index.js";
import {
  evaluateOrdering,
  type TestFailureState,
  type TimedRun,
  testFailureModel,
  trainTestFailure,
} from "../../src/testintel/index.js";

/** Weeks replayed. */
export const WEEKS = 20;
const WARMUP_WEEKS = 2;

/** The live per-cycle APFDs of one week, per strategy, and what the gate did. */
export interface WeekResult {
  week: number;
  always: number[];
  never: number[];
  gated: number[];
  /** The gated strategy's incumbent before this week's decision, scored on the same cycles. */
  incumbentBefore: number[];
  promoted: boolean;
  reason: string;
}

/** Replays one project; `cycles` oldest first. */
export function replayProject(cycles: readonly TimedRun[]): { weekCycles: number; weeks: WeekResult[] } {
  const w = Math.floor(cycles.length / (WEEKS + WARMUP_WEEKS));
  const out: WeekResult[] = [];
  let never: TestFailureState | undefined;
  let gated: TestFailureState = testFailureModel.initialState();
  for (let week = WARMUP_WEEKS; week < WEEKS + WARMUP_WEEKS; week++) {
    const start = week * w;
    const train = cycles.slice(0, start - w);
    const held = cycles.slice(start - w, start);
    const candidate = trainTestFailure(train);
    never ??= candidate;
    const decision = decidePromotion(
      testFailureModel,
      testFailureModel.evaluate(candidate, train, held),
      testFailureModel.evaluate(gated, train, held),
    );
    const before = gated;
    if (decision.promote) gated = candidate;
    const past = cycles.slice(0, start);
    const live = cycles.slice(start, start + w);
    const score = (s: TestFailureState): Evaluation => evaluateOrdering(s, past, live);
    out.push({
      week: week - WARMUP_WEEKS + 1,
      always: score(candidate).perItem,
      never: score(never).perItem,
      gated: score(gated).perItem,
      incumbentBefore: score(before).perItem,
      promoted: decision.promote,
      reason: decision.reason,
    });
  }
  return { weekCycles: w, weeks: out };
}
