/**
 * The evaluator of `if:` expressions: a tree walk over the AST, no `eval`. Values are strings,
 * numbers, booleans or null; `==` compares numbers numerically when either side is a number or
 * boolean and strings exactly (case-sensitive) otherwise; unknown variables are `''`.
 */
import picomatch from "picomatch";
import type { BinaryOp, Expr, FunctionName, Value } from "./ast.js";
import { parseExpression } from "./parse.js";

/** Aggregate outcome so far: of a job's needs (job `if:`) or of the previous steps (step `if:`). */
export type ConditionState = "success" | "failure" | "cancelled";

/** Everything an `if:` expression can read at run time. */
export interface ConditionContext {
  event: string;
  branch: string;
  commit: string;
  baseBranch?: string;
  matrix: Record<string, string>;
  inputs: Record<string, string>;
  env: Record<string, string>;
  /** Needed jobs by pipeline job name, e.g. `{ lint: { status: "success" } }`. */
  needs: Record<string, { status: string }>;
  state: ConditionState;
}

/**
 * Evaluates an `if:` expression source to a boolean (truthiness of its value). Throws
 * `ExpressionError` when the source does not parse; compiled plans only contain valid ones.
 */
export function evaluateCondition(src: string, ctx: ConditionContext): boolean {
  const parsed = parseExpression(src);
  if (parsed.error) throw parsed.error;
  return truthy(evaluate(parsed.expr, ctx));
}

/** Evaluates an AST node to a value. */
function evaluate(expr: Expr, ctx: ConditionContext): Value {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "ref":
      return lookup(expr.path, ctx);
    case "not":
      return !truthy(evaluate(expr.operand, ctx));
    case "binary":
      return binary(expr.op, expr.left, expr.right, ctx);
    case "call":
      return call(expr.name, expr.args, ctx);
  }
}

/** JavaScript-like truthiness: `false`, `null`, `0`, `NaN` and `''` are false. */
function truthy(v: Value): boolean {
  return v !== false && v !== null && v !== 0 && v !== "" && !Number.isNaN(v);
}

function lookup(path: string[], ctx: ConditionContext): Value {
  const [root, a] = path;
  switch (root) {
    case "event":
      return ctx.event;
    case "branch":
      return ctx.branch;
    case "commit":
      return ctx.commit;
    case "base_branch":
      return ctx.baseBranch ?? "";
    case "matrix":
      return own(ctx.matrix, a);
    case "inputs":
      return own(ctx.inputs, a);
    case "env":
      return own(ctx.env, a);
    case "needs":
      return a !== undefined && Object.hasOwn(ctx.needs, a) ? ctx.needs[a]!.status : "";
    default:
      return "";
  }
}

function own(map: Record<string, string>, key: string | undefined): string {
  return key !== undefined && Object.hasOwn(map, key) ? map[key]! : "";
}

function binary(op: BinaryOp, l: Expr, r: Expr, ctx: ConditionContext): Value {
  if (op === "&&") return truthy(evaluate(l, ctx)) && truthy(evaluate(r, ctx));
  if (op === "||") return truthy(evaluate(l, ctx)) || truthy(evaluate(r, ctx));
  const a = evaluate(l, ctx);
  const b = evaluate(r, ctx);
  if (op === "==") return equals(a, b);
  if (op === "!=") return !equals(a, b);
  const [x, y] = numericPair(a, b) ?? [String(a ?? ""), String(b ?? "")];
  if (op === "<") return x < y;
  if (op === "<=") return x <= y;
  if (op === ">") return x > y;
  return x >= y;
}

function equals(a: Value, b: Value): boolean {
  if (typeof a === typeof b || a === null || b === null) return a === b;
  const pair = numericPair(a, b);
  return pair !== undefined && pair[0] === pair[1];
}

/** Both sides as numbers when either is a number/boolean (or both look numeric), else undefined. */
function numericPair(a: Value, b: Value): [number, number] | undefined {
  const isNumeric = (v: Value) => typeof v === "number" || typeof v === "boolean";
  const looksNumeric = (v: Value) => typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v));
  if (isNumeric(a) || isNumeric(b) || (looksNumeric(a) && looksNumeric(b))) {
    const x = Number(a);
    const y = Number(b);
    if (!Number.isNaN(x) && !Number.isNaN(y)) return [x, y];
  }
  return undefined;
}

function call(name: FunctionName, args: Expr[], ctx: ConditionContext): Value {
  const str = (i: number) => {
    const v = evaluate(args[i]!, ctx);
    return v === null ? "" : String(v);
  };
  switch (name) {
    case "success":
      return ctx.state === "success";
    case "failure":
      return ctx.state === "failure";
    case "cancelled":
      return ctx.state === "cancelled";
    case "always":
      return true;
    case "contains":
      return str(0).includes(str(1));
    case "startsWith":
      return str(0).startsWith(str(1));
    case "endsWith":
      return str(0).endsWith(str(1));
    case "matches":
      return picomatch(str(1), { dot: true })(str(0));
  }
}
