/**
 * The outside-bug repair benchmark: real crash bugs from public datasets (BugsJS for
 * JavaScript, BugsInPy for Python, Defects4J for Java (`java*.ts`, when PITCREW_DEFECTS4J_DIR and
 * PITCREW_JAVA_MIRRORS are set)), each run through the product's
 * repair chain as shipped with the project's own tests as the oracle (`chain.ts`). Results are
 * cached as one JSON file per case under `<cache>/results/`, so an interrupted run resumes where
 * it stopped; `--rerun` runs cached cases again.
 *
 * Run: `npm run bench:repair-outside -- [--cache DIR] [--lang js|py|java] [--project P] [--case ID …]
 *       [--limit N] [--rerun] [--test-timeout S] [--case-timeout S] [--json]`
 * Default cache: `~/.cache/pitcrew-bench/repair-outside`; defaults: every mirrored bug of the
 * covered projects, 120 s per test run, 600 s per case.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { OutsideResult } from "./case.js";
import { type PreparedCase, runOutsideCase } from "./chain.js";
import { BUGSJS_PROJECTS, gitOut, prepareBugsJs } from "./js.js";
import { BUGSINPY_PROJECTS, prepareBugsInPy } from "./py.js";
import { runJavaCases } from "./java.js";
import { printResults } from "./report.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const values = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const value = (name: string) => values(name).at(-1);

const cache = value("--cache") ?? join(homedir(), ".cache", "pitcrew-bench", "repair-outside");
const lang = value("--lang");
const projects = values("--project");
const only = values("--case");
const limit = Number(value("--limit") ?? Number.POSITIVE_INFINITY);
const limits = {
  testTimeoutMs: Number(value("--test-timeout") ?? 120) * 1000,
  caseTimeoutMs: Number(value("--case-timeout") ?? 600) * 1000,
  pitcrew: gitOut(import.meta.dirname, ["rev-parse", "--short", "HEAD"]).trim(),
};

/** Every case id with how to prepare it, in dataset order. */
function plannedCases(): { id: string; prepare: () => PreparedCase }[] {
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const out: { id: string; prepare: () => PreparedCase }[] = [];
  if (lang === undefined || lang === "js")
    for (const [project, n] of Object.entries(BUGSJS_PROJECTS))
      for (let bug = 1; bug <= n; bug++)
        out.push({ id: `bugsjs-${project}-${bug}`, prepare: () => prepareBugsJs(cache, project, bug, log) });
  if (lang === undefined || lang === "py")
    for (const [project, bugs] of Object.entries(BUGSINPY_PROJECTS()))
      for (const bug of bugs)
        out.push({
          id: `bugsinpy-${project.toLowerCase()}-${bug}`,
          prepare: () => prepareBugsInPy(cache, project, bug),
        });
  return out.filter(
    (c) =>
      (only.length === 0 || only.includes(c.id)) &&
      (projects.length === 0 ||
        projects.some((p) => c.id.startsWith(`bugsjs-${p}-`) || c.id.startsWith(`bugsinpy-${p.toLowerCase()}-`))),
  );
}

mkdirSync(join(cache, "results"), { recursive: true });
const results: OutsideResult[] = [];
let ran = 0;
for (const planned of plannedCases()) {
  const file = join(cache, "results", `${planned.id}.json`);
  if (existsSync(file) && !flag("--rerun")) {
    results.push(JSON.parse(readFileSync(file, "utf8")) as OutsideResult);
    continue;
  }
  if (ran >= limit) continue;
  ran++;
  process.stderr.write(`${planned.id} …\n`);
  let result: OutsideResult;
  try {
    result = await runOutsideCase(planned.prepare(), limits);
  } catch (err) {
    const [, dataset, project, bug] = /^(bugsjs|bugsinpy)-(.+)-(\d+)$/.exec(planned.id) ?? [];
    result = {
      id: planned.id,
      dataset: dataset === "bugsjs" ? "BugsJS" : "BugsInPy",
      project: project ?? "?",
      bug: bug ?? "?",
      language: dataset === "bugsjs" ? "javascript" : "python",
      selection: { selected: false, reason: `could not be prepared: ${(err as Error).message.split("\n")[0]}` },
      proven: false,
      proposed: 0,
      notes: [],
      chainMs: 0,
      pitcrew: limits.pitcrew,
    };
  }
  writeFileSync(file, JSON.stringify(result, null, 1));
  results.push(result);
  const s = result.selection;
  process.stderr.write(
    `  ${s.selected ? `selected: ${s.exception.slice(0, 80)} @ ${s.topFrame}; ${result.proven ? `PROVEN by ${result.fixer} (${result.equivalence})` : `not proven, ${result.proposed} proposed`}` : `excluded: ${s.reason.slice(0, 120)}`}\n`,
  );
}
const defects4jDir = process.env.PITCREW_DEFECTS4J_DIR;
const mirrorsDir = process.env.PITCREW_JAVA_MIRRORS;
if ((lang === undefined || lang === "java") && defects4jDir && mirrorsDir)
  results.push(
    ...(await runJavaCases({
      defects4jDir,
      mirrorsDir,
      cacheDir: cache,
      only: only.length ? only : undefined,
      limit: Number.isFinite(limit) ? limit : undefined,
      rerun: flag("--rerun"),
      onProgress: (line) => process.stderr.write(`${line}\n`),
    })),
  );
else if (lang === "java") {
  console.error("--lang java needs PITCREW_DEFECTS4J_DIR (a checkout of rjust/defects4j) and PITCREW_JAVA_MIRRORS");
  process.exitCode = 2;
}
if (flag("--json")) console.log(JSON.stringify(results, null, 1));
else printResults(results);
