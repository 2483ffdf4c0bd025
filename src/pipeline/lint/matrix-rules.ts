/**
 * Rules about matrices: they must expand to at least one and at most {@link MAX_MATRIX_JOBS}
 * jobs; warnings for keys no step reads (identical copies of a job) and excludes that match
 * nothing (usually a typo).
 */
import { MAX_MATRIX_JOBS } from "../compile/matrix.js";
import { scanInterpolations } from "../compile/interpolate.js";
import { walkExpr } from "../expr/ast.js";
import { parseExpression } from "../expr/parse.js";
import type { JobSpec } from "../spec/schema.js";
import type { LintContext } from "./lint-context.js";
import { walkStrings } from "./walk-strings.js";

/** `empty-matrix`, `matrix-too-large`, `matrix-exclude-unmatched` (warning). */
export function checkMatrixSize(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    if (!job.matrix) continue;
    const m = ctx.matrices.get(name)!;
    const path = ["jobs", name, "matrix"];
    if (m.count === 0) {
      ctx.report("error", "empty-matrix", `the matrix of job '${name}' expands to no jobs`, { path, key: true });
    } else if (m.count > MAX_MATRIX_JOBS) {
      const message = `the matrix of job '${name}' expands to ${m.count} jobs, more than the limit of ${MAX_MATRIX_JOBS}`;
      ctx.report("error", "matrix-too-large", message, { path, key: true });
    }
    for (const i of m.unmatchedExcludes) {
      const message = `this exclude matches no combination of the matrix of job '${name}'`;
      ctx.report("warning", "matrix-exclude-unmatched", message, { path: [...path, "exclude", i] });
    }
  }
}

/** `unused-matrix-key` (warning): a key no `${{ matrix.X }}` or `if:` reads runs identical copies. */
export function checkUnusedMatrixKeys(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const m = ctx.matrices.get(name)!;
    if (!job.matrix || m.count === 0) continue;
    const used = matrixKeysUsed(job);
    for (const key of m.keys) {
      if (used.has(key)) continue;
      const inAxes = Object.hasOwn(job.matrix, key) && key !== "include" && key !== "exclude";
      const message = `matrix key '${key}' is never used in job '${name}' (no \${{ matrix.${key} }} or matrix.${key} in if:), so its jobs are identical`;
      ctx.report("warning", "unused-matrix-key", message, {
        path: inAxes ? ["jobs", name, "matrix", key] : ["jobs", name, "matrix"],
        key: true,
      });
    }
  }
}

/** Names of matrix keys a job reads, in interpolations and `if:` expressions. */
function matrixKeysUsed(job: JobSpec): Set<string> {
  const used = new Set<string>();
  const { matrix: _, ...rest } = job;
  for (const { value } of walkStrings(rest)) {
    for (const ref of scanInterpolations(value).refs) if (ref.path[0] === "matrix") used.add(ref.path[1]!);
  }
  for (const cond of [job.if, ...(job.steps ?? []).map((s) => s.if)]) {
    const parsed = cond === undefined ? undefined : parseExpression(cond);
    if (!parsed?.expr) continue;
    walkExpr(parsed.expr, (node) => {
      if (node.kind === "ref" && node.path[0] === "matrix") used.add(node.path[1]!);
    });
  }
  return used;
}
