/**
 * Online flakiness replay: the learned `test-flakiness` component updated every 10 runs over a
 * generated history with known flaky tests (bench/testintel/flaky-history.ts: seeded flaky rates,
 * real regressions, retries half the time), without storms, with runner storms (every test fails
 * once, no retry; two storms 4 runs apart, twice) and with partial storms (the same, 40 % of the
 * tests: below the broken-run share, so counted, but storm runs: their one-run failures are no blips). Three policies in the same run: keep every
 * update ("always"), never update after the first 100 runs ("never"), and the online gate
 * (`onlineUpdateDecision`, the function `applyOnlineUpdate` runs: the newest 30 % of the runs since
 * the live state validate the update on the older 70 %). Live figures of the deployed labels:
 * precision and recall against the tests made flaky (at every run after the warm-up), and accuracy
 * on the resolved failures of the runs each state served (the gate's metric).
 */
import { onlineUpdateDecision } from "../../src/learning/index.js";
import {
  evaluateLabels,
  type FlakinessState,
  runFromOutcomes,
  type TimedRun,
  testFlakinessModel,
} from "../../src/testintel/index.js";
import { generateFlakyHistory } from "../testintel/flaky-history.js";

/** Runs before the first update (the first state is trained on them). */
const WARM_UP = 100;
/** Runs between two online updates (the component's own setting). */
const EVERY = testFlakinessModel.onlineUpdateRuns ?? 10;
/** Runs replaced by a storm: every test (or 40 % of them) fails once, no retry. */
export const STORMS = [200, 204, 420, 424];

/** Which storms a replay injects. */
export type Storms = "none" | "full" | "partial";

/** Live figures of one policy over one history. */
export interface PolicyFigures {
  precision: number;
  recall: number;
  /** Resolved failures labelled right / evaluated. */
  right: number;
  units: number;
  kept: number;
  rolledBack: number;
}

type Policy = "always" | "never" | "gated";

/** Replays one seeded history (600 runs × 300 tests) with the given storms. */
export function replayFlakiness(seed: number, storms: Storms): Record<Policy, PolicyFigures> {
  const h = generateFlakyHistory(seed, 300, 600);
  const items: TimedRun[] = h.runs.map((run, i) => ({ at: i + 1, run }));
  if (storms !== "none") {
    for (const i of STORMS) {
      const outcomes = [...items[i]!.run.results.keys()].map((id, k) => ({
        id,
        status: storms === "full" || k % 5 < 2 ? ("failed" as const) : ("passed" as const),
        durationMs: 20,
      }));
      items[i] = { at: i + 1, run: runFromOutcomes(`storm-${i}`, outcomes) };
    }
  }
  const first = testFlakinessModel.train(items.slice(0, WARM_UP));
  const live: Record<Policy, { state: FlakinessState; cursor: number; f: PolicyFigures }> = {
    always: { state: first, cursor: WARM_UP, f: zero() },
    never: { state: first, cursor: WARM_UP, f: zero() },
    gated: { state: first, cursor: WARM_UP, f: zero() },
  };
  const labelled = { always: [0, 0, 0], never: [0, 0, 0], gated: [0, 0, 0] } as Record<Policy, number[]>;
  for (let i = WARM_UP; i < items.length; i += EVERY) {
    if (i > WARM_UP) {
      for (const p of ["always", "gated"] as const) {
        const l = live[p];
        const d = onlineUpdateDecision(testFlakinessModel, l.state, items.slice(0, l.cursor), items.slice(l.cursor, i));
        if (p === "always" || !d.worse) {
          l.state = d.state;
          l.cursor += d.learn.length;
          l.f.kept++;
        } else l.f.rolledBack++;
      }
    }
    // the runs this state serves, and the run after them to resolve their failures (its own units are the next interval's)
    const served = items.slice(i, i + EVERY + 1);
    const after = items.slice(i + EVERY, i + EVERY + 1);
    for (const p of ["always", "never", "gated"] as const) {
      const e = evaluateLabels(live[p].state, served);
      const tail = evaluateLabels(live[p].state, after);
      live[p].f.right += sum(e.perItem) - sum(tail.perItem);
      live[p].f.units += e.perItem.length - tail.perItem.length;
      // precision/recall of the labels against the truth, once per served run
      const flaky = new Set(
        live[p].state.tests.filter(([id]) => testFlakinessModel.predict(live[p].state, id).flaky).map(([id]) => id),
      );
      const tp = [...flaky].filter((id) => h.flaky.has(id)).length;
      const runs = Math.min(EVERY, items.length - i);
      labelled[p]![0]! += tp * runs;
      labelled[p]![1]! += flaky.size * runs;
      labelled[p]![2]! += h.flaky.size * runs;
    }
  }
  for (const p of ["always", "never", "gated"] as const) {
    const [tp, predicted, actual] = labelled[p]!;
    live[p].f.precision = predicted === 0 ? 0 : tp! / predicted!;
    live[p].f.recall = actual === 0 ? 0 : tp! / actual!;
  }
  return { always: live.always.f, never: live.never.f, gated: live.gated.f };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function zero(): PolicyFigures {
  return { precision: 0, recall: 0, right: 0, units: 0, kept: 0, rolledBack: 0 };
}
