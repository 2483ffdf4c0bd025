/**
 * The syntax tree of `if:` expressions. Every node keeps `start`, its 0-based offset in the
 * expression source, so lint can point at the exact column of a problem.
 */

/** A value an expression can produce. */
export type Value = string | number | boolean | null;

/** Binary operators, loosest-binding first: `||`, `&&`, equality, comparison. */
export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=";

/** Functions the language knows, with their arity. */
export const FUNCTIONS = {
  success: 0,
  failure: 0,
  always: 0,
  cancelled: 0,
  contains: 2,
  startsWith: 2,
  endsWith: 2,
  matches: 2,
} as const;

/** Name of a built-in function. */
export type FunctionName = keyof typeof FUNCTIONS;

/** An expression node. */
export type Expr =
  | { kind: "literal"; value: Value; start: number }
  /** A variable such as `branch`, `matrix.node` or `needs.build.status` (path split on dots). */
  | { kind: "ref"; path: string[]; start: number }
  | { kind: "not"; operand: Expr; start: number }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; start: number }
  | { kind: "call"; name: FunctionName; args: Expr[]; start: number };

/** Visits every node of `expr` depth-first (parents before children). */
export function walkExpr(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  if (expr.kind === "not") walkExpr(expr.operand, visit);
  else if (expr.kind === "binary") {
    walkExpr(expr.left, visit);
    walkExpr(expr.right, visit);
  } else if (expr.kind === "call") {
    for (const arg of expr.args) walkExpr(arg, visit);
  }
}
