/** The counter functions with Prometheus' semantics (promql/functions.go, 2.x). */
import type { Point } from "../../../store/index.js";

/**
 * `rate`/`increase` of the points of a range `[rangeStart, rangeEnd]` (ms): the counter delta
 * with resets corrected, extrapolated to the range edges when the first/last sample is within
 * 1.1 average sample intervals of the edge (otherwise by half an interval), and never below zero
 * (extrapolation towards the start stops where the counter would reach 0). Undefined for < 2 points.
 */
export function extrapolatedRate(
  points: Point[],
  rangeStart: number,
  rangeEnd: number,
  isRate: boolean,
): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0]!;
  const last = points.at(-1)!;
  let result = last.v - first.v;
  let prev = first.v;
  for (const p of points) {
    if (p.v < prev) result += prev;
    prev = p.v;
  }
  let toStart = (first.t - rangeStart) / 1000;
  const toEnd = (rangeEnd - last.t) / 1000;
  const sampled = (last.t - first.t) / 1000;
  const avgGap = sampled / (points.length - 1);
  if (result > 0 && first.v >= 0) {
    const toZero = sampled * (first.v / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = avgGap * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : avgGap / 2;
  interval += toEnd < threshold ? toEnd : avgGap / 2;
  result *= interval / sampled;
  return isRate ? result / ((rangeEnd - rangeStart) / 1000) : result;
}

/** `irate`: per-second rate between the last two points (a reset counts from zero). */
export function instantRate(points: Point[]): number | undefined {
  if (points.length < 2) return undefined;
  const last = points.at(-1)!;
  const prev = points.at(-2)!;
  const dv = last.v < prev.v ? last.v : last.v - prev.v;
  const dt = (last.t - prev.t) / 1000;
  return dt === 0 ? undefined : dv / dt;
}
