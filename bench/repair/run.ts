/**
 * The repair benchmark over the 30-case corpus (test/fixtures/repair-corpus): suspect top-1 and
 * top-3 accuracy, fix rate (a proven patch whose pull request was opened on a local forge), the
 * fixer kind that won against the expected one, and the time from trace to PR.
 * Run: `npm run bench:repair [-- --json] [-- --case <id> …]`.
 */
import { loadCorpus } from "./corpus.js";
import { type CaseResult, runCase, startCorpusForge } from "./run-case.js";

/** The totals of a run. */
interface Totals {
  cases: number;
  top1: number;
  top3: number;
  top1File: number;
  top3File: number;
  /** Pattern cases whose patch can be proven (Node.js, Python, Java with declared commands) and how many got a PR. */
  patternProvable: { n: number; fixed: number };
  /** All pattern cases, the parse-checked Go ones included (never proven: no Go toolchain here). */
  patternAll: { n: number; fixed: number };
  all: { n: number; fixed: number };
  /** Proven patches whose fixer kind is the expected one. */
  expectedKindWon: number;
  /** Parse-only cases (Go): a patch of the expected kind proposed for the expected file. */
  parseOnly: { n: number; proposedAtExpected: number };
  medianToPrMs?: number;
  maxToPrMs?: number;
  medianAnalyzeMs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function totalsOf(results: CaseResult[], expectedFile: Map<string, string>): Totals {
  const count = (f: (r: CaseResult) => boolean) => results.filter(f).length;
  const rate = (rs: CaseResult[]) => ({ n: rs.length, fixed: rs.filter((r) => r.proven).length });
  const pattern = results.filter((r) => r.expectedFixer === "pattern");
  const parseOnly = results.filter((r) => r.validation === "parse-only");
  const toPr = results.filter((r) => r.pr).map((r) => r.traceToPrMs);
  return {
    cases: results.length,
    top1: count((r) => r.top1),
    top3: count((r) => r.top3),
    top1File: count((r) => r.top1File),
    top3File: count((r) => r.top3File),
    patternProvable: rate(pattern.filter((r) => r.validation !== "parse-only")),
    patternAll: rate(pattern),
    all: rate(results),
    expectedKindWon: count((r) => r.proven && r.fixerKind === r.expectedFixer),
    parseOnly: {
      n: parseOnly.length,
      proposedAtExpected: parseOnly.filter(
        (r) => r.proposed?.kind === r.expectedFixer && r.proposed.file === expectedFile.get(r.id),
      ).length,
    },
    medianToPrMs: toPr.length ? median(toPr) : undefined,
    maxToPrMs: toPr.length ? Math.max(...toPr) : undefined,
    medianAnalyzeMs: median(results.map((r) => r.analyzeMs)),
  };
}

const pct = (a: number, n: number) => (n === 0 ? "–" : `${((100 * a) / n).toFixed(0)} %`);
const secs = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
const yes = (b: boolean) => (b ? "✓" : "✗");

function printTable(results: CaseResult[], t: Totals): void {
  console.log(
    "| case | validation | top-1 | top-3 | top suspect | expected fixer | won / proposed | PR | trace → PR |",
  );
  console.log("| --- | --- | :-: | :-: | --- | --- | --- | :-: | ---: |");
  for (const r of results) {
    const won = r.fixer ?? (r.proposed ? `(${r.proposed.fixer})` : "none");
    console.log(
      `| ${r.id} | ${r.validation} | ${yes(r.top1)} | ${yes(r.top3)} | ${r.topSuspect ?? "–"} | ${r.expectedFixer} | ${won} | ${r.pr ? `#${r.pr.number}` : "–"} | ${secs(r.traceToPrMs)} |`,
    );
  }
  console.log(`
${t.cases} cases
suspect top-1 ${pct(t.top1, t.cases)} (${t.top1}/${t.cases}), top-3 ${pct(t.top3, t.cases)} (${t.top3}/${t.cases}); file level: top-1 ${pct(t.top1File, t.cases)}, top-3 ${pct(t.top3File, t.cases)}
fix rate (proven, PR opened): provable pattern cases ${pct(t.patternProvable.fixed, t.patternProvable.n)} (${t.patternProvable.fixed}/${t.patternProvable.n}); all pattern cases ${pct(t.patternAll.fixed, t.patternAll.n)} (${t.patternAll.fixed}/${t.patternAll.n}); all cases ${pct(t.all.fixed, t.all.n)} (${t.all.fixed}/${t.all.n})
winning fixer kind = expected: ${t.expectedKindWon}/${t.all.fixed} proven
parse-checked only (Go): a patch of the expected kind proposed for the expected file in ${t.parseOnly.proposedAtExpected}/${t.parseOnly.n}
time trace → PR: median ${secs(t.medianToPrMs)}, max ${secs(t.maxToPrMs)}; analyzeStack median ${t.medianAnalyzeMs.toFixed(0)} ms`);
  const failed = results.filter((r) => !r.proven && r.notes.length);
  if (failed.length) {
    console.log("\nwhy not fixed:");
    for (const r of failed) console.log(`- ${r.id}: ${r.notes.join("; ")}`);
  }
}

const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === "--case" && args[i + 1] ? [args[i + 1]!] : []));
const cases = loadCorpus(only);
const forge = await startCorpusForge();
const results: CaseResult[] = [];
const started = performance.now();
try {
  for (const c of cases) {
    const r = await runCase(c, forge);
    results.push(r);
    if (!args.includes("--json"))
      process.stderr.write(
        `${r.id}: top-1 ${yes(r.top1)}, ${r.pr ? `PR #${r.pr.number} by ${r.fixer}` : "no PR"} (${secs(r.traceToPrMs)})\n`,
      );
  }
} finally {
  await forge.dispose();
}
const totals = totalsOf(results, new Map(cases.map((c) => [c.id, c.expected.suspect.file])));
if (args.includes("--json")) console.log(JSON.stringify({ totals, results }, null, 2));
else {
  printTable(results, totals);
  console.log(`\nwall time ${secs(performance.now() - started)}`);
}
