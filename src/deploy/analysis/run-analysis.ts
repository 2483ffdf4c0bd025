/**
 * Runs an analysis (the protocol is in analysis.ts): `spec.count` measurements `spec.intervalMs`
 * apart, the first after one interval. Each measurement evaluates every threshold check on the
 * canary's requests since the previous measurement, and — when a baseline exists and
 * `spec.judge` is not `false` — the statistical judge on both releases' requests since the
 * analysis started. A measurement fails when any result fails, is inconclusive when none fails
 * but one is inconclusive, and passes otherwise (also when there is nothing to evaluate).
 *
 * Verdict: `fail` at the failureLimit-th failed measurement, `inconclusive` at the
 * inconclusiveLimit-th inconclusive one (a limit below 1 counts as 1), `pass` when all
 * measurements ran without reaching a limit. Aborting `ctx.signal` ends it at once with
 * `inconclusive`. `ctx.onMeasurement` is awaited after each measurement.
 */
import { sleep, systemClock } from "../../common/clock.js";
import type { AnalysisContext, AnalysisResult, AnalysisSpec, CheckResult, Measurement } from "./analysis.js";
import { judge } from "./judge.js";
import { evaluateCheck } from "./metric-checks.js";

/** Runs `spec` against the releases of `ctx` and returns the explained verdict. */
export async function runAnalysis(spec: AnalysisSpec, ctx: AnalysisContext): Promise<AnalysisResult> {
  const clock = ctx.clock ?? systemClock;
  const wait = ctx.sleep ?? sleep;
  const baselineId = spec.judge === false ? undefined : ctx.baselineReleaseId;
  const judgeOptions = typeof spec.judge === "object" ? spec.judge : {};
  const start = {
    canary: (await ctx.router.samples(ctx.canaryReleaseId)).cursor,
    baseline: baselineId === undefined ? 0 : (await ctx.router.samples(baselineId)).cursor,
  };
  let previous = start.canary;
  const measurements: Measurement[] = [];
  const count = { fail: 0, inconclusive: 0 };

  const measure = async (): Promise<Measurement> => {
    const at = clock.now();
    const interval = await ctx.router.samples(ctx.canaryReleaseId, previous);
    previous = interval.cursor;
    const results: CheckResult[] = await Promise.all(spec.checks.map((c) => evaluateCheck(c, interval, ctx)));
    if (baselineId !== undefined) {
      const canary = await ctx.router.samples(ctx.canaryReleaseId, start.canary);
      const baseline = await ctx.router.samples(baselineId, start.baseline);
      results.push(...judge(canary, baseline, judgeOptions));
    }
    const status = results.some((r) => r.status === "fail")
      ? "fail"
      : results.some((r) => r.status === "inconclusive")
        ? "inconclusive"
        : "pass";
    return { at, status, results };
  };

  for (let i = 0; i < spec.count; i++) {
    let m: Measurement;
    try {
      await wait(spec.intervalMs, ctx.signal);
      m = await untilAborted(measure(), ctx.signal);
    } catch (err) {
      if (ctx.signal?.aborted) return aborted(measurements, spec.count);
      throw err;
    }
    measurements.push(m);
    await ctx.onMeasurement?.(m);
    if (m.status === "fail" && ++count.fail >= Math.max(1, spec.failureLimit)) {
      return { verdict: "fail", measurements, explanation: firstOf(m, "fail") };
    }
    if (m.status === "inconclusive" && ++count.inconclusive >= Math.max(1, spec.inconclusiveLimit)) {
      return { verdict: "inconclusive", measurements, explanation: `inconclusive: ${firstOf(m, "inconclusive")}` };
    }
    if (ctx.signal?.aborted) return aborted(measurements, spec.count);
  }
  return { verdict: "pass", measurements, explanation: passed(measurements) };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function aborted(measurements: Measurement[], count: number): AnalysisResult {
  return {
    verdict: "inconclusive",
    measurements,
    explanation: `analysis aborted after ${measurements.length} of ${count} measurements`,
  };
}

function firstOf(m: Measurement, status: CheckResult["status"]): string {
  const r = m.results.find((x) => x.status === status);
  return r ? `${r.name}: ${r.explanation}` : status;
}

function passed(measurements: Measurement[]): string {
  const last = measurements.at(-1);
  const what = `${measurements.length} measurement${measurements.length === 1 ? "" : "s"} without reaching a limit`;
  if (!last?.results.length) return `${what} (nothing to check: no checks and no baseline)`;
  return `${what}; last: ${last.results.map((r) => `${r.name}: ${r.explanation}`).join("; ")}`;
}
