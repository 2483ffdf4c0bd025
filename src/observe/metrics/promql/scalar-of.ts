import type { QueryResult } from "./query-result.js";

/** The first finite number of an instant query result, or undefined (no data, NaN). */
export function scalarOf(result: QueryResult): number | undefined {
  const point =
    result.resultType === "scalar"
      ? result.result
      : result.resultType === "vector"
        ? result.result[0]?.value
        : undefined;
  const v = point ? Number(point[1]) : Number.NaN;
  return Number.isFinite(v) ? v : undefined;
}
