/**
 * `pitcrew stack` on the wide Defects4J selection: every active bug whose first trigger test's
 * trace has an in-app, non-test frame (in-app by the project's `--app` prefixes). For each, the
 * ranking from the trace alone (`analyzeStack` with the prefixes, as `pitcrew stack --app P --json`
 * does) is scored beside the naive baseline — the files of the in-app, non-test frames as
 * printed — in the same run: top-1/top-3 = the first (any of the first three) of the files the
 * ranking names (`files` of the report) is a file the developer's fix changed. Figures for the
 * whole set, and for two halves of the projects (alternating in alphabetical order) so a rule
 * that only helps one half shows.
 *
 * Reads, from a checkout of https://github.com/rjust/defects4j given by PITCREW_DEFECTS4J_DIR (or
 * the first argument): `framework/projects/<P>/active-bugs.csv`, `trigger_tests/<id>` and
 * `patches/<id>.src.patch`. Run: `PITCREW_DEFECTS4J_DIR=… npm run bench:stack-wide [-- --misses]`.
 */
import { analyzeStack, type Frame } from "../../src/diagnose/index.js";
import { appCode, chainFrames, type Defects4jCase, isFixed, loadDefects4j } from "./defects4j.js";

const dir = process.env.PITCREW_DEFECTS4J_DIR ?? process.argv.slice(2).find((a) => !a.startsWith("--"));
if (!dir) {
  console.error("set PITCREW_DEFECTS4J_DIR (or pass the path) to a checkout of https://github.com/rjust/defects4j");
  process.exit(2);
}

/** Counters of one row: cases, hits of the top suspect, of the top three, fixed file on the stack. */
interface Row {
  n: number;
  top1: number;
  top3: number;
  onStack: number;
}

/** The naive ranking: the files of the in-app, non-test frames in printed order, each once. */
function naive(frames: Frame[]): string[] {
  return [...new Set(frames.filter(appCode).map((f) => f.file))];
}

const projects = [...new Set(loadDefects4j(dir).map((c) => c.project))].sort();
const half = (project: string) => (projects.indexOf(project) % 2 === 0 ? "half A" : "half B");
const rows = new Map<string, Row>();
const misses: string[] = [];
const count = (key: string, files: string[], c: Defects4jCase, onStack: boolean) => {
  const r = rows.get(key) ?? { n: 0, top1: 0, top3: 0, onStack: 0 };
  r.n++;
  r.top1 += files[0] && isFixed(c, files[0]) ? 1 : 0;
  r.top3 += files.slice(0, 3).some((f) => isFixed(c, f)) ? 1 : 0;
  r.onStack += onStack ? 1 : 0;
  rows.set(key, r);
};

const started = performance.now();
let cases = 0;
for (const c of loadDefects4j(dir)) {
  const analysis = await analyzeStack(c.trace, { app: c.app }).catch(() => undefined);
  if (!analysis) continue;
  const frames = chainFrames(analysis.trace);
  if (!frames.some(appCode)) continue;
  cases++;
  const onStack = frames.some((f) => f.inApp && isFixed(c, f.file));
  const files = analysis.files.map((f) => f.file);
  for (const set of ["all projects", half(c.project)]) {
    count(`${set} | naive top in-app frame`, naive(frames), c, onStack);
    count(`${set} | pitcrew stack --app`, files, c, onStack);
  }
  if (!isFixed(c, files[0] ?? ""))
    misses.push(
      `${c.project}-${c.bug}: top ${analysis.suspects[0]?.module}.${analysis.suspects[0]?.function}; fixed ${c.fixed.join(", ")}`,
    );
}
const seconds = (performance.now() - started) / 1000;

const ratio = (a: number, n: number) => (a / n).toFixed(3);
console.log(`halves: A = ${projects.filter((p) => half(p) === "half A").join(", ")}; B = the others`);
console.log("| set | ranking | traces | top-1 file | top-3 file | fixed file on the stack |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const [k, r] of rows) {
  const [set, ranking] = k.split(" | ");
  console.log(
    `| ${set} | ${ranking} | ${r.n} | ${ratio(r.top1, r.n)} | ${ratio(r.top3, r.n)} | ${ratio(r.onStack, r.n)} |`,
  );
}
console.log(`\n${cases} traces, ${seconds.toFixed(1)} s`);
if (process.argv.includes("--misses")) console.log(misses.join("\n"));
