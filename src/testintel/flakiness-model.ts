/**
 * The learned flakiness of tests (`test-flakiness`): an online component whose state is the flaky
 * signs of every test (fail-and-pass runs, one-run blips, lasting failure streaks; see
 * {@link countFlakySigns}), counted run by run. Each update counts the runs after the state's
 * newest one and is checkpointed as a version behind the validation gate: the labels it gives
 * are checked on recent runs it never saw against same-commit evidence, and an update that labels
 * them worse than the version before it is rolled back (docs/learning.md). Runs in which most
 * tests failed are broken runs, not evidence about any one test: they are skipped.
 */
import type { Evaluation, Explanation, LearnedModel } from "../learning/index.js";
import type { Store } from "../store/index.js";
import { countFlakySigns, type FlakySigns, isBrokenRun, noFlakySigns, recordMixedRun } from "./flaky-signs.js";
import type { TestResult } from "./test-run.js";
import { byFlakiness, type FlakyTest, flakinessScore, isFlaky } from "./flakiness.js";
import { storedRuns, type TimedRun } from "./stored-history.js";

/** Most tests a state tracks; past it, the tests seen least recently are dropped. */
export const MAX_TRACKED_TESTS = 20_000;

/**
 * Newest runs (commits) whose fail-and-pass tests a state keeps, so that a retry of one of them
 * stored after an update counted it still counts as a fail-and-pass (see {@link countRuns}).
 */
export const MAX_RECOUNTED_RUNS = 50;

/** Finished runs of a project between two online updates of its flakiness. */
export const FLAKINESS_UPDATE_RUNS = 10;

/**
 * The checkpointed state: plain JSON, arrays of `[test id, …]` pairs (ids come from hostile
 * reports, so never object keys), least recently seen first.
 */
export interface FlakinessState {
  /** Time (epoch ms) of the newest run counted: an update counts only later runs. */
  through: number;
  /** Runs counted. */
  runs: number;
  /** The signs of every test that failed at least once. */
  tests: [string, FlakySigns][];
  /** How many runs each test that never failed ran (its signs are all zero). */
  clean: [string, number][];
  /**
   * The newest {@link MAX_RECOUNTED_RUNS} runs counted (by label) with the tests counted as
   * failing and passing in them, oldest first (absent in states stored before it).
   */
  recent?: [string, string[]][];
}

/** What the model says about one test. */
export interface FlakinessVerdict {
  id: string;
  /** {@link flakinessScore}: 0 (no sign) … towards 1. */
  score: number;
  /** {@link isFlaky}: the evidence is enough to call it flaky. */
  flaky: boolean;
  /** Its counters (all zero for a test that never failed or is unknown). */
  signs: FlakySigns;
}

/** The learned flakiness model, ready for the model registry. */
export const testFlakinessModel: LearnedModel<FlakinessState, TimedRun, string, FlakinessVerdict> = {
  name: "test-flakiness",
  task: "whether a test is flaky (its failures are not regressions), from its flaky signs run by run",
  codeVersion: "test-flakiness/1",
  metrics: [
    {
      name: "accuracy",
      direction: "higher",
      description:
        "share of resolved failures labelled right (fail-and-pass on the commit: flaky; failed again next run: not)",
    },
    { name: "precision", direction: "higher", description: "share of the failures labelled flaky that were flaky" },
    { name: "recall", direction: "higher", description: "share of the flaky failures labelled flaky" },
    { name: "failures", direction: "higher", description: "resolved failures evaluated" },
  ],
  latencyBudgetMs: 1,
  onlineUpdateRuns: FLAKINESS_UPDATE_RUNS,

  initialState(): FlakinessState {
    return { through: 0, runs: 0, tests: [], clean: [] };
  },

  dataset(store: Store, scope: string, window): Promise<TimedRun[]> {
    return storedRuns(store, "test-flakiness", scope, window);
  },

  train(items) {
    return countRuns(testFlakinessModel.initialState(), items);
  },

  update(state, context, items) {
    return countRuns(state, [...context.filter((i) => i.at <= state.through), ...items]);
  },

  evaluate(state, _context, items) {
    return evaluateLabels(state, items);
  },

  predict(state, id) {
    return verdict(state, id);
  },

  explain(state, id): Explanation {
    const v = verdict(state, id);
    const s = v.signs;
    const features = [
      { name: "mixed_runs", value: s.mixedRuns, contribution: 2 * s.mixedRuns },
      { name: "blips", value: s.blips, contribution: s.blips },
      { name: "long_streaks", value: s.longStreaks, contribution: -s.longStreaks },
    ]
      .filter((f) => f.value !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    if (s.runs === 0) return { summary: "not flaky: never seen in the runs counted", features };
    const latest = s.flakyEvidence.at(-1);
    return {
      summary:
        `${v.flaky ? "flaky" : "not flaky"}: score ${v.score.toFixed(2)} from ${s.mixedRuns} fail-and-pass runs, ` +
        `${s.blips} blips, ${s.longStreaks} lasting failure streaks in ${s.runs} runs${latest ? `; latest: ${latest}` : ""}`,
      features,
    };
  },

  features(_context, items) {
    const failed: number[] = [];
    const mixed: number[] = [];
    for (const { run } of items) {
      const results = [...run.results.values()];
      if (results.length === 0) continue;
      failed.push(results.filter((r) => r.failed).length / results.length);
      mixed.push(results.filter((r) => r.mixed).length / results.length);
    }
    return { failed_share: failed, mixed_share: mixed };
  },
};

/**
 * `state` with the runs of `items` after its newest run counted (a new state; `state` is
 * unchanged). A run it counted already (a commit's group, regrouped with the retries stored since)
 * adds only its new fail-and-pass tests, when it is one of the newest {@link MAX_RECOUNTED_RUNS}.
 */
export function countRuns(state: FlakinessState, items: readonly TimedRun[]): FlakinessState {
  const tests = new Map(state.tests.map(([id, s]) => [id, structuredClone(s)]));
  const clean = new Map(state.clean);
  const recent = new Map((state.recent ?? []).map(([label, ids]) => [label, new Set(ids)]));
  let { through, runs } = state;
  const signsOf = (id: string, r: TestResult): FlakySigns | undefined => {
    let s = tests.get(id);
    const ran = clean.get(id);
    clean.delete(id);
    if (s === undefined && !r.failed) {
      clean.set(id, (ran ?? 0) + 1);
      return undefined;
    }
    s ??= { ...noFlakySigns(), runs: ran ?? 0 };
    tests.delete(id); // re-inserted last: least recently seen first
    tests.set(id, s);
    return s;
  };
  for (const { at, run } of items) {
    if (at <= through) {
      const mixed = recent.get(run.label);
      if (mixed === undefined || isBrokenRun(run)) continue;
      for (const [id, r] of run.results) {
        if (!r.mixed || mixed.has(id)) continue;
        mixed.add(id);
        const s = tests.get(id) ?? { ...noFlakySigns(), runs: clean.get(id) ?? 0 };
        clean.delete(id);
        tests.set(id, s);
        recordMixedRun(s, run.label);
      }
      continue;
    }
    through = at;
    runs++;
    if (!countFlakySigns(run, signsOf)) continue;
    recent.delete(run.label);
    recent.set(run.label, new Set([...run.results].filter(([, r]) => r.mixed).map(([id]) => id)));
  }
  dropLeastRecent(recent, recent.size - MAX_RECOUNTED_RUNS);
  dropLeastRecent(clean, tests.size + clean.size - MAX_TRACKED_TESTS);
  dropLeastRecent(tests, tests.size - MAX_TRACKED_TESTS);
  return {
    through,
    runs,
    tests: [...tests],
    clean: [...clean],
    recent: [...recent].map(([label, ids]) => [label, [...ids]]),
  };
}

/**
 * The state's labels checked on `items` (runs it never saw): every failure whose evidence
 * resolves it is a unit — flaky when it failed and passed on the same commit, a regression when
 * it failed (only) again in the next run that is not broken; other failures (one attempt, passing next) prove
 * neither and are left out. A unit scores 1 when labelled right.
 */
export function evaluateLabels(state: FlakinessState, items: readonly TimedRun[]): Evaluation {
  const lookup = indexOf(state);
  const perItem: number[] = [];
  const count = { tp: 0, fp: 0, fn: 0 };
  const classes = new Set<string>();
  let ms = 0;
  // broken runs are neither evaluated nor evidence: the next run is the next one not broken
  const counted = items.filter(({ run }) => !isBrokenRun(run));
  counted.forEach(({ run }, i) => {
    const next = counted[i + 1]?.run.results;
    for (const [id, r] of run.results) {
      if (!r.failed) continue;
      const again = next?.get(id);
      const truth = r.mixed ? true : again?.failed && !again.mixed ? false : undefined;
      if (truth === undefined) continue;
      const t = performance.now();
      const s = lookup.get(id);
      const flaky = s !== undefined && isFlaky(s);
      ms += performance.now() - t;
      classes.add(flaky ? "flaky" : "not flaky");
      perItem.push(flaky === truth ? 1 : 0);
      if (flaky && truth) count.tp++;
      else if (flaky) count.fp++;
      else if (truth) count.fn++;
    }
  });
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    metrics: {
      accuracy: ratio(
        perItem.reduce((a, b) => a + b, 0),
        perItem.length,
      ),
      precision: ratio(count.tp, count.tp + count.fp),
      recall: ratio(count.tp, count.tp + count.fn),
      failures: perItem.length,
    },
    perItem,
    classes: [...classes].sort(),
    latencyMs: perItem.length === 0 ? 0 : ms / perItem.length,
  };
}

/** The model's verdict on one test. */
export function verdict(state: FlakinessState, id: string): FlakinessVerdict {
  const s = indexOf(state).get(id);
  if (s !== undefined) return { id, score: flakinessScore(s), flaky: isFlaky(s), signs: s };
  const runs = cleanIndexOf(state).get(id) ?? 0;
  return { id, score: 0, flaky: false, signs: { ...noFlakySigns(), runs } };
}

/**
 * Every test with a sign of flakiness in a version's state, as `pitcrew tests flaky` lists them
 * (the flaky ones first), each with the version and its explanation as the reason.
 */
export function learnedFlakyTests(state: FlakinessState, version: number): FlakyTest[] {
  const out: FlakyTest[] = [];
  for (const [id] of state.tests) {
    const v = verdict(state, id);
    if (v.score === 0) continue;
    const s = v.signs;
    out.push({
      id,
      score: v.score,
      flaky: v.flaky,
      runs: s.runs,
      failures: s.failures,
      mixedRuns: s.mixedRuns,
      blips: s.blips,
      evidence: [...s.flakyEvidence],
      reason: `${testFlakinessModel.name} v${version}: ${testFlakinessModel.explain(state, id).summary}`,
    });
  }
  return out.sort(byFlakiness);
}

const indexes = new WeakMap<FlakinessState, Map<string, FlakySigns>>();
const cleanIndexes = new WeakMap<FlakinessState, Map<string, number>>();

/** The tests of a state by id, built once per state. */
function indexOf(state: FlakinessState): Map<string, FlakySigns> {
  const m = indexes.get(state) ?? new Map(state.tests);
  indexes.set(state, m);
  return m;
}

function cleanIndexOf(state: FlakinessState): Map<string, number> {
  const m = cleanIndexes.get(state) ?? new Map(state.clean);
  cleanIndexes.set(state, m);
  return m;
}

/** Drops the `n` entries inserted first. */
function dropLeastRecent(m: Map<string, unknown>, n: number): void {
  for (const key of m.keys()) {
    if (n-- <= 0) return;
    m.delete(key);
  }
}
