/** The text `pitcrew runs why` prints for what changed when a job started failing (GET /api/runs/:id/correlation). */
import type { JobCorrelation } from "../../failures/index.js";
import { color } from "../output.js";

const short = (sha: string) => sha.slice(0, 12);
const version = (v: string | null) => v ?? "(none)";

/** Lines about one failed job's history: its streak, what changed, what separates, where it was seen before. */
export function renderCorrelation(c: JobCorrelation): string {
  const out: string[] = [
    color.bold(`what changed (${c.compared.failed} of ${c.compared.runs} recent runs of ${c.key} failed)`),
  ];
  const f = c.firstFailure;
  if (f) {
    const since = f.previousSuccess
      ? `; the last success was run ${f.previousSuccess.runId} @ ${short(f.previousSuccess.commit)}`
      : "; no earlier success on this branch";
    out.push(`  fails since run ${f.runId} @ ${short(f.commit)} (${f.streak} in a row)${since}`);
    for (const d of f.dependencyChanges.slice(0, 10))
      out.push(`    ${d.file}: ${d.name} ${version(d.from)} → ${version(d.to)}`);
    if (f.changedFiles !== null) {
      const shown = f.changedFiles.slice(0, 10);
      out.push(
        `    ${f.changedFiles.length} file(s) changed${shown.length ? `: ${shown.join(", ")}` : ""}${f.changedFiles.length > shown.length ? ", …" : ""}`,
      );
    }
  }
  for (const finding of c.findings) out.push(`  ${finding.text} (p = ${finding.p.toExponential(1)})`);
  const g = c.sameSignature;
  if (g) {
    const fixed = g.fixedBy ? `, fixed by run ${g.fixedBy.runId} @ ${short(g.fixedBy.commit)}` : ", not fixed since";
    out.push(
      `  seen ${g.occurrences} times; first in ${g.first.project} job ${g.first.job}, run ${g.first.runId} @ ${short(g.first.commit)}${fixed}`,
    );
  }
  if (out.length === 1) out.push("  nothing stands out in the job's history");
  return `${out.join("\n")}\n`;
}
