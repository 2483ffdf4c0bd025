/**
 * NAB benchmark: runs pitcrew's streaming detector and NAB's windowedGaussian baseline row by row
 * over the 58 series of `../shared/data/nab/` (data/, labels/combined_windows.json,
 * config/profiles.json, published_scores.json — read in place, never copied), writes NAB-format
 * results to bench/results/detect/<detector>/<category>/<detector>_<file>.csv, scores them with
 * our port of NAB's scorer (threshold optimised per profile) and prints them beside the published
 * scoreboard. The baseline's published 39.65 checks the scorer.
 * Usage: npx tsx bench/detect/run.ts [--files] [--published <NAB checkout>/results]
 *   --files       per-file standard-profile rows for our detector
 *   --published   also score NAB's own published results files found there (scorer conformance)
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createSeriesDetector } from "../../src/detect/anomaly/index.js";
import { type CostMatrix, type ProfileResult, probationLength, scoreDetector } from "../../src/detect/nab/index.js";
import { loadNabCorpus, type NabSeries } from "./nab-corpus.js";
import { readResults, writeResults } from "./results-csv.js";
import { WindowedGaussian } from "./windowed-gaussian.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NAB = resolve(ROOT, "../shared/data/nab");
const RESULTS = join(ROOT, "bench/results/detect");
const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);

/** A detector under test: a name and a per-series scorer that sees one row at a time. */
interface Candidate {
  name: string;
  run(series: NabSeries): number[];
}

const candidates: Candidate[] = [
  {
    // Memory M and warm-up = NAB's probationary period (15 % of the series, at most 750 rows):
    // exactly the data NAB lets every detector learn from before scoring begins.
    name: "pitcrew",
    run(series) {
      const m = probationLength(series.values.length);
      const d = createSeriesDetector({ window: m, warmup: m });
      return series.values.map((v, i) => d.update(series.timestamps[i]!, v).score);
    },
  },
  {
    // NAB's published results were written by Python 2's str(float): 12 significant digits, which
    // turns scores above 1 − 5e-13 into ties at 1.0. We round the same way to compare like with like.
    name: "windowedGaussian",
    run(series) {
      const d = new WindowedGaussian();
      return series.values.map((v) => Number(d.update(v).toPrecision(12)));
    },
  },
];

const corpus = loadNabCorpus(NAB);
const rows = corpus.reduce((n, s) => n + s.values.length, 0);
const profiles = readProfiles();
const published = JSON.parse(readFileSync(join(NAB, "published_scores.json"), "utf8")) as Record<
  string,
  Record<string, number>
>;
console.log(
  `NAB corpus: ${corpus.length} series, ${rows} rows, ${corpus.reduce((n, s) => n + s.windows.length, 0)} windows\n`,
);

const ours: Record<string, ProfileResult[]> = {};
for (const c of candidates) {
  const start = performance.now();
  for (const series of corpus) writeResults(RESULTS, c.name, series, c.run(series));
  const seconds = (performance.now() - start) / 1000;
  const files = readResults(RESULTS, c.name, corpus)!;
  ours[c.name] = scoreDetector(files, profiles);
  const rate = `${(corpus.length / seconds).toFixed(1)} series/s, ${Math.round(rows / seconds)} rows/s`;
  console.log(`${c.name.padEnd(17)} detect + write ${seconds.toFixed(1)} s (${rate})`);
}

const publishedDir = arg("--published");
if (publishedDir) {
  console.log("\nScorer conformance: NAB's published results files, re-scored by our port");
  for (const name of Object.keys(published)) {
    const files = readResults(publishedDir, name, corpus);
    if (!files) continue;
    const cells = scoreDetector(files, profiles).map(
      (r) => `${r.normalized.toFixed(2)} (pub ${published[name]![r.profile]!.toFixed(2)})`,
    );
    console.log(`  ${name.padEnd(18)} ${cells.join("  ")}`);
  }
}

console.log(`\n${"detector".padEnd(22)}${PROFILES.map((p) => p.padStart(20)).join("")}`);
const table: [string, number[]][] = Object.entries(published).map(([name, s]) => [name, PROFILES.map((p) => s[p]!)]);
for (const [name, results] of Object.entries(ours)) {
  table.push([`${name} (this run)`, PROFILES.map((p) => results.find((r) => r.profile === p)!.normalized)]);
}
for (const [name, s] of table.sort((a, b) => b[1][0]! - a[1][0]!)) {
  console.log(`${name.padEnd(22)}${s.map((x) => x.toFixed(2).padStart(20)).join("")}`);
}
const baseline = ours.windowedGaussian!.find((r) => r.profile === "standard")!.normalized;
console.log(
  `\nwindowedGaussian: ours ${baseline.toFixed(2)} vs published ${published.windowedGaussian!.standard!.toFixed(2)}`,
);
for (const r of ours.pitcrew!)
  console.log(`pitcrew ${r.profile}: threshold ${r.threshold.toFixed(4)}, raw ${r.raw.toFixed(2)}`);

if (process.argv.includes("--files")) {
  for (const f of ours.pitcrew!.find((r) => r.profile === "standard")!.files) {
    console.log(`  ${f.name.padEnd(60)} ${f.score.toFixed(2).padStart(6)}  tp=${f.tp} fp=${f.fp}`);
  }
}

function readProfiles(): Record<string, CostMatrix> {
  const json = JSON.parse(readFileSync(join(NAB, "config/profiles.json"), "utf8")) as Record<
    string,
    { CostMatrix: CostMatrix }
  >;
  return Object.fromEntries(PROFILES.map((p) => [p, json[p]!.CostMatrix]));
}
