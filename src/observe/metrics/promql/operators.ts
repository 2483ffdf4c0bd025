/** Aggregations and binary operators over instant values, with Prometheus' label rules. */
import { ValidationError } from "../../../common/errors.js";
import type { Labels } from "../../../store/index.js";
import { type AggregateOp, type BinaryOp, type Expr, isComparison } from "./ast.js";
import { dropName, labelsKey, pickLabels, type Sample, type Value } from "./values.js";

type Grouping = Extract<Expr, { kind: "aggregate" }>["grouping"];
type Matching = Extract<Expr, { kind: "binary" }>["matching"];

/** `sum|avg|min|max|count [by|without (…)]`: one output sample per group; `__name__` is always dropped. */
export function aggregate(op: AggregateOp, grouping: Grouping, samples: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const s of samples) {
    const labels = grouping
      ? grouping.without
        ? dropName(pickLabels(s.labels, grouping.labels, false))
        : pickLabels(s.labels, grouping.labels, true)
      : {};
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) {
      g = { labels, values: [] };
      groups.set(key, g);
    }
    g.values.push(s.v);
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: reduce(op, g.values) }));
}

function reduce(op: AggregateOp, values: number[]): number {
  switch (op) {
    case "sum":
      return values.reduce((a, b) => a + b, 0);
    case "avg":
      return values.reduce((a, b) => a + b, 0) / values.length;
    case "count":
      return values.length;
    case "min":
    case "max": {
      // Like Prometheus, NaN loses to any number.
      let r = Number.NaN;
      for (const v of values) if (Number.isNaN(r) || (op === "min" ? v < r : v > r)) r = v;
      return r;
    }
  }
}

/** The value of `a op b`, and whether a comparison held (arithmetic always holds). */
function apply(op: BinaryOp, a: number, b: number): [number, boolean] {
  switch (op) {
    case "+":
      return [a + b, true];
    case "-":
      return [a - b, true];
    case "*":
      return [a * b, true];
    case "/":
      return [a / b, true];
    case "%":
      return [a % b, true];
    case "^":
      return [a ** b, true];
    case "==":
      return [a, a === b];
    case "!=":
      return [a, a !== b];
    case ">":
      return [a, a > b];
    case "<":
      return [a, a < b];
    case ">=":
      return [a, a >= b];
    case "<=":
      return [a, a <= b];
  }
}

/**
 * `lhs op rhs` for scalars and instant vectors. Comparisons filter (keeping the vector side's
 * value) unless `bool` turns them into 0/1; arithmetic and `bool` drop `__name__`. Vector-vector
 * matching is one-to-one on all labels but the name, or on `on(…)`/`ignoring(…)`.
 */
export function binary(op: BinaryOp, lhs: Value, rhs: Value, bool: boolean, matching: Matching): Value {
  const cmp = isComparison(op);
  const dropsName = !cmp || bool;
  if (lhs.type === "scalar" && rhs.type === "scalar") {
    const [v, keep] = apply(op, lhs.v, rhs.v);
    return { type: "scalar", v: cmp ? (keep ? 1 : 0) : v };
  }
  if (lhs.type === "matrix" || rhs.type === "matrix")
    throw new ValidationError("binary operators need instant vectors or scalars");
  if (lhs.type === "vector" && rhs.type === "scalar") return scalarSide(op, lhs.samples, rhs.v, false, bool, dropsName);
  if (lhs.type === "scalar" && rhs.type === "vector") return scalarSide(op, rhs.samples, lhs.v, true, bool, dropsName);
  if (lhs.type !== "vector" || rhs.type !== "vector") throw new ValidationError("unsupported operands");
  const sig = (l: Labels) => (matching ? pickLabels(l, matching.labels, matching.on) : l);
  const right = new Map<string, Sample>();
  for (const s of rhs.samples) {
    const key = labelsKey(dropName(sig(s.labels)));
    if (right.has(key))
      throw new ValidationError("many-to-many matching not allowed: matching labels must be unique on the right side");
    right.set(key, s);
  }
  const out: Sample[] = [];
  const seen = new Set<string>();
  for (const l of lhs.samples) {
    const key = labelsKey(dropName(sig(l.labels)));
    const r = right.get(key);
    if (!r) continue;
    if (seen.has(key))
      throw new ValidationError("many-to-many matching not allowed: matching labels must be unique on the left side");
    seen.add(key);
    const [v, keep] = apply(op, l.v, r.v);
    if (!keep && !bool) continue;
    let labels = matching ? pickLabels(l.labels, matching.labels, matching.on) : l.labels;
    if (dropsName) labels = dropName(labels);
    out.push({ labels, v: bool ? (keep ? 1 : 0) : v });
  }
  return { type: "vector", samples: out };
}

function scalarSide(
  op: BinaryOp,
  samples: Sample[],
  scalar: number,
  swap: boolean,
  bool: boolean,
  dropsName: boolean,
): Value {
  const out: Sample[] = [];
  for (const s of samples) {
    const [v, keep] = swap ? apply(op, scalar, s.v) : apply(op, s.v, scalar);
    if (!keep && !bool) continue;
    const value = bool ? (keep ? 1 : 0) : isComparison(op) ? s.v : v;
    out.push({ labels: dropsName ? dropName(s.labels) : s.labels, v: value });
  }
  return { type: "vector", samples: out };
}
