import type { AnyLearnedModel, Evaluation } from "./learned-model.js";
import { type PairedComparison, pairedBootstrap } from "./paired-bootstrap.js";

/** One guard a candidate must pass besides being better. */
export interface GuardResult {
  name: "enough-items" | "class-collapse" | "latency";
  passed: boolean;
  detail: string;
}

/** Everything a promotion decision was based on: stored with the version. */
export interface PromotionDecision {
  promote: boolean;
  reason: string;
  primaryMetric: string;
  candidate: Evaluation;
  incumbent: Evaluation;
  comparison: PairedComparison;
  guards: GuardResult[];
}

/** How strict the gate is. */
export interface GateOptions {
  /** Largest one-sided chance of "not better" that still promotes (default 0.05). */
  alpha?: number;
  /** Fewest evaluation units a decision needs (default 5). */
  minItems?: number;
  /** Bootstrap seed (default 1): the same figures give the same decision. */
  seed?: number;
}

/** Default gate: 5 % one-sided significance, at least 5 evaluation units. */
export const DEFAULT_GATE: Required<GateOptions> = { alpha: 0.05, minItems: 5, seed: 1 };

/**
 * Decides whether a candidate replaces the incumbent, both scored on the same evaluation units:
 * promote only when the paired bootstrap says it is better by more than the noise (one-sided
 * `pNotBetter < alpha`) and every guard passes — enough units, no class the incumbent predicts
 * disappears (class collapse), mean prediction time within the model's latency budget.
 */
export function decidePromotion(
  model: Pick<AnyLearnedModel, "metrics" | "latencyBudgetMs">,
  candidate: Evaluation,
  incumbent: Evaluation,
  opts: GateOptions = {},
): PromotionDecision {
  const gate = { ...DEFAULT_GATE, ...opts };
  const primary = model.metrics[0]!;
  const comparison = pairedBootstrap(candidate.perItem, incumbent.perItem, {
    higherIsBetter: primary.direction === "higher",
    seed: gate.seed,
  });
  const lost = incumbent.classes.filter((c) => !candidate.classes.includes(c));
  const guards: GuardResult[] = [
    {
      name: "enough-items",
      passed: comparison.items >= gate.minItems,
      detail: `${comparison.items} evaluation units (at least ${gate.minItems})`,
    },
    {
      name: "class-collapse",
      passed: lost.length === 0,
      detail:
        lost.length === 0
          ? "every class the incumbent predicts is still predicted"
          : `no longer predicts ${lost.join(", ")}`,
    },
    {
      name: "latency",
      passed: candidate.latencyMs <= model.latencyBudgetMs,
      detail: `${candidate.latencyMs.toFixed(3)} ms per prediction (budget ${model.latencyBudgetMs} ms)`,
    },
  ];
  const failed = guards.filter((g) => !g.passed);
  const figures = `${primary.name} ${fmt(candidate.metrics[primary.name])} vs ${fmt(incumbent.metrics[primary.name])}, Δ ${fmt(comparison.meanDelta)} (95 % CI ${fmt(comparison.low)} … ${fmt(comparison.high)}, p(not better) ${comparison.pNotBetter.toFixed(3)}, ${comparison.items} units)`;
  let reason: string;
  let promote = false;
  if (failed.length > 0)
    reason = `refused: guard failed: ${failed.map((g) => `${g.name} (${g.detail})`).join("; ")}; ${figures}`;
  else if (comparison.meanDelta <= 0) reason = `refused: not better than the incumbent: ${figures}`;
  else if (comparison.pNotBetter >= gate.alpha)
    reason = `refused: better only within the noise (alpha ${gate.alpha}): ${figures}`;
  else {
    promote = true;
    reason = `promoted: better than the incumbent beyond the noise: ${figures}`;
  }
  return { promote, reason, primaryMetric: primary.name, candidate, incumbent, comparison, guards };
}

function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(4);
}
