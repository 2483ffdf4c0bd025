/** Prints the outside-bug benchmark's per-case table (the shape of RESULTS.md) and its totals. */
import type { OutsideResult } from "./case.js";

const pct = (a: number, n: number) => (n === 0 ? "–" : `${((100 * a) / n).toFixed(0)} %`);

/** The totals of a set of results: selected crash bugs, proven, equivalent, wrong but passing. */
export function totalsOf(results: readonly OutsideResult[]) {
  const selected = results.filter((r) => r.selection.selected);
  const proven = selected.filter((r) => r.proven);
  const runtime = selected.filter((r) => r.selection.selected && r.selection.raisedBy !== "code");
  return {
    screened: results.length,
    selected: selected.length,
    runtime: runtime.length,
    runtimeProven: runtime.filter((r) => r.proven).length,
    proposed: selected.filter((r) => r.proposed > 0).length,
    proven: proven.length,
    sameRegion: proven.filter((r) => r.equivalence === "same-region").length,
    behavioural: proven.filter((r) => r.equivalence === "behavioural").length,
    wrongButPassing: proven.filter((r) => r.wrongButPassing).length,
  };
}

/** One line of totals. */
function totalsLine(name: string, rs: readonly OutsideResult[]): string {
  const t = totalsOf(rs);
  return `${name}: ${t.screened} bugs screened, ${t.selected} crash bugs selected (${t.runtime} raised by the runtime, proven ${t.runtimeProven}); a patch proposed for ${t.proposed}; proven ${t.proven}/${t.selected} (${pct(t.proven, t.selected)}); equivalent to the developer's fix: same region ${t.sameRegion}, behaviourally ${t.behavioural}; wrong but passing ${t.wrongButPassing}`;
}

/** Prints the per-case table, the exclusions and the totals per language and overall. */
export function printResults(results: readonly OutsideResult[]): void {
  console.log(
    "| case | exception @ top in-app frame | raised by | proposed | proven (fixer @ place) | equivalent | wrong but passing |",
  );
  console.log("| --- | --- | --- | :-: | --- | --- | :-: |");
  for (const r of results) {
    if (!r.selection.selected) continue;
    const s = r.selection;
    console.log(
      `| ${r.id} | \`${s.exception.slice(0, 70).replace(/\|/g, "\\|").replace(/`/g, "'")}\` @ ${s.topFrame} | ${s.raisedBy ?? "?"} | ${r.proposed} | ${r.proven ? `✓ ${r.fixer} @ ${r.patchAt}` : "✗"} | ${r.equivalence ?? "–"} | ${r.proven ? (r.wrongButPassing ? "yes" : "no") : "–"} |`,
    );
  }
  console.log("\nexcluded:");
  for (const r of results)
    if (!r.selection.selected) console.log(`- ${r.id}: ${r.selection.reason.replace(/\n/g, " ")}`);
  console.log("\nnot proven:");
  for (const r of results)
    if (r.selection.selected && !r.proven) console.log(`- ${r.id}: ${r.notes.join("; ").slice(0, 300) || "–"}`);
  console.log("");
  for (const language of ["javascript", "python", "java"])
    console.log(
      totalsLine(
        language,
        results.filter((r) => r.language === language),
      ),
    );
  console.log(totalsLine("all", results));
}
