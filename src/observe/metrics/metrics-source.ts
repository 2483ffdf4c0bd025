/**
 * The metrics-source port: answers PromQL queries with Prometheus-shaped results.
 *
 * Implementations: `builtin/` (pitcrew's own TSDB in the store, fed by the scraper, evaluated by
 * the PromQL subset in `promql/`) and `prometheus/` (a real Prometheus over its HTTP API).
 * Rules: both are stateless per call and safe to call concurrently; times are epoch ms; series in
 * results are sorted by labels. An invalid or unsupported expression rejects with a
 * ValidationError (status 400); an unreachable or failing backend with a MetricsSourceError (502).
 * The conformance suite `test/conformance/metrics-source.conformance.ts` holds both to this.
 */
import { PitcrewError } from "../../common/errors.js";
import type { QueryResult } from "./promql/query-result.js";

/** A queryable source of metrics. */
export interface MetricsSource {
  /** `builtin` or `prometheus`. */
  readonly kind: string;
  /** Evaluates `expr` at `timeMs`. */
  instantQuery(expr: string, timeMs: number): Promise<QueryResult>;
  /** Evaluates `expr` at every `stepMs` from `startMs` to `endMs` (matrix result). */
  rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number): Promise<QueryResult>;
}

/** The metrics backend could not answer (unreachable, timed out, internal error). */
export class MetricsSourceError extends PitcrewError {
  override name = "MetricsSourceError";
  override readonly status = 502;
  constructor(message: string, options?: { cause?: unknown }) {
    super("metrics_source_failed", message, undefined, options);
  }
}
