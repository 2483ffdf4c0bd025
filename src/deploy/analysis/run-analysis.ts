/**
 * Runs an analysis (the protocol is in analysis.ts), sequentially: after the judge's warm-up,
 * measurements `spec.intervalMs` apart. Each evaluates every threshold check on the canary's
 * requests since the previous measurement, and — when a baseline exists and `spec.judge` is not
 * `false` — the statistical judge on both releases' requests since the analysis started. A
 * measurement fails when any result fails, is inconclusive when none fails but one is
 * inconclusive, and passes otherwise (also when there is nothing to evaluate).
 *
 * Verdict: `fail` at the failureLimit-th failed measurement, whenever it comes (early stop);
 * from the `count`-th measurement on, `pass` at the first passing one; an inconclusive one there
 * extends the analysis by one measurement, and the inconclusiveLimit-th such ends it with
 * `inconclusive` (limits below 1 count as 1). After the `count`-th, every measurement either ends
 * the analysis or moves one of the limits closer, so it is bounded. Aborting `ctx.signal` ends it at once with `inconclusive`.
 * `ctx.onMeasurement` is awaited after each measurement.
 */
import { sleep, systemClock } from "../../common/clock.js";
import type { AnalysisContext, AnalysisResult, AnalysisSpec, CheckResult, Measurement } from "./analysis.js";
import { judge, judgeSettings } from "./judge.js";
import { evaluateCheck } from "./metric-checks.js";

/** Runs `spec` against the releases of `ctx` and returns the explained verdict. */
export async function runAnalysis(spec: AnalysisSpec, ctx: AnalysisContext): Promise<AnalysisResult> {
  const clock = ctx.clock ?? systemClock;
  const wait = ctx.sleep ?? sleep;
  const baselineId = spec.judge === false ? undefined : ctx.baselineReleaseId;
  const judgeOptions = typeof spec.judge === "object" ? spec.judge : {};
  const measurements: Measurement[] = [];
  const warmUntil = (ctx.trafficSince ?? 0) + judgeSettings(judgeOptions).warmupMs;
  if (baselineId !== undefined && ctx.trafficSince !== undefined && warmUntil > clock.now()) {
    try {
      await wait(warmUntil - clock.now(), ctx.signal);
    } catch (err) {
      if (ctx.signal?.aborted) return aborted(measurements, spec.count);
      throw err;
    }
  }
  const start = {
    canary: (await ctx.router.samples(ctx.canaryReleaseId)).cursor,
    baseline: baselineId === undefined ? 0 : (await ctx.router.samples(baselineId)).cursor,
  };
  let previous = start.canary;
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

  for (let i = 1; ; i++) {
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
    if (i >= spec.count && m.status === "pass") {
      return { verdict: "pass", measurements, explanation: passed(measurements) };
    }
    if (i >= spec.count && m.status === "inconclusive" && ++count.inconclusive >= Math.max(1, spec.inconclusiveLimit)) {
      return { verdict: "inconclusive", measurements, explanation: `inconclusive: ${firstOf(m, "inconclusive")}` };
    }
    if (ctx.signal?.aborted) return aborted(measurements, spec.count);
  }
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
  const what = `${measurements.length} measurement${measurements.length === 1 ? "" : "s"}, the last one passing`;
  if (!last?.results.length) return `${what} (nothing to check: no checks and no baseline)`;
  return `${what}; last: ${last.results.map((r) => `${r.name}: ${r.explanation}`).join("; ")}`;
}
