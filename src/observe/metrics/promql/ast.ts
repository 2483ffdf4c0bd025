/**
 * The PromQL subset pitcrew evaluates, as a small AST built from the lezer-promql syntax tree:
 * selectors with matchers and offset, range vectors, rate/irate/increase, histogram_quantile,
 * sum/avg/min/max/count with by/without, arithmetic and comparisons (with `bool`, `on`/`ignoring`).
 */

/** A label matcher of a selector. */
export interface Matcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** An instant vector selector (`up{job="api"} offset 1m`); the metric name is a `__name__` matcher. */
export interface VectorSelector {
  kind: "vector";
  matchers: Matcher[];
  offsetMs: number;
}

/** A range vector selector (`x[5m]`). */
export interface MatrixSelector {
  kind: "matrix";
  selector: VectorSelector;
  rangeMs: number;
}

/** Functions of the subset. */
export type FunctionName = "rate" | "irate" | "increase" | "histogram_quantile";

/** Aggregation operators of the subset. */
export type AggregateOp = "sum" | "avg" | "min" | "max" | "count";

/** Arithmetic and comparison operators. */
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "^" | "==" | "!=" | ">" | "<" | ">=" | "<=";

/** A PromQL expression of the subset. */
export type Expr =
  | { kind: "number"; value: number }
  | VectorSelector
  | MatrixSelector
  | { kind: "call"; fn: FunctionName; args: Expr[] }
  | { kind: "aggregate"; op: AggregateOp; grouping: { without: boolean; labels: string[] } | null; expr: Expr }
  | {
      kind: "binary";
      op: BinaryOp;
      lhs: Expr;
      rhs: Expr;
      bool: boolean;
      matching: { on: boolean; labels: string[] } | null;
    }
  | { kind: "negate"; expr: Expr };

/** True for the comparison operators (which filter unless `bool` is given). */
export function isComparison(op: BinaryOp): boolean {
  return op === "==" || op === "!=" || op === ">" || op === "<" || op === ">=" || op === "<=";
}
