/**
 * The Java part of the outside-bug repair benchmark: Defects4J crash bugs of Jsoup, Gson and Lang
 * (selection rule in java-bugs.ts), each rebuilt and judged by its own tests (java-case.ts).
 * `runJavaCases` is what `run.ts` calls; run alone:
 *
 *   PITCREW_DEFECTS4J_DIR=<checkout of rjust/defects4j> PITCREW_JAVA_MIRRORS=<dir> \
 *     npx tsx bench/repair-outside/java.ts [--case defects4j-jsoup-26 …] [--rerun] [--limit N] [--cached] [--json]
 *
 * PITCREW_JAVA_MIRRORS holds the projects' git repositories as `jhy+jsoup`, `google+gson`,
 * `apache+commons-lang` (each a repository or a directory with one in `repo/`). Results are cached
 * per case as JSON under PITCREW_REPAIR_OUTSIDE_CACHE (default ~/.cache/pitcrew/repair-outside)
 * `/java/<id>/`; a run resumes from them, `--rerun` repeats the repair chain on the cached builds,
 * `--cached` reports what is cached without running anything.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { OutsideResult } from "./case.js";
import { JAVA_PROJECTS, javaCaseId, loadJavaBugs } from "./java-bugs.js";
import { runJavaCase } from "./java-case.js";
import { compileRunner } from "./java-checkout.js";

/**
 * A reviewer's verdict on a proven patch (`java-reviews.json`): whether it is wrong though it
 * passed the oracle, for the patch whose diff has this SHA-256 only — a different patch on a later
 * run is unreviewed until someone reads it.
 */
interface Review {
  diffSha256: string;
  wrongButPassing: boolean;
  why: string;
}

/** The reviews of proven patches, by case id. */
function readReviews(): Record<string, Review> {
  const file = new URL("./java-reviews.json", import.meta.url);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, Review>) : {};
}

/** Applies the review of the case's proven patch (`<dir>/proven.diff`) when it is for that very patch. */
function applyReview(result: OutsideResult, dir: string, reviews: Record<string, Review>): OutsideResult {
  const review = reviews[result.id];
  const diff = join(dir, "proven.diff");
  if (!result.proven || !review || !existsSync(diff)) return result;
  const sha = createHash("sha256").update(readFileSync(diff)).digest("hex");
  if (sha !== review.diffSha256) return { ...result, wrongButPassing: undefined };
  return { ...result, wrongButPassing: review.wrongButPassing, notes: [...result.notes, `reviewed: ${review.why}`] };
}

/** Options of `runJavaCases`. */
export interface JavaCasesOptions {
  /** Checkout of https://github.com/rjust/defects4j. */
  defects4jDir: string;
  /** Directory of the projects' mirrors (see the module comment). */
  mirrorsDir: string;
  /** Cache root (results go to `<cacheDir>/java/<id>/`). */
  cacheDir: string;
  /** Only these case ids. */
  only?: string[];
  /** At most this many selected cases, in order. */
  limit?: number;
  /** Repeat the chain even when a cached result exists. */
  rerun?: boolean;
  /** Report the cached results only; run no case. */
  cachedOnly?: boolean;
  onProgress?: (line: string) => void;
}

/** The git repository of a project's mirror. */
function mirrorOf(mirrorsDir: string, project: string): string {
  const dir = join(mirrorsDir, JAVA_PROJECTS[project]!);
  return existsSync(join(dir, "repo")) ? join(dir, "repo") : dir;
}

/** Runs every Java case (module comment), cached results first; results in case order. */
export async function runJavaCases(opts: JavaCasesOptions): Promise<OutsideResult[]> {
  const root = join(opts.cacheDir, "java");
  mkdirSync(root, { recursive: true });
  const runnerDir = compileRunner(root);
  const pitcrew = execFileSync("git", ["rev-parse", "--short=10", "HEAD"], { encoding: "utf8" }).trim();
  const say = opts.onProgress ?? (() => undefined);
  const results: OutsideResult[] = [];
  const reviews = readReviews();
  let selected = 0;
  for (const bug of loadJavaBugs(opts.defects4jDir)) {
    const id = javaCaseId(bug);
    if (opts.only?.length && !opts.only.includes(id)) continue;
    const dir = join(root, id);
    const file = join(dir, "result.json");
    if (existsSync(file) && !opts.rerun) {
      const cached = applyReview(JSON.parse(readFileSync(file, "utf8")) as OutsideResult, dir, reviews);
      results.push(cached);
      if (cached.selection.selected) selected++;
      continue;
    }
    if (opts.cachedOnly) continue;
    if (opts.limit !== undefined && selected >= opts.limit) break;
    mkdirSync(dir, { recursive: true });
    say(`${id}`);
    const measured = await runJavaCase(bug, {
      mirror: mirrorOf(opts.mirrorsDir, bug.project),
      dir,
      runnerDir,
      pitcrew,
      onProgress: say,
    });
    writeFileSync(file, JSON.stringify(measured, null, 2));
    const result = applyReview(measured, dir, reviews);
    results.push(result);
    if (result.selection.selected) selected++;
    say(
      `  → ${result.selection.selected ? (result.proven ? `proven (${result.equivalence})` : "not proven") : `excluded: ${result.selection.reason}`}`,
    );
  }
  return results;
}

/** The Java figures: selected, proven, same region as the developer's fix. */
export function javaTotals(results: OutsideResult[]) {
  const cases = results.filter((r) => r.selection.selected);
  const proven = cases.filter((r) => r.proven);
  return {
    bugs: results.length,
    cases: cases.length,
    proposed: cases.filter((r) => r.proposed > 0).length,
    proven: proven.length,
    sameRegion: proven.filter((r) => r.equivalence === "same-region").length,
    wrongButPassing: proven.filter((r) => r.wrongButPassing).length,
  };
}

function printTable(results: OutsideResult[]): void {
  console.log("| case | exception | proposed | proven | fixer | patch at | vs developer | chain |");
  console.log("| --- | --- | ---: | :-: | --- | --- | --- | ---: |");
  for (const r of results.filter((x) => x.selection.selected)) {
    const s = r.selection as { exception: string };
    console.log(
      `| ${r.id} | ${s.exception.split(".").pop()} | ${r.proposed} | ${r.proven ? "✓" : "✗"} | ${r.fixer ?? "–"} | ${r.patchAt ?? "–"} | ${r.equivalence ?? "–"} | ${(r.chainMs / 1000).toFixed(0)} s |`,
    );
  }
  console.log("\nexcluded:");
  for (const r of results.filter((x) => !x.selection.selected))
    console.log(`- ${r.id}: ${(r.selection as { reason: string }).reason}`);
  const t = javaTotals(results);
  console.log(
    `\n${t.cases} cases of ${t.bugs} bugs: a patch proposed for ${t.proposed}, proven ${t.proven}, in the developer's region ${t.sameRegion}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const valuesOf = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
  const defects4jDir = process.env.PITCREW_DEFECTS4J_DIR;
  const mirrorsDir = process.env.PITCREW_JAVA_MIRRORS;
  if (!defects4jDir || !mirrorsDir) {
    console.error(
      "set PITCREW_DEFECTS4J_DIR (a checkout of rjust/defects4j) and PITCREW_JAVA_MIRRORS (see the comment at the top of this file)",
    );
    process.exitCode = 2;
  } else {
    const limit = valuesOf("--limit")[0];
    const results = await runJavaCases({
      defects4jDir,
      mirrorsDir,
      cacheDir: process.env.PITCREW_REPAIR_OUTSIDE_CACHE ?? join(homedir(), ".cache", "pitcrew", "repair-outside"),
      only: valuesOf("--case"),
      limit: limit === undefined ? undefined : Number(limit),
      rerun: args.includes("--rerun"),
      cachedOnly: args.includes("--cached"),
      onProgress: (l) => process.stderr.write(`${l}\n`),
    });
    if (args.includes("--json")) console.log(JSON.stringify({ totals: javaTotals(results), results }, null, 2));
    else printTable(results);
  }
}
