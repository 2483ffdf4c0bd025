/**
 * A deliberately broken candidate: trained on the same cycles with the failure labels shuffled
 * (a seeded permutation of every (test, cycle) outcome of the training data), then put through
 * the gate beside the shipped default on the held-out cycles of every project (its units pooled).
 */
import { decidePromotion, type Evaluation, seededRandom } from "../../src/learning/index.js";
import { type TimedRun, testFailureModel, trainTestFailure } from "../../src/testintel/index.js";

/** The same runs with the `failed` flags permuted at random (seeded). */
export function shuffleLabels(cycles: readonly TimedRun[], seed: number): TimedRun[] {
  const flags = cycles.flatMap(({ run }) => [...run.results.values()].map((r) => r.failed));
  const next = seededRandom(seed);
  for (let i = flags.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [flags[i], flags[j]] = [flags[j]!, flags[i]!];
  }
  let k = 0;
  return cycles.map(({ at, run }) => ({
    at,
    run: {
      label: run.label,
      results: new Map([...run.results].map(([id, r]) => [id, { ...r, failed: flags[k++]!, mixed: false }])),
    },
  }));
}

/** Gate decision for the shuffled-label candidates (trained on 60 % of each project, judged on the rest). */
export function brokenCandidate(projects: readonly TimedRun[][]) {
  const pooled = (states: "broken" | "default"): Evaluation => {
    const parts = projects.map((cycles) => {
      const cut = Math.floor(cycles.length * 0.6);
      const train = cycles.slice(0, cut);
      const state = states === "broken" ? trainTestFailure(shuffleLabels(train, 42)) : testFailureModel.initialState();
      return testFailureModel.evaluate(state, train, cycles.slice(cut));
    });
    const perItem = parts.flatMap((p) => p.perItem);
    return {
      metrics: { apfd: perItem.reduce((a, b) => a + b, 0) / perItem.length, failing_runs: perItem.length },
      perItem,
      classes: [],
      latencyMs: Math.max(...parts.map((p) => p.latencyMs)),
    };
  };
  return decidePromotion(testFailureModel, pooled("broken"), pooled("default"));
}
