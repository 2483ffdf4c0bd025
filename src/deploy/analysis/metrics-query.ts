/**
 * Adapts the metrics-source port to the analysis' `query` function: an instant query at the
 * clock's now, reduced to one number — a scalar's value, the first series of a vector (series
 * are sorted by labels), or the last point of the first series of a matrix. No series, or a
 * NaN value, is "no data" (undefined). Errors of the source propagate; the check that asked
 * turns them into an inconclusive result.
 */
import { type Clock, systemClock } from "../../common/clock.js";
import type { MetricsSource, QueryResult } from "../../observe/index.js";

/** Builds `AnalysisContext.query` over `source`. */
export function scalarQuery(
  source: MetricsSource,
  clock: Clock = systemClock,
): (promql: string) => Promise<number | undefined> {
  return async (promql) => firstValue(await source.instantQuery(promql, clock.now()));
}

/** The number a query result stands for, or undefined when it holds no data. */
export function firstValue(result: QueryResult): number | undefined {
  const raw =
    result.resultType === "scalar"
      ? result.result[1]
      : result.resultType === "vector"
        ? result.result[0]?.value[1]
        : result.result[0]?.values.at(-1)?.[1];
  if (raw === undefined) return undefined;
  const v = raw === "+Inf" ? Number.POSITIVE_INFINITY : raw === "-Inf" ? Number.NEGATIVE_INFINITY : Number(raw);
  return Number.isNaN(v) ? undefined : v;
}
