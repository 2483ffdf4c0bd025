/**
 * Evaluates one threshold check of an analysis measurement.
 *   - Built-ins (`success_rate`, `error_rate`, `latency_p50`, `latency_p99`) are computed from the
 *     canary's requests since the previous measurement, as recorded by the traffic router
 *     (errors = 5xx; percentiles nearest-rank). No request in that interval → inconclusive.
 *   - `{query}` runs the PromQL template (placeholders filled, see promql-template.ts) through
 *     `ctx.query`. No metrics source, a failing query or no data → inconclusive, never a throw.
 * A value below `min` or above `max` fails; explanations read like `success rate 0.95 < min 0.99`.
 */
import { summarize } from "../routers/release-metrics.js";
import type { AnalysisContext, CheckResult, MetricCheck } from "./analysis.js";
import type { JudgeSamples } from "./judge.js";
import { renderQuery } from "./promql-template.js";

const LABELS: Record<string, string> = {
  success_rate: "success rate",
  error_rate: "error rate",
  latency_p50: "p50 latency",
  latency_p99: "p99 latency",
};

/** Evaluates `check` over the canary's `interval` requests or the metrics source. */
export async function evaluateCheck(
  check: MetricCheck,
  interval: JudgeSamples,
  ctx: AnalysisContext,
): Promise<CheckResult> {
  const measured =
    typeof check.metric === "string"
      ? builtin(check.metric, interval, ctx)
      : await queried(check.name, check.metric.query, ctx);
  if ("missing" in measured) return { name: check.name, status: "inconclusive", explanation: measured.missing };
  return threshold(check, measured.label, measured.value, measured.unit);
}

type Measured = { label: string; value: number; unit: string } | { missing: string };

function builtin(metric: string, interval: JudgeSamples, ctx: AnalysisContext): Measured {
  const n = interval.latenciesMs.length;
  const label = LABELS[metric] ?? metric;
  if (n === 0)
    return { missing: `${label}: no request reached release ${ctx.canaryReleaseId} since the last measurement` };
  switch (metric) {
    case "success_rate":
      return { label, value: 1 - interval.errors / n, unit: "" };
    case "error_rate":
      return { label, value: interval.errors / n, unit: "" };
    case "latency_p50":
      return { label, value: summarize([...interval.latenciesMs]).p50, unit: " ms" };
    case "latency_p99":
      return { label, value: summarize([...interval.latenciesMs]).p99, unit: " ms" };
    default:
      return { missing: `unknown built-in metric "${metric}"` };
  }
}

async function queried(label: string, template: string, ctx: AnalysisContext): Promise<Measured> {
  if (!ctx.query) return { missing: `no metrics source is configured to run ${JSON.stringify(template)}` };
  try {
    const q = renderQuery(template, {
      release: ctx.canaryReleaseId,
      service: ctx.service,
      environment: ctx.environment,
    });
    const value = await ctx.query(q);
    if (value === undefined || Number.isNaN(value)) return { missing: `query returned no data: ${q}` };
    return { label, value, unit: "" };
  } catch (err) {
    return { missing: `query failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function threshold(check: MetricCheck, label: string, value: number, unit: string): CheckResult {
  const v = `${label} ${round(value)}${unit}`;
  const base = { name: check.name, value };
  if (check.min !== undefined && value < check.min) {
    return { ...base, status: "fail", explanation: `${v} < min ${check.min}${unit}` };
  }
  if (check.max !== undefined && value > check.max) {
    return { ...base, status: "fail", explanation: `${v} > max ${check.max}${unit}` };
  }
  const bounds = [
    check.min !== undefined ? `≥ min ${check.min}${unit}` : undefined,
    check.max !== undefined ? `≤ max ${check.max}${unit}` : undefined,
  ].filter(Boolean);
  return { ...base, status: "pass", explanation: `${v} ${bounds.length ? bounds.join(", ") : "(no threshold)"}` };
}

const round = (v: number) => Number(v.toPrecision(4));
