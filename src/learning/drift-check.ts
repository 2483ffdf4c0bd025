import type { Evaluation, TimeWindow } from "./learned-model.js";
import type { LearningDeps } from "./learning-deps.js";
import type { ModelRegistry } from "./model-registry.js";
import { type FeatureProfile, populationStability } from "./population-stability.js";
import type { PromotionDecision } from "./promotion-decision.js";

/** When a deployed model counts as drifted. */
export interface DriftBounds {
  /** Largest population stability index of any main feature (default 0.25). */
  psi: number;
  /**
   * Largest drop of the live primary metric below its figure when it went live (default 0.1); a
   * model that declares `relativeMetricDrop` uses that share of the figure instead.
   */
  metricDrop: number;
}

/** Default drift bounds: PSI 0.25 (the usual "significant shift"), a 0.1 metric drop. */
export const DEFAULT_DRIFT_BOUNDS: DriftBounds = { psi: 0.25, metricDrop: 0.1 };

/** What a drift check found for one deployed model. */
export interface DriftReport {
  model: string;
  scope: string;
  version: number;
  window: TimeWindow;
  /** PSI of each main feature over the window against the training profile, largest first. */
  features: { name: string; psi: number }[];
  /** The live primary metric over the window, and its figure when it went live (undefined: no unit). */
  liveMetric: number | undefined;
  promotedMetric: number | undefined;
  drifted: boolean;
  reasons: string[];
}

/**
 * Checks the live version of a model over `window`: the population stability of each main
 * feature against the profile kept from its training data, and its live primary metric against
 * the figure it went live with (promoted through the gate, or kept by an online update). Past a
 * bound it emits `model.drift` (rules and notifications can act on it) and returns `drifted: true` so the caller schedules retraining. Undefined when no
 * version is live.
 */
export async function checkDrift(
  deps: LearningDeps,
  registry: ModelRegistry,
  name: string,
  scope: string,
  window: TimeWindow,
  bounds: DriftBounds = DEFAULT_DRIFT_BOUNDS,
): Promise<DriftReport | undefined> {
  const model = registry.model(name);
  const live = await deps.store.modelVersions.live(name, scope);
  if (!live) return undefined;
  const items = await model.dataset(deps.store, scope, { from: live.trainFrom, to: window.to });
  const context = items.filter((i) => i.at < window.from);
  const recent = items.filter((i) => i.at >= window.from);
  const profile = live.profile as Record<string, FeatureProfile>;
  const features = Object.entries(model.features(context, recent))
    .filter(([f, values]) => profile[f] !== undefined && values.length > 0)
    .map(([f, values]) => ({ name: f, psi: populationStability(profile[f]!, values) }))
    .sort((a, b) => b.psi - a.psi);
  const primary = model.metrics[0]!;
  const evaluation = model.evaluate(live.state, context, recent);
  const liveMetric = evaluation.perItem.length > 0 ? evaluation.metrics[primary.name] : undefined;
  const promotedMetric = metricAtDeployment(live.metrics, primary.name);
  const reasons: string[] = [];
  for (const f of features) {
    if (f.psi > bounds.psi) reasons.push(`feature ${f.name} PSI ${f.psi.toFixed(3)} > ${bounds.psi}`);
  }
  if (liveMetric !== undefined && promotedMetric !== undefined) {
    const drop = primary.direction === "higher" ? promotedMetric - liveMetric : liveMetric - promotedMetric;
    const bound =
      model.relativeMetricDrop === undefined ? bounds.metricDrop : model.relativeMetricDrop * Math.abs(promotedMetric);
    if (drop > bound) {
      reasons.push(
        `live ${primary.name} ${liveMetric.toFixed(4)} is ${drop.toFixed(4)} worse than when it went live (${promotedMetric.toFixed(4)})`,
      );
    }
  }
  const report: DriftReport = {
    model: name,
    scope,
    version: live.version,
    window,
    features,
    liveMetric,
    promotedMetric,
    drifted: reasons.length > 0,
    reasons,
  };
  if (report.drifted) {
    await deps.events.emit(
      "model.drift",
      { kind: "model", model: name, scope },
      {
        model: name,
        scope,
        version: live.version,
        reasons,
        features: features.slice(0, 5),
        liveMetric: liveMetric ?? null,
        promotedMetric: promotedMetric ?? null,
      },
    );
  }
  return report;
}

/** A version's primary figure when it went live: the gate's (promoted) or the online gate's (kept update). */
function metricAtDeployment(metrics: Record<string, unknown>, primary: string): number | undefined {
  const decision = metrics.decision as PromotionDecision | undefined;
  const online = metrics.online as { updated?: Evaluation } | undefined;
  return (decision?.candidate ?? online?.updated)?.metrics[primary];
}
