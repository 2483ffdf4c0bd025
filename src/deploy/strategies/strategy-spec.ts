/**
 * Strategies in Argo-Rollouts-like YAML, validated strictly (unknown keys are errors), and
 * compiled into one flat list of rollout steps the rollout engine executes. Exactly one of:
 *
 * ```yaml
 * canary:    { steps: [ {setWeight: 20}, {pause: {duration: 30s}}, {pause: {}}, {analysis: {...}} ] }
 * blueGreen: { autoPromote: true, prePromotionAnalysis: {...}, scaleDownDelay: 30s }
 * rolling:   { batches: 3, analysis: {...} }
 * recreate:  {}
 * ```
 * An `analysis` block: `{interval: 5s, count: 3, failureLimit: 1, inconclusiveLimit: 6,
 * judge: true | {alpha, minEffect, minSamples, minLatencyDeltaMs, warmup, baseline: fresh|live},
 * checks: [{name, metric, min?, max?}]}` where
 * `metric` is success_rate | error_rate | latency_p50 | latency_p99 | {query: "<PromQL>"}.
 */
import * as z from "zod";
import { durationSchema } from "../../common/config/config-schema.js";
import type { AnalysisSpec } from "../analysis/index.js";

const checkSchema = z
  .object({
    name: z.string().min(1).max(64),
    metric: z.union([
      z.enum(["success_rate", "error_rate", "latency_p50", "latency_p99"]),
      z.object({ query: z.string().min(1).max(4096) }).strict(),
    ]),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined, { message: "a check needs min or max" });

/** An `analysis:` block as written. */
export const analysisSchema = z
  .object({
    interval: durationSchema.default(5_000),
    count: z.number().int().min(1).max(1000).default(3),
    failureLimit: z.number().int().min(1).default(1),
    inconclusiveLimit: z.number().int().min(1).default(6),
    judge: z
      .union([
        z.boolean(),
        z
          .object({
            alpha: z.number().gt(0).lt(1).optional(),
            minEffect: z.number().gt(1).optional(),
            minSamples: z.number().int().min(2).optional(),
            minLatencyDeltaMs: z.number().min(0).optional(),
            warmup: durationSchema.optional(),
            baseline: z.enum(["fresh", "live"]).optional(),
          })
          .strict(),
      ])
      .default(true),
    checks: z.array(checkSchema).max(32).default([]),
  })
  .strict();

const canaryStep = z.union([
  z.object({ setWeight: z.number().int().min(0).max(100) }).strict(),
  z.object({ pause: z.object({ duration: durationSchema.optional() }).strict() }).strict(),
  z.object({ analysis: analysisSchema }).strict(),
]);

/** A `strategy:` block: exactly one strategy key. */
export const strategySchema = z.union([
  z.object({ canary: z.object({ steps: z.array(canaryStep).min(1).max(100) }).strict() }).strict(),
  z
    .object({
      blueGreen: z
        .object({
          autoPromote: z.boolean().default(true),
          prePromotionAnalysis: analysisSchema.optional(),
          scaleDownDelay: durationSchema.default(30_000),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      rolling: z
        .object({ batches: z.number().int().min(1).max(100).default(2), analysis: analysisSchema.optional() })
        .strict(),
    })
    .strict(),
  z.object({ recreate: z.object({}).strict() }).strict(),
]);

/** A validated strategy. */
export type StrategySpec = z.output<typeof strategySchema>;
/** The strategy names, as stored on a rollout. */
export type StrategyKind = "canary" | "blueGreen" | "rolling" | "recreate";

/** The strategy used when neither the environment nor the release names one. */
export const DEFAULT_STRATEGY: StrategySpec = strategySchema.parse({
  canary: {
    steps: [{ setWeight: 20 }, { analysis: {} }, { setWeight: 50 }, { analysis: {} }],
  },
});

/** One executable step of a rollout (every strategy compiles to these). */
export type RolloutStep =
  /** Start the new release's replicas; `preview` also exposes them on the preview listener. */
  | { kind: "start"; preview?: boolean }
  /** Stop the baseline release before the new one starts (recreate). */
  | { kind: "stopBaseline" }
  /** Send `weight` % of new requests to the new release. */
  | { kind: "setWeight"; weight: number }
  /** Wait `durationMs`, or until approved when absent. */
  | { kind: "pause"; durationMs?: number }
  /** Judge the new release (against the baseline when it has traffic, else thresholds only). */
  | { kind: "analysis"; analysis: AnalysisSpec; on: "canary" | "preview" }
  /** Check every replica of the new release is still ready. */
  | { kind: "healthGate" }
  /** Keep the baseline running (instant rollback) for `durationMs`, then stop it. */
  | { kind: "scaleDown"; delayMs: number };

/** Name of the strategy of `spec`. */
export function strategyKind(spec: StrategySpec): StrategyKind {
  return Object.keys(spec)[0] as StrategyKind;
}

/** Converts an `analysis:` block into the analysis protocol's spec. */
export function toAnalysisSpec(a: z.output<typeof analysisSchema>): AnalysisSpec {
  const { warmup, ...judge } = typeof a.judge === "object" ? a.judge : {};
  return {
    checks: a.checks,
    judge: typeof a.judge === "object" ? { ...judge, ...(warmup === undefined ? {} : { warmupMs: warmup }) } : a.judge,
    intervalMs: a.interval,
    count: a.count,
    failureLimit: a.failureLimit,
    inconclusiveLimit: a.inconclusiveLimit,
  };
}

/**
 * Compiles `spec` into steps. With no baseline (a first deploy) traffic can only go to the new
 * release: a canary becomes start, full weight, then only its analyses that have thresholds.
 */
export function compileStrategy(spec: StrategySpec, hasBaseline: boolean): RolloutStep[] {
  if ("recreate" in spec) {
    return [
      ...(hasBaseline ? [{ kind: "stopBaseline" } as const] : []),
      { kind: "start" },
      { kind: "setWeight", weight: 100 },
    ];
  }
  if ("canary" in spec) {
    const steps: RolloutStep[] = [{ kind: "start" }];
    for (const s of spec.canary.steps) {
      if ("setWeight" in s) {
        if (hasBaseline) steps.push({ kind: "setWeight", weight: s.setWeight });
      } else if ("pause" in s) steps.push({ kind: "pause", durationMs: s.pause.duration });
      else steps.push({ kind: "analysis", analysis: toAnalysisSpec(s.analysis), on: "canary" });
    }
    // no baseline: nothing to compare with, so only analyses with thresholds of their own remain
    if (!hasBaseline) {
      const checked = steps.filter((s) => s.kind === "analysis" && s.analysis.checks.length > 0);
      return [steps[0]!, { kind: "setWeight", weight: 100 }, ...checked];
    }
    steps.push({ kind: "setWeight", weight: 100 }, { kind: "scaleDown", delayMs: 0 });
    return steps;
  }
  if ("blueGreen" in spec) {
    const bg = spec.blueGreen;
    const steps: RolloutStep[] = [{ kind: "start", preview: true }];
    if (bg.prePromotionAnalysis) {
      steps.push({
        kind: "analysis",
        analysis: { ...toAnalysisSpec(bg.prePromotionAnalysis), judge: false },
        on: "preview",
      });
    }
    if (!bg.autoPromote) steps.push({ kind: "pause" });
    steps.push({ kind: "setWeight", weight: 100 });
    if (hasBaseline) steps.push({ kind: "scaleDown", delayMs: bg.scaleDownDelay });
    return steps;
  }
  const { batches, analysis } = spec.rolling;
  const steps: RolloutStep[] = [{ kind: "start" }];
  const n = hasBaseline ? batches : 1;
  for (let i = 1; i <= n; i++) {
    steps.push({ kind: "setWeight", weight: Math.round((100 * i) / n) }, { kind: "healthGate" });
    if (analysis) steps.push({ kind: "analysis", analysis: toAnalysisSpec(analysis), on: "canary" });
  }
  if (hasBaseline) steps.push({ kind: "scaleDown", delayMs: 0 });
  return steps;
}
