/**
 * Evaluates the PromQL subset with Prometheus semantics. A query first fetches, once, every
 * selector's samples over the whole window it needs (range queries included), then evaluates
 * each step in memory:
 *   - an instant selector at t takes each series' latest sample in [t - offset - 5m, t - offset];
 *   - a range selector `[r]` takes the samples in [t - offset - r, t - offset] (Prometheus 2.x,
 *     left edge included);
 *   - a range query evaluates at start, start + step, … ≤ end (at most 11,000 steps).
 */
import { ValidationError } from "../../../common/errors.js";
import type { Point } from "../../../store/index.js";
import { parseFloatValue } from "../exposition/parse-exposition.js";
import type { Expr, Matcher, MatrixSelector, VectorSelector } from "./ast.js";
import { type Bucket, bucketQuantile } from "./histogram-quantile.js";
import { aggregate, binary } from "./operators.js";
import { extrapolatedRate, instantRate } from "./rate.js";
import { dropName, labelsKey, type Sample, type Series, type Value } from "./values.js";

/** Where the evaluator reads series: those matching all `matchers` with their points in [from, to]. */
export interface SeriesReader {
  select(matchers: Matcher[], from: number, to: number): Promise<Series[]>;
}

/** How far back an instant selector looks for a sample (Prometheus' default lookback delta). */
export const LOOKBACK_MS = 300_000;
const MAX_STEPS = 11_000;

type Fetched = Map<VectorSelector, Series[]>;

/** Evaluates `expr` at `t` (epoch ms). */
export async function evaluateInstant(reader: SeriesReader, expr: Expr, t: number): Promise<Value> {
  return evalAt(expr, t, await fetch(reader, expr, t, t));
}

/** Evaluates `expr` at every step of [start, end]; one series per label set (scalars get `{}`). */
export async function evaluateRange(
  reader: SeriesReader,
  expr: Expr,
  start: number,
  end: number,
  step: number,
): Promise<Series[]> {
  if (step <= 0 || end < start) throw new ValidationError("range query needs step > 0 and end >= start");
  if ((end - start) / step > MAX_STEPS) throw new ValidationError(`range query exceeds ${MAX_STEPS} points per series`);
  if (expr.kind === "matrix") throw new ValidationError("range queries need an instant vector or scalar expression");
  const data = await fetch(reader, expr, start, end);
  const out = new Map<string, Series>();
  for (let t = start; t <= end; t += step) {
    const v = evalAt(expr, t, data);
    const samples: Sample[] = v.type === "scalar" ? [{ labels: {}, v: v.v }] : v.type === "vector" ? v.samples : [];
    for (const s of samples) {
      const key = labelsKey(s.labels);
      let series = out.get(key);
      if (!series) {
        series = { labels: s.labels, points: [] };
        out.set(key, series);
      }
      series.points.push({ t, v: s.v });
    }
  }
  return [...out.values()];
}

async function fetch(reader: SeriesReader, expr: Expr, start: number, end: number): Promise<Fetched> {
  const data: Fetched = new Map();
  const visit = async (e: Expr, range: number): Promise<void> => {
    switch (e.kind) {
      case "vector":
        data.set(e, await reader.select(e.matchers, start - e.offsetMs - range, end - e.offsetMs));
        return;
      case "matrix":
        return visit(e.selector, e.rangeMs);
      case "call":
        for (const a of e.args) await visit(a, LOOKBACK_MS);
        return;
      case "aggregate":
      case "negate":
        return visit(e.expr, LOOKBACK_MS);
      case "binary":
        await visit(e.lhs, LOOKBACK_MS);
        return visit(e.rhs, LOOKBACK_MS);
      case "number":
        return;
    }
  };
  await visit(expr, LOOKBACK_MS);
  return data;
}

/** Index of the first point with `t >= at`. */
function lowerBound(points: Point[], at: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function window(points: Point[], from: number, to: number): Point[] {
  return points.slice(lowerBound(points, from), lowerBound(points, to + 1));
}

function evalAt(e: Expr, t: number, data: Fetched): Value {
  switch (e.kind) {
    case "number":
      return { type: "scalar", v: e.value };
    case "vector": {
      const at = t - e.offsetMs;
      const samples: Sample[] = [];
      for (const s of data.get(e) ?? []) {
        const last = window(s.points, at - LOOKBACK_MS, at).at(-1);
        if (last) samples.push({ labels: s.labels, v: last.v });
      }
      return { type: "vector", samples };
    }
    case "matrix":
      return { type: "matrix", series: rangeOf(e, t, data) };
    case "negate": {
      const v = evalAt(e.expr, t, data);
      if (v.type === "scalar") return { type: "scalar", v: -v.v };
      return { type: "vector", samples: vector(v).map((s) => ({ labels: dropName(s.labels), v: -s.v })) };
    }
    case "aggregate":
      return { type: "vector", samples: aggregate(e.op, e.grouping, vector(evalAt(e.expr, t, data))) };
    case "binary":
      return binary(e.op, evalAt(e.lhs, t, data), evalAt(e.rhs, t, data), e.bool, e.matching);
    case "call":
      return { type: "vector", samples: call(e, t, data) };
  }
}

function rangeOf(e: MatrixSelector, t: number, data: Fetched): Series[] {
  const at = t - e.selector.offsetMs;
  return (data.get(e.selector) ?? []).map((s) => ({ labels: s.labels, points: window(s.points, at - e.rangeMs, at) }));
}

function vector(v: Value): Sample[] {
  if (v.type !== "vector") throw new ValidationError(`expected an instant vector, got a ${v.type}`);
  return v.samples;
}

function call(e: Extract<Expr, { kind: "call" }>, t: number, data: Fetched): Sample[] {
  if (e.fn === "histogram_quantile") {
    const q = evalAt(e.args[0]!, t, data);
    if (q.type !== "scalar") throw new ValidationError("histogram_quantile expects a scalar quantile");
    const groups = new Map<string, { labels: Sample["labels"]; buckets: Bucket[] }>();
    for (const s of vector(evalAt(e.args[1]!, t, data))) {
      const le = parseFloatValue(s.labels.le ?? "");
      if (le === undefined) continue;
      const { le: _, ...rest } = dropName(s.labels);
      const key = labelsKey(rest);
      let g = groups.get(key);
      if (!g) {
        g = { labels: rest, buckets: [] };
        groups.set(key, g);
      }
      g.buckets.push({ upperBound: le, count: s.v });
    }
    return [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q.v, g.buckets) }));
  }
  const m = e.args[0] as MatrixSelector;
  const at = t - m.selector.offsetMs;
  const out: Sample[] = [];
  for (const s of rangeOf(m, t, data)) {
    const v =
      e.fn === "irate" ? instantRate(s.points) : extrapolatedRate(s.points, at - m.rangeMs, at, e.fn === "rate");
    if (v !== undefined) out.push({ labels: dropName(s.labels), v });
  }
  return out;
}
