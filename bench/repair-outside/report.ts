/** Prints the outside-bug benchmark's per-case table (the shape of RESULTS.md) and its totals. */
import type { OutsideResult } from "./case.js";

const pct = (a: number, n: number) => (n === 0 ? "–" : `${((100 * a) / n).toFixed(0)} %`);

/** The totals of a set of results: selected crash bugs, proven, equivalent, wrong but passing. */
export function totalsOf(results: readonly OutsideResult[]) {
  const selected = results.filter((r) => r.selection.selected);
  const proven = selected.filter((r) => r.proven);
  return {
    screened: results.length,
    selected: selected.length,
    proposed: selected.filter((r) => r.proposed > 0).length,
    proven: proven.length,
    sameRegion: proven.filter((r) => r.equivalence === "same-region").length,
    behavioural: proven.filter((r) => r.equivalence === "behavioural").length,
    wrongButPassing: proven.filter((r) => r.wrongButPassing).length,
  };
}

/** Prints the per-case table, the exclusions and the totals per language and overall. */
export function printResults(results: readonly OutsideResult[]): void {
  console.log(
    "| case | exception @ top in-app frame | proposed | proven (fixer @ place) | equivalent | wrong but passing |",
  );
  console.log("| --- | --- | :-: | --- | --- | :-: |");
  for (const r of results) {
    if (!r.selection.selected) continue;
    const s = r.selection;
    console.log(
      `| ${r.id} | \`${s.exception.slice(0, 70).replace(/\|/g, "\\|")}\` @ ${s.topFrame} | ${r.proposed} | ${r.proven ? `✓ ${r.fixer} @ ${r.patchAt}` : "✗"} | ${r.equivalence ?? "–"} | ${r.proven ? (r.wrongButPassing ? "yes" : "no") : "–"} |`,
    );
  }
  console.log("\nexcluded:");
  for (const r of results) if (!r.selection.selected) console.log(`- ${r.id}: ${r.selection.reason}`);
  console.log("\nnot proven:");
  for (const r of results)
    if (r.selection.selected && !r.proven) console.log(`- ${r.id}: ${r.notes.join("; ").slice(0, 400) || "–"}`);
  for (const [name, rs] of [
    ["javascript", results.filter((r) => r.language === "javascript")],
    ["python", results.filter((r) => r.language === "python")],
    ["all", results],
  ] as const) {
    const t = totalsOf(rs);
    console.log(
      `\n${name}: ${t.screened} bugs screened, ${t.selected} crash bugs selected; a patch proposed for ${t.proposed}; proven ${t.proven}/${t.selected} (${pct(t.proven, t.selected)}); equivalent to the developer's fix: same region ${t.sameRegion}, behavioural ${t.behavioural}; wrong but passing ${t.wrongButPassing}`,
    );
  }
}
