/** Query results in the shape of Prometheus' HTTP API (`data` of `/api/v1/query[_range]`). */
import type { Labels } from "../../../store/index.js";
import { labelsKey, type Series, type Value } from "./values.js";

/** `[unix seconds, "value"]`, values formatted like Go (`NaN`, `+Inf`, `-Inf`). */
export type ResultPoint = [number, string];

/** The result of an instant or range query. */
export type QueryResult =
  | { resultType: "vector"; result: Array<{ metric: Labels; value: ResultPoint }> }
  | { resultType: "matrix"; result: Array<{ metric: Labels; values: ResultPoint[] }> }
  | { resultType: "scalar"; result: ResultPoint };

/** Formats a sample value as Prometheus does. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/** Parses a value formatted by Prometheus. */
export function parseValue(s: string): number {
  return s === "+Inf" ? Number.POSITIVE_INFINITY : s === "-Inf" ? Number.NEGATIVE_INFINITY : Number(s);
}

const byLabels = <T extends { metric: Labels }>(a: T, b: T) => labelsKey(a.metric).localeCompare(labelsKey(b.metric));

/** The API shape of an instant query's value at `t` (ms); series sorted by labels. */
export function instantResult(v: Value, t: number): QueryResult {
  const ts = t / 1000;
  if (v.type === "scalar") return { resultType: "scalar", result: [ts, formatValue(v.v)] };
  if (v.type === "vector") {
    return {
      resultType: "vector",
      result: v.samples.map((s) => ({ metric: s.labels, value: [ts, formatValue(s.v)] as ResultPoint })).sort(byLabels),
    };
  }
  return matrixResult(v.series);
}

/** The API shape of series (a range query or a range selector); series sorted by labels. */
export function matrixResult(series: Series[]): QueryResult {
  return {
    resultType: "matrix",
    result: series
      .filter((s) => s.points.length > 0)
      .map((s) => ({
        metric: s.labels,
        values: s.points.map((p) => [p.t / 1000, formatValue(p.v)] as ResultPoint),
      }))
      .sort(byLabels),
  };
}
