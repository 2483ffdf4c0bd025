/** What `pitcrew fix` prints: the proven patch (or why there is none), as text or as JSON. */
import { candidateDiff, type RepairResult } from "../../repair/index.js";
import { color } from "../output.js";

/** A pull request `pitcrew fix` opened. */
export interface OpenedPullRequest {
  repo: string;
  number: number;
  branch: string;
}

/** The JSON report of `pitcrew fix --json`. */
export function fixReport(result: RepairResult, pr: OpenedPullRequest | undefined, note: string) {
  const best = result.best;
  return {
    base: result.base,
    fixed: best !== undefined,
    patch: best && {
      fixer: best.patch.fixer,
      kind: best.patch.kind,
      title: best.patch.title,
      explanation: best.patch.explanation,
      diff: candidateDiff(best),
    },
    reproduction: best?.reproduction && { path: best.reproduction.path, framework: best.reproduction.framework },
    proof: best && { reason: best.proof.reason },
    candidates: result.candidates.map((c) => ({
      fixer: c.patch.fixer,
      title: c.patch.title,
      proven: c.proof?.proven ?? false,
      reason: c.proof?.reason ?? c.error ?? "not tried",
    })),
    fixerErrors: result.fixerErrors,
    pullRequest: pr,
    note,
  };
}

/** Human output: the patch with its reasons and proof, or the candidates and why each failed. */
export function renderFix(result: RepairResult, pr: OpenedPullRequest | undefined, note: string): string {
  const out: string[] = [];
  const best = result.best;
  if (best) {
    out.push(color.bold(`fix: ${best.patch.title}`));
    out.push(`  fixer ${best.patch.fixer}, base ${result.base.slice(0, 10)}`);
    out.push(`  proof: ${best.proof.reason}`);
    if (best.reproduction) out.push(`  reproduction test: ${best.reproduction.path} (${best.reproduction.framework})`);
    out.push("", best.patch.explanation, "", candidateDiff(best).trimEnd());
  } else {
    out.push(color.red("no proven fix"));
    if (result.candidates.length === 0) out.push("  no fixer proposed a patch for this failure");
    for (const c of result.candidates) out.push(`  - ${c.patch.title}: ${c.proof?.reason ?? c.error ?? "not tried"}`);
  }
  for (const e of result.fixerErrors) out.push(color.yellow(`  fixer ${e.fixer} failed: ${e.message}`));
  if (pr) out.push("", color.green(note));
  else if (note) out.push("", note);
  return `${out.join("\n")}\n`;
}
