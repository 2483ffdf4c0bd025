/**
 * Adapts the metrics-source port to the analysis' `query` function: an instant query at the
 * clock's now, reduced to one number by `firstValue` (no series, or NaN, is "no data"). Errors
 * of the source propagate; the check that asked turns them into an inconclusive result.
 */
import { type Clock, systemClock } from "../../common/clock.js";
import { firstValue, type MetricsSource } from "../../observe/index.js";

/** Builds `AnalysisContext.query` over `source`. */
export function scalarQuery(
  source: MetricsSource,
  clock: Clock = systemClock,
): (promql: string) => Promise<number | undefined> {
  return async (promql) => firstValue(await source.instantQuery(promql, clock.now()));
}
