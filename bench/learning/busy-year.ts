/**
 * A generated year of one busy project: 50 runs a day for 365 days, 200 tests (seeded): each
 * test a stable duration; 10 flaky tests failing at random 5 % of the time; about one
 * regression a day, one test failing 3–10 runs in a row until fixed. Timed: training the
 * test-failure model on the first 358 days and evaluating it beside the shipped default on the
 * last week (the registry's time split), gate included.
 */
import { decidePromotion, seededRandom } from "../../src/learning/index.js";
import { runFromOutcomes, type TimedRun, testFailureModel } from "../../src/testintel/index.js";

const DAYS = 365;
const RUNS_PER_DAY = 50;
const TESTS = 200;
const DAY = 86_400_000;

/** The generated history, oldest first. */
export function busyYear(seed = 5): TimedRun[] {
  const next = seededRandom(seed);
  const ids = Array.from({ length: TESTS }, (_, i) => `com.acme.pkg${i % 17}.Test${i}.run`);
  const durations = ids.map(() => Math.round(20 + 2000 * next() ** 3));
  const flaky = new Set(ids.slice(0, 10));
  const broken = new Map<string, number>();
  const runs: TimedRun[] = [];
  for (let i = 0; i < DAYS * RUNS_PER_DAY; i++) {
    if (next() < 1 / RUNS_PER_DAY) broken.set(ids[Math.floor(next() * TESTS)]!, 3 + Math.floor(next() * 8));
    const outcomes = ids.map((id, k) => {
      const left = broken.get(id) ?? 0;
      const failed = left > 0 || (flaky.has(id) && next() < 0.05);
      if (left > 1) broken.set(id, left - 1);
      else broken.delete(id);
      return { id, status: failed ? ("failed" as const) : ("passed" as const), durationMs: durations[k]! };
    });
    runs.push({ at: (i * DAY) / RUNS_PER_DAY, run: runFromOutcomes(`run ${i}`, outcomes) });
  }
  return runs;
}

/** Times training and evaluation on the busy year. */
export function timeBusyYear() {
  const runs = busyYear();
  const split = (DAYS - 7) * DAY;
  const train = runs.filter((r) => r.at <= split);
  const held = runs.filter((r) => r.at > split);
  const t0 = performance.now();
  const state = testFailureModel.train(train);
  const t1 = performance.now();
  const decision = decidePromotion(
    testFailureModel,
    testFailureModel.evaluate(state, train, held),
    testFailureModel.evaluate(testFailureModel.initialState(), train, held),
  );
  const t2 = performance.now();
  return {
    runs: runs.length,
    results: runs.length * TESTS,
    trainMs: t1 - t0,
    evaluateMs: t2 - t1,
    decision,
  };
}
