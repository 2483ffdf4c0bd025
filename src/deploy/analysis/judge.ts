/**
 * The statistical judge: is the canary worse than the baseline, without user thresholds?
 * Kayenta-style, it classifies each metric on its own and flags a regression only when the
 * difference is both significant and large, on enough requests:
 *
 *   - latency: one-sided Mann-Whitney U (canary slower) over all requests, failed ones ranked as
 *     the slowest (a fast 500 is not a faster service), with effect sizes on the requests that
 *     did not fail: the median, and the p90 once both sides have TAIL_MIN_SAMPLES requests (a
 *     tail percentile of a few dozen requests is one outlier). Fails when p < alpha AND the median
 *     or p90 of the canary is ≥ minEffect × the baseline's AND at least minLatencyDeltaMs above it.
 *   - errors: one-sided test that the canary's error rate is higher (Fisher exact for small
 *     expected counts, else the pooled two-proportion z-test). Fails when p < alpha AND the
 *     error-rate ratio is ≥ minEffect. Passes only once the requests rule a real rise out: the
 *     one-sided 95 % Wilson upper bound of the canary's error rate is at most minEffect × the
 *     baseline's + ERROR_TOLERANCE; before that it is inconclusive (a few requests without an
 *     error do not clear a release that fails one request in twenty).
 *   - fewer than minSamples requests on either side (per metric: latency counts the answered
 *     ones) → inconclusive; so is a large effect that is not significant yet (p < SUSPECT_P): more
 *     data decides it (the analysis extends, see run-analysis.ts).
 * Explanations read like `median latency 3.1× baseline (412 ms vs 133 ms), p = 0.002` or
 * `error rate 5.2 % vs 0.1 % baseline, p < 0.001`.
 */
import { summarize } from "../routers/release-metrics.js";
import type { CheckResult, JudgeOptions } from "./analysis.js";
import { mannWhitneyU } from "./mann-whitney.js";
import { compareErrorRates } from "./proportion-test.js";

/** Requests of one release in the judged window (a subset of the router's `ReleaseSamples`). */
export interface JudgeSamples {
  latenciesMs: number[];
  /** Latencies of the non-error requests; latency is judged on these when given. */
  okLatenciesMs?: number[];
  errors: number;
}

/** The judge's options with their defaults applied. */
export type JudgeSettings = Required<JudgeOptions>;

/** Requests per side before the p90 counts as an effect size. */
export const TAIL_MIN_SAMPLES = 100;

/** Error-rate rise (absolute) that the judge does not need to rule out before passing: 2 points. */
export const ERROR_TOLERANCE = 0.02;

/** Below this p-value a large effect is "not significant yet" (inconclusive), above it a pass. */
export const SUSPECT_P = 0.1;

/**
 * Fills in the defaults of `JudgeOptions` (alpha 0.01, minEffect 1.2, minSamples 50, 5 ms,
 * warm-up 10 s, a fresh baseline).
 */
export function judgeSettings(options: JudgeOptions = {}): JudgeSettings {
  return {
    alpha: options.alpha ?? 0.01,
    minEffect: options.minEffect ?? 1.2,
    minSamples: options.minSamples ?? 50,
    minLatencyDeltaMs: options.minLatencyDeltaMs ?? 5,
    warmupMs: options.warmupMs ?? 10_000,
    baseline: options.baseline ?? "fresh",
  };
}

/** What the judge compares: latency and errors, or the error rate alone. */
export type JudgedMetrics = "all" | "errors";

/**
 * Judges latency and errors of `canary` against `baseline`: two results, `judge-latency` and
 * `judge-errors` — only `judge-errors` when `metrics` is `errors`.
 */
export function judge(
  canary: JudgeSamples,
  baseline: JudgeSamples,
  options: JudgeOptions = {},
  metrics: JudgedMetrics = "all",
): CheckResult[] {
  const s = judgeSettings(options);
  const errors = judgeErrors(canary, baseline, s);
  return metrics === "errors" ? [errors] : [judgeLatency(canary, baseline, s), errors];
}

function tooFew(name: string, what: string, c: number, b: number, s: JudgeSettings): CheckResult | undefined {
  if (c >= s.minSamples && b >= s.minSamples) return undefined;
  return {
    name,
    status: "inconclusive",
    explanation: `too few requests to judge ${what} (canary ${c}, baseline ${b}; need ${s.minSamples} each)`,
  };
}

/** pass, fail, or inconclusive for a large effect that is not significant yet. */
function classify(p: number, large: boolean, s: JudgeSettings): CheckResult["status"] {
  if (!large) return "pass";
  return p < s.alpha ? "fail" : p < SUSPECT_P ? "inconclusive" : "pass";
}

const ratioOf = (c: number, b: number) => (b > 0 ? c / b : c > 0 ? Number.POSITIVE_INFINITY : 1);

/**
 * The requests ranked for the latency test: when the failed ones are known, they rank as the
 * slowest of all (a failure is the worst answer, however fast it came), so a fix that answers
 * what the baseline failed is not "slower", and a baseline failing fast does not look faster.
 */
function ranked(x: JudgeSamples): number[] {
  if (!x.okLatenciesMs) return x.latenciesMs;
  const failed = x.latenciesMs.length - x.okLatenciesMs.length;
  return [...x.okLatenciesMs, ...new Array<number>(Math.max(0, failed)).fill(Number.POSITIVE_INFINITY)];
}

function judgeLatency(canarySamples: JudgeSamples, baselineSamples: JudgeSamples, s: JudgeSettings): CheckResult {
  const name = "judge-latency";
  const canary = canarySamples.okLatenciesMs ?? canarySamples.latenciesMs;
  const baseline = baselineSamples.okLatenciesMs ?? baselineSamples.latenciesMs;
  const few = tooFew(name, "latency", canary.length, baseline.length, s);
  if (few) return few;
  const mw = mannWhitneyU(ranked(canarySamples), ranked(baselineSamples), "greater");
  const c = summarize([...canary]);
  const b = summarize([...baseline]);
  const tail = Math.min(canary.length, baseline.length) >= TAIL_MIN_SAMPLES;
  const effects = [
    { label: "median", c: c.p50, b: b.p50 },
    ...(tail ? [{ label: "p90", c: c.p90, b: b.p90 }] : []),
  ].map((e) => {
    const ratio = ratioOf(e.c, e.b);
    return { ...e, ratio, large: ratio >= s.minEffect && e.c - e.b >= s.minLatencyDeltaMs };
  });
  const large = effects.filter((e) => e.large);
  const head = (large.length ? large : effects).reduce((x, y) => (y.ratio > x.ratio ? y : x));
  const status = classify(mw.p, head.large, s);
  return {
    name,
    status,
    value: head.c,
    baseline: head.b,
    explanation: `${head.label} latency ${times(head.ratio)} baseline (${ms(head.c)} vs ${ms(head.b)}), ${pText(mw.p)}${status === "inconclusive" ? ", not significant yet" : ""}`,
    stats: {
      p: mw.p,
      ratio: head.ratio,
      rankBiserial: mw.rankBiserial,
      canarySamples: canary.length,
      baselineSamples: baseline.length,
      test: "mann-whitney",
    },
  };
}

function judgeErrors(canary: JudgeSamples, baseline: JudgeSamples, s: JudgeSettings): CheckResult {
  const name = "judge-errors";
  const nc = canary.latenciesMs.length;
  const nb = baseline.latenciesMs.length;
  const few = tooFew(name, "errors", nc, nb, s);
  if (few) return few;
  const rc = canary.errors / nc;
  const rb = baseline.errors / nb;
  const t = compareErrorRates({ errors: canary.errors, total: nc }, { errors: baseline.errors, total: nb });
  const ratio = ratioOf(rc, rb);
  const upper = wilsonUpper(canary.errors, nc);
  const unsure = upper > rb * s.minEffect + ERROR_TOLERANCE;
  let status = classify(t.p, ratio >= s.minEffect, s);
  if (status === "pass" && unsure) status = "inconclusive";
  const why =
    status !== "inconclusive"
      ? ""
      : unsure && !(ratio >= s.minEffect && t.p < SUSPECT_P)
        ? `; too few requests to rule out a rise (up to ${percent(upper)})`
        : ", not significant yet";
  return {
    name,
    status,
    value: rc,
    baseline: rb,
    explanation: `error rate ${percent(rc)} vs ${percent(rb)} baseline, ${pText(t.p)}${why}`,
    stats: { p: t.p, ratio, canarySamples: nc, baselineSamples: nb, test: t.test },
  };
}

/** One-sided 95 % Wilson score upper bound of a proportion of `k` in `n`. */
export function wilsonUpper(k: number, n: number): number {
  const z = 1.645;
  const p = k / n;
  const z2n = (z * z) / n;
  return Math.min(1, (p + z2n / 2 + z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n));
}

/** `p < 0.001` or `p = 0.0042` (two significant digits). */
export function pText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p = ${Number(p.toPrecision(2))}`;
}

const times = (r: number) => (Number.isFinite(r) ? `${r.toFixed(1)}×` : "∞×");
const ms = (v: number) => `${v < 10 ? Number(v.toFixed(1)) : Math.round(v)} ms`;
const percent = (r: number) => `${Number((r * 100).toFixed(1))} %`;
