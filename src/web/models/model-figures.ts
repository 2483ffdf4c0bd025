/**
 * The gate's figures of a stored model version, read from its `metrics` document: a trained
 * version keeps `decision` (candidate and incumbent evaluations, paired comparison), an online
 * update keeps `online` (updated and current state on the newest held-out items).
 */
import type { ModelVersion } from "../types.js";

/** One version's primary-metric figures; `null` where the version has none (NaN is stored as null). */
export interface VersionFigures {
  metric: string | null;
  candidate: number | null;
  incumbent: number | null;
  delta: number | null;
  pNotBetter: number | null;
  units: number | null;
  /** `gate` for a trained version, `online` for an online update. */
  kind: "gate" | "online" | null;
}

type Doc = Record<string, unknown>;

const isDoc = (v: unknown): v is Doc => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const metricOf = (evaluation: unknown, name: string | null): number | null =>
  name !== null && isDoc(evaluation) && isDoc(evaluation.metrics) ? num(evaluation.metrics[name]) : null;

/** The figures of `v` on `primary` (the model's first metric; a decision names its own). */
export function versionFigures(v: Pick<ModelVersion, "metrics">, primary: string | null): VersionFigures {
  const { decision, online } = v.metrics;
  if (isDoc(decision)) {
    const metric = typeof decision.primaryMetric === "string" ? decision.primaryMetric : primary;
    return figures("gate", metric, decision.candidate, decision.incumbent, decision.comparison);
  }
  if (isDoc(online)) return figures("online", primary, online.updated, online.incumbent, online.comparison);
  return { metric: primary, candidate: null, incumbent: null, delta: null, pNotBetter: null, units: null, kind: null };
}

function figures(
  kind: "gate" | "online",
  metric: string | null,
  candidate: unknown,
  incumbent: unknown,
  comparison: unknown,
): VersionFigures {
  const c = isDoc(comparison) ? comparison : {};
  return {
    metric,
    candidate: metricOf(candidate, metric),
    incumbent: metricOf(incumbent, metric),
    delta: num(c.meanDelta),
    pNotBetter: num(c.pNotBetter),
    units: num(c.items),
    kind,
  };
}

/** A figure with four decimals, or `—`. */
export function formatFigure(v: number | null): string {
  return v === null ? "—" : v.toFixed(4);
}
