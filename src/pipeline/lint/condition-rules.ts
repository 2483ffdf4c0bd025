/**
 * Rules about `if:` conditions of jobs and steps: they parse (errors point at the column inside
 * the expression), read only needs the job declares, matrix keys it has and inputs the pipeline
 * declares, and a warning for `failure()` where nothing before can have failed.
 */
import { OPEN } from "../compile/interpolate.js";
import { type Expr, walkExpr } from "../expr/ast.js";
import { parseExpression } from "../expr/parse.js";
import type { JobSpec } from "../spec/schema.js";
import type { LintContext } from "./lint-context.js";

/** `invalid-expression`, `needs-not-declared`, `unknown-reference`, `condition-never-true` (warning). */
export function checkConditions(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    if (job.if !== undefined) {
      checkCondition(ctx, name, job, job.if, ["jobs", name, "if"], ctx.needsOf(job).length === 0);
    }
    job.steps?.forEach((step, i) => {
      if (step.if !== undefined) checkCondition(ctx, name, job, step.if, ["jobs", name, "steps", i, "if"], i === 0);
    });
  }
}

function checkCondition(
  ctx: LintContext,
  jobName: string,
  job: JobSpec,
  src: string,
  path: PropertyKey[],
  nothingBefore: boolean,
): void {
  const parsed = parseExpression(src);
  if (parsed.error) {
    const hint = src.includes(OPEN) ? ` (write if: conditions without ${OPEN} }})` : "";
    const message = `invalid condition: ${parsed.error.message}${hint}`;
    ctx.report("error", "invalid-expression", message, { path, offset: parsed.error.offset });
    return;
  }
  const needs = ctx.needsOf(job);
  const matrixKeys = new Set(ctx.matrices.get(jobName)!.keys);
  const inputs = ctx.spec.on?.manual?.inputs ?? {};
  if (nothingBefore) {
    const failure = conjuncts(parsed.expr).find((e) => e.kind === "call" && e.name === "failure");
    if (failure) {
      const what = path.includes("steps") ? "the first step of a job" : "a job without needs";
      ctx.report("warning", "condition-never-true", `failure() is never true for ${what}`, {
        path,
        offset: failure.start,
      });
    }
  }
  walkExpr(parsed.expr, (node) => {
    const at = { path, offset: node.start };
    if (node.kind !== "ref") return;
    const [root, key = ""] = node.path;
    if (root === "needs" && !needs.includes(key)) {
      const message = `'needs.${key}.status' reads job '${key}', which job '${jobName}' does not list in needs`;
      ctx.report("error", "needs-not-declared", message, at);
    } else if (root === "matrix" && !matrixKeys.has(key)) {
      ctx.report("error", "unknown-reference", `job '${jobName}' has no matrix key '${key}'`, at);
    } else if (root === "inputs" && !Object.hasOwn(inputs, key)) {
      ctx.report("error", "unknown-reference", `input '${key}' is not declared under on.manual.inputs`, at);
    }
  });
}

/** The operands of a top-level `a && b && c` chain (the expression itself otherwise). */
function conjuncts(expr: Expr): Expr[] {
  return expr.kind === "binary" && expr.op === "&&" ? [...conjuncts(expr.left), ...conjuncts(expr.right)] : [expr];
}
