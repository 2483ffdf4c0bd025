/**
 * The learned test-failure model (`test-failure`): a logistic regression over the history
 * features of {@link failureFeatures}, trained on a project's stored runs (each test of each run
 * is a sample, labelled failed or not, with the features the history had before that run) and
 * judged by APFD over the failing runs after its training window. Its shipped default state is
 * the hand-made heuristic (`predictFailure`), so a trained version goes live only when it orders
 * failures earlier than the heuristic beyond the noise.
 */
import {
  type Evaluation,
  type Explanation,
  fitLogistic,
  type LearnedModel,
  type LogisticModel,
  logisticTerms,
  seededRandom,
  sigmoid,
} from "../learning/index.js";
import type { Store } from "../store/index.js";
import { compareIds } from "./flakiness.js";
import { FAILURE_FEATURES, failureFeatures } from "./failure-features.js";
import { HistoryModel } from "./history-model.js";
import { storedRuns, type TimedRun } from "./stored-history.js";
import { medianDurationMs, PER_TEST_OVERHEAD_MS } from "./test-cost.js";

/** Most training samples (all failures, then passes sampled at random with a seed, re-weighted). */
export const MAX_TRAINING_SAMPLES = 40_000;

/**
 * The features watched for drift: those whose distribution stays put while the stream does
 * (recency-weighted and per-run signals). All-time rates and counts (failure rate, flakiness, the
 * heuristic built on them) keep narrowing as history grows, so they would "drift" on a steady
 * stream.
 */
export const DRIFT_FEATURES = [
  "failed_last_run",
  "failure_streak",
  "recent_failure_rate",
  "failure_recency",
  "new_test",
  "log_duration_s",
] as const satisfies readonly (typeof FAILURE_FEATURES)[number][];

/** One prediction's input: a test, its expected duration and the history so far. */
export interface TestFailureInput {
  history: HistoryModel;
  id: string;
  durationMs: number;
}

/** The learned test-failure model's state: a logistic regression over {@link FAILURE_FEATURES}. */
export type TestFailureState = LogisticModel;

/** The learned test-failure model, ready for the model registry. */
export const testFailureModel: LearnedModel<TestFailureState, TimedRun, TestFailureInput, number> = {
  name: "test-failure",
  task: "probability that a test fails in the next run (orders tests: failures first)",
  codeVersion: "test-failure/1",
  metrics: [
    { name: "apfd", direction: "higher", description: "mean APFD over the failing runs evaluated" },
    { name: "failing_runs", direction: "higher", description: "failing runs evaluated" },
  ],
  latencyBudgetMs: 1,

  initialState(): TestFailureState {
    const k = FAILURE_FEATURES.length;
    return {
      features: [...FAILURE_FEATURES],
      weights: [1, ...new Array<number>(k - 1).fill(0)],
      bias: 0,
      mean: new Array<number>(k).fill(0),
      std: new Array<number>(k).fill(1),
    };
  },

  dataset(store: Store, scope: string, window): Promise<TimedRun[]> {
    return storedRuns(store, "test-failure", scope, window);
  },

  train(items) {
    return trainTestFailure(items);
  },

  update(state, context, items) {
    return updateTestFailure(state, context, items);
  },

  evaluate(state, context, items) {
    return evaluateOrdering(state, context, items);
  },

  predict(state, input) {
    return sigmoid(logisticTerms(state, failureFeatures(input.history, input.id, input.durationMs)).logit);
  },

  explain(state, input): Explanation {
    const x = failureFeatures(input.history, input.id, input.durationMs);
    const { logit, contributions } = logisticTerms(state, x);
    const features = state.features
      .map((name, i) => ({ name, value: x[i]!, contribution: contributions[i]! }))
      .filter((f) => f.contribution !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    const top = features
      .slice(0, 3)
      .map((f) => `${f.name} ${f.contribution >= 0 ? "+" : ""}${f.contribution.toFixed(2)}`);
    return { summary: `p(fail) ${sigmoid(logit).toFixed(3)}: ${top.join(", ") || "bias only"}`, features };
  },

  features(context, items) {
    const out: Record<string, number[]> = Object.fromEntries(DRIFT_FEATURES.map((f) => [f, []]));
    const history = new HistoryModel();
    for (const { run } of context) history.add(run);
    for (const { run } of items) {
      for (const [id, r] of run.results) {
        const x = failureFeatures(history, id, r.durationMs);
        for (const f of DRIFT_FEATURES) out[f]!.push(x[FAILURE_FEATURES.indexOf(f)]!);
      }
      history.add(run);
    }
    return out;
  },
};

/** Trains the logistic regression on every (test, run) of `items` after the first run. */
export function trainTestFailure(items: readonly TimedRun[], seed = 1): TestFailureState {
  const s = failureSamples([], items, seed);
  if (s.failures === 0) return testFailureModel.initialState();
  return fitLogistic(FAILURE_FEATURES, s.rows, s.labels, s.weights);
}

/**
 * An online update: refits on the runs of `items` (after `context`) starting from `state`, its
 * weights pulled towards `state`'s rather than towards 0, so a week of runs adjusts the model
 * without forgetting what it learnt.
 */
export function updateTestFailure(
  state: TestFailureState,
  context: readonly TimedRun[],
  items: readonly TimedRun[],
  seed = 1,
): TestFailureState {
  const s = failureSamples(context, items, seed);
  if (s.failures === 0) return state;
  return fitLogistic(FAILURE_FEATURES, s.rows, s.labels, s.weights, { from: state });
}

/** Training samples: every (test, run) of `items` with some history before it; passes sampled. */
function failureSamples(context: readonly TimedRun[], items: readonly TimedRun[], seed: number) {
  const history = new HistoryModel();
  for (const { run } of context) history.add(run);
  let total = 0;
  let failures = 0;
  items.forEach(({ run }, i) => {
    if (i === 0 && history.runs === 0) return;
    for (const r of run.results.values()) {
      total++;
      if (r.failed) failures++;
    }
  });
  const passRate = Math.min(1, Math.max(0, MAX_TRAINING_SAMPLES - failures) / Math.max(1, total - failures));
  const next = seededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  for (const { run } of items) {
    if (history.runs > 0) {
      for (const [id, r] of run.results) {
        if (!r.failed && next() >= passRate) continue;
        rows.push(failureFeatures(history, id, r.durationMs));
        labels.push(r.failed ? 1 : 0);
        weights.push(r.failed ? 1 : 1 / passRate);
      }
    }
    history.add(run);
  }
  return { rows, labels, weights, failures };
}

/**
 * APFD of the state's order over every failing run of `items`, replayed after `context`: before
 * each run its tests are ordered by predicted probability (ties: per second of expected time,
 * then id, as `prioritize` does), then the run joins the history.
 */
export function evaluateOrdering(
  state: TestFailureState,
  context: readonly TimedRun[],
  items: readonly TimedRun[],
): Evaluation {
  const history = new HistoryModel();
  for (const { run } of context) history.add(run);
  const perItem: number[] = [];
  let predictions = 0;
  let ms = 0;
  for (const { run } of items) {
    const failing = [...run.results].filter(([, r]) => r.failed).map(([id]) => id);
    if (history.runs > 0 && failing.length > 0) {
      const t = performance.now();
      const order = orderTests(state, history, [...run.results.keys()]);
      ms += performance.now() - t;
      predictions += order.length;
      perItem.push(apfd(order, new Set(failing)));
    }
    history.add(run);
  }
  const mean = perItem.length === 0 ? 0 : perItem.reduce((a, b) => a + b, 0) / perItem.length;
  return {
    metrics: { apfd: mean, failing_runs: perItem.length },
    perItem,
    classes: [],
    latencyMs: predictions === 0 ? 0 : ms / predictions,
  };
}

/** Candidate tests ordered by the state's predicted failure probability (see {@link evaluateOrdering}). */
export function orderTests(state: TestFailureState, history: HistoryModel, ids: readonly string[]): string[] {
  const fallbackMs = medianDurationMs(history);
  const scored = [...new Set(ids)].map((id) => {
    const measured = history.get(id)?.durationMs ?? 0;
    const durationMs = measured > 0 ? measured : fallbackMs;
    const p = testFailureModel.predict(state, { history, id, durationMs });
    return { id, p, score: p / ((durationMs + PER_TEST_OVERHEAD_MS) / 1000) };
  });
  return scored.sort((a, b) => b.p - a.p || b.score - a.score || compareIds(a.id, b.id)).map((s) => s.id);
}

/** APFD of an order, each failing test one fault: 1 − ΣTFᵢ/(n·m) + 1/(2n). */
export function apfd(order: readonly string[], failing: ReadonlySet<string>): number {
  let sum = 0;
  order.forEach((id, i) => {
    if (failing.has(id)) sum += i + 1;
  });
  return 1 - sum / (order.length * failing.size) + 1 / (2 * order.length);
}
