/**
 * `runs-on` against the labels of the runners that exist (the server's `runner.labels`): a job
 * asking for a label none has would wait forever, so lint warns about it when the labels are known.
 */
import { toList } from "../spec/normalize.js";
import type { LintContext } from "./lint-context.js";

/** Labels of `runsOn` that `labels` lacks (interpolated ones, known only at run time, are skipped). */
export function missingRunnerLabels(runsOn: string[], labels: string[]): string[] {
  return runsOn.filter((l) => !l.includes("${{") && !labels.includes(l));
}

/** Warns (`unknown-runner-label`) for each job whose `runs-on` no runner with `labels` satisfies. */
export function checkRunnerLabels(ctx: LintContext, labels: string[]): void {
  for (const [name, job] of ctx.jobs) {
    const missing = missingRunnerLabels(toList(job["runs-on"]), labels);
    if (missing.length === 0) continue;
    ctx.report(
      "warning",
      "unknown-runner-label",
      `job '${name}' runs-on ${missing.map((l) => `'${l}'`).join(", ")}, which no runner has (runner labels: ${labels.join(", ") || "none"}); it would fail at run time`,
      { path: ["jobs", name, "runs-on"] },
    );
  }
}
