/**
 * Analysis of a rollout step: is the new release (canary) worse than the old one (baseline)?
 * A strategy calls `runAnalysis(spec, ctx)` at each `analysis` step of a canary, before each
 * blue-green switch (on the preview) and after each rolling batch; a `fail` verdict rolls back.
 *
 * Protocol (sequential):
 *   - With a judge and `ctx.trafficSince`, requests before the judge's warm-up ended are not
 *     judged: the analysis first waits until `trafficSince + warmupMs`.
 *   - Measurements are taken `spec.intervalMs` apart (first one after one interval). A failed
 *     measurement counts at once: the `failureLimit`-th ends it with `fail` (early stop). After
 *     the `count`-th, a passing measurement ends it with `pass`; an inconclusive one extends it
 *     by one more measurement, at most `inconclusiveLimit` times, then the verdict is
 *     `inconclusive`.
 *   - Each measurement evaluates every metric check and, when enabled, the statistical judge
 *     comparing canary and baseline samples since the analysis started (cumulative, so the
 *     extension adds data). A measurement fails when any check fails.
 *   - `ctx.signal` aborting stops the analysis promptly with verdict `inconclusive`.
 *   - `onMeasurement` is called after each measurement so the caller can persist and emit it
 *     before the next one starts.
 * Errors: a metrics query that cannot be evaluated makes that check `inconclusive`, not a throw.
 */
import type { Clock } from "../../common/clock.js";
import type { TrafficRouter } from "../routers/traffic-router.js";

/** A threshold check over one metric. */
export interface MetricCheck {
  /** Name shown in results, e.g. `success-rate`. */
  name: string;
  /**
   * What to measure: a built-in over the router's per-release traffic (`success_rate`,
   * `error_rate`, `latency_p50`, `latency_p99`) or a PromQL query over the metrics source in which
   * `{{release}}`, `{{service}}` and `{{environment}}` are substituted.
   */
  metric: "success_rate" | "error_rate" | "latency_p50" | "latency_p99" | { query: string };
  /** Pass when the value is ≥ min / ≤ max (at least one of them). */
  min?: number;
  max?: number;
}

/** Options of the statistical judge (Mann-Whitney U over canary vs baseline samples). */
export interface JudgeOptions {
  /** Significance level; default 0.01. */
  alpha?: number;
  /** Smallest effect that counts as a regression, as a ratio of canary to baseline; default 1.2. */
  minEffect?: number;
  /** Fewer samples per side and metric than this → inconclusive; default 50. */
  minSamples?: number;
  /** Requests in the first this many ms after the canary got traffic are not judged; default 10 000. */
  warmupMs?: number;
  /**
   * What the canary is compared with: `fresh` (default) — replicas of the live release started at
   * the same time as the canary and given the same share of traffic; `live` — the long-running
   * live replicas (warm, so a fresh process looks slower than it is).
   */
  baseline?: "fresh" | "live";
  /**
   * Smallest latency difference in ms that counts as a regression, whatever the ratio (below it,
   * differences are scheduling noise nobody notices); default 5.
   */
  minLatencyDeltaMs?: number;
}

/** Parsed `analysis:` block of a strategy step. */
export interface AnalysisSpec {
  checks: MetricCheck[];
  /** `true` or options enables the judge; default enabled when a baseline exists. */
  judge?: boolean | JudgeOptions;
  intervalMs: number;
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
}

/** Where the analysis takes its data from. */
export interface AnalysisContext {
  service: string;
  environment: string;
  canaryReleaseId: string;
  /** Absent for a first deploy: the judge is skipped and only thresholds apply. */
  baselineReleaseId?: string;
  router: TrafficRouter;
  /** When the canary (and a fresh baseline) first got traffic; the judge's warm-up counts from it. */
  trafficSince?: number;
  /** Evaluates a PromQL query to a scalar (first sample of the result), when a source is configured. */
  query?: (promql: string) => Promise<number | undefined>;
  signal?: AbortSignal;
  /** Awaited after each measurement, before the next interval starts (persist and emit it). */
  onMeasurement?: (measurement: Measurement) => Promise<void> | void;
  /** Time of measurements; default the system clock. */
  clock?: Clock;
  /** Waits between measurements; default `sleep` of common/clock (rejects when aborted). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Outcome of one check or of the judge in one measurement. */
export interface CheckResult {
  name: string;
  status: "pass" | "fail" | "inconclusive";
  value?: number;
  baseline?: number;
  /** e.g. `p99 latency 3.1× baseline, p = 0.002` or `success rate 0.95 < min 0.99`. */
  explanation: string;
  /** The judge's statistics: p-value, effect sizes and sample sizes. */
  stats?: JudgeStats;
}

/** Statistics behind a judge result. */
export interface JudgeStats {
  /** One-sided p-value of "canary is worse". */
  p: number;
  /** Canary over baseline: median or p99 latency ratio, or error-rate ratio. */
  ratio: number;
  /** Rank-biserial correlation of the latency samples (−1..1; > 0: canary slower). */
  rankBiserial?: number;
  canarySamples: number;
  baselineSamples: number;
  /** Which test gave `p`. */
  test: "mann-whitney" | "two-proportion-z" | "fisher-exact";
}

/** One measurement (all checks at one point in time). */
export interface Measurement {
  at: number;
  status: "pass" | "fail" | "inconclusive";
  results: CheckResult[];
}

/** The verdict of an analysis run, explained. */
export interface AnalysisResult {
  verdict: "pass" | "fail" | "inconclusive";
  measurements: Measurement[];
  /** One line summarising why, e.g. the first failing check's explanation. */
  explanation: string;
}
