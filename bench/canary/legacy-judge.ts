/**
 * The judge as it was before the fresh-baseline judge (pitcrew d523116,
 * src/deploy/analysis/judge.ts), re-implemented for the canary benchmark only, to replay it on the
 * same recorded requests: one-sided Mann-Whitney U (failed requests ranked slowest) with effect
 * on the median OR the p99 (ratio ≥ 1.2 and ≥ 5 ms more), errors by Fisher exact / pooled z
 * (ratio ≥ 1.2), both at p < 0.01; fewer than 20 requests a side → inconclusive. It compared the
 * canary with the warm, long-running live replicas.
 */
import { mannWhitneyU } from "../../src/deploy/analysis/mann-whitney.js";
import { compareErrorRates } from "../../src/deploy/analysis/proportion-test.js";
import { summarize } from "../../src/deploy/routers/release-metrics.js";

/** Requests of one release: all latencies, those of the answered ones, and the 5xx count. */
export interface Requests {
  latenciesMs: number[];
  okLatenciesMs: number[];
  errors: number;
}

const ALPHA = 0.01;
const MIN_EFFECT = 1.2;
const MIN_SAMPLES = 20;
const MIN_DELTA_MS = 5;

const ratioOf = (c: number, b: number) => (b > 0 ? c / b : c > 0 ? Number.POSITIVE_INFINITY : 1);
const ranked = (x: Requests) => [
  ...x.okLatenciesMs,
  ...new Array<number>(x.latenciesMs.length - x.okLatenciesMs.length).fill(Number.POSITIVE_INFINITY),
];

/** The old judge's measurement status: `fail` names the metric that failed. */
export function legacyJudge(
  canary: Requests,
  baseline: Requests,
): "pass" | "inconclusive" | "fail-latency" | "fail-errors" {
  const few = (c: number, b: number) => c < MIN_SAMPLES || b < MIN_SAMPLES;
  let inconclusive = false;
  if (few(canary.okLatenciesMs.length, baseline.okLatenciesMs.length)) inconclusive = true;
  else {
    const p = mannWhitneyU(ranked(canary), ranked(baseline), "greater").p;
    const c = summarize([...canary.okLatenciesMs]);
    const b = summarize([...baseline.okLatenciesMs]);
    const large = [
      [c.p50, b.p50],
      [c.p99, b.p99],
    ].some(([x, y]) => ratioOf(x!, y!) >= MIN_EFFECT && x! - y! >= MIN_DELTA_MS);
    if (p < ALPHA && large) return "fail-latency";
  }
  const nc = canary.latenciesMs.length;
  const nb = baseline.latenciesMs.length;
  if (few(nc, nb)) return "inconclusive";
  const t = compareErrorRates({ errors: canary.errors, total: nc }, { errors: baseline.errors, total: nb });
  if (t.p < ALPHA && ratioOf(canary.errors / nc, baseline.errors / nb) >= MIN_EFFECT) return "fail-errors";
  return inconclusive ? "inconclusive" : "pass";
}
