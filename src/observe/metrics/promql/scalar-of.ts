import type { QueryResult } from "./query-result.js";

/**
 * The number a query result stands for, or undefined when it holds no data: a scalar's value,
 * the first series of a vector (series are sorted by labels), or the last point of the first
 * series of a matrix. NaN is no data; ±Inf are kept.
 */
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

/** Like `firstValue`, but only a finite number counts (a detector or a latency needs one). */
export function scalarOf(result: QueryResult): number | undefined {
  const v = firstValue(result);
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}
