/** Pure scaling of a metric series onto a chart: parsing Prometheus points, a round maximum, the SVG path. */

/** One sample of a series: `t` in unix seconds, `v` finite. */
export interface Point {
  t: number;
  v: number;
}

/** Where a chart draws: the time span (unix seconds), the canvas size and the value at the top. */
export interface Frame {
  from: number;
  to: number;
  width: number;
  height: number;
  max: number;
  /** A time step longer than this (seconds) between two points breaks the line. */
  gap: number;
}

/** The finite points of a Prometheus `values` list (`NaN` and infinities are left out). */
export function parsePoints(values: [number, string][]): Point[] {
  const out: Point[] = [];
  for (const [t, s] of values) {
    const v = Number(s);
    if (Number.isFinite(v)) out.push({ t, v });
  }
  return out;
}

/** The smallest 1, 2 or 5 × 10^k at or above `max` (1 when there is nothing above zero). */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (max <= m * power * (1 + 1e-9)) return m * power;
  return 10 * power;
}

/** The `x, y` of a point on the canvas (y grows downwards; values are clamped to the frame). */
export function place(p: Point, f: Frame): [number, number] {
  const span = Math.max(1e-9, f.to - f.from);
  const x = ((p.t - f.from) / span) * f.width;
  const y = f.height - (Math.min(Math.max(p.v, 0), f.max) / f.max) * f.height;
  return [round(x), round(y)];
}

/** The SVG path through `points` (sorted by time), broken where two points are more than `gap` apart. */
export function linePath(points: Point[], f: Frame): string {
  let d = "";
  let prev: Point | undefined;
  for (const p of points) {
    const [x, y] = place(p, f);
    d += `${!prev || p.t - prev.t > f.gap ? "M" : "L"}${x} ${y}`;
    prev = p;
  }
  return d;
}

const round = (n: number) => Math.round(n * 10) / 10;
