/**
 * NAB benchmark: runs pitcrew's streaming detector and NAB's windowedGaussian baseline row by row
 * over NAB's 58 series, writes NAB-format results to
 * bench/results/detect/<detector>/<category>/<detector>_<file>.csv and scores them with our port
 * of NAB's scorer (threshold optimised per profile) and, given a NAB checkout, with NAB's own scorer.
 *
 * Detectors: `pitcrew` is the detector as shipped (what `pitcrew detect` and the server's anomaly
 * watch build with their defaults: nothing about the series' length); `pitcrewProbation` is handed
 * NAB's probationary length as `--window` and `--warmup`; windowedGaussian's published 39.65 checks
 * the scorer. A 2-fold cross-validation of the free settings (memory M × episode span) follows.
 *
 * Reads, in place (never copied into the project):
 *   PITCREW_NAB_DATA (default ../shared/data/nab): data/<category>/*.csv, labels/combined_windows.json,
 *     config/profiles.json, published_scores.json
 *   PITCREW_NAB_DIR (optional): a numenta/NAB checkout; its run.py and nab/*.py score our results
 *     files (run by PITCREW_NAB_PYTHON, default python3, which needs pandas), with its
 *     results/null/*_scores.csv as baseline; with --conformance our port also re-scores NAB's
 *     published results/<detector>/ files (several minutes).
 * Usage: npx tsx bench/detect/run.ts [--files] [--no-cv] [--conformance]
 */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import {
  createSeriesDetector,
  DEFAULT_REFRACTORY,
  DEFAULT_WINDOW,
  type SeriesDetectorOptions,
} from "../../src/detect/anomaly/index.js";
import {
  type CostMatrix,
  type ProfileResult,
  probationLength,
  type ScoredFile,
  scoreDetector,
} from "../../src/detect/nab/index.js";
import { crossValidate, type SettingRun } from "./cross-validation.js";
import { loadNabCorpus, type NabSeries } from "./nab-corpus.js";
import { scoreWithNab } from "./nab-scorer.js";
import { readResults, writeResults } from "./results-csv.js";
import { WindowedGaussian } from "./windowed-gaussian.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DATA = resolve(process.env.PITCREW_NAB_DATA ?? join(ROOT, "../shared/data/nab"));
const NAB_DIR = process.env.PITCREW_NAB_DIR ? resolve(process.env.PITCREW_NAB_DIR) : undefined;
const RESULTS = join(ROOT, "bench/results/detect");
const PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"] as const;
/** The free settings the cross-validation chooses from: round values around the defaults. */
const CV_WINDOWS = [720, 1440, 2880];
const CV_REFRACTORIES = [30, 60, 120];
/** The grid point that is the shipped default. */
const DEFAULTS_LABEL = `M=${DEFAULT_WINDOW} span=${DEFAULT_REFRACTORY}`;

/** A detector under test: a name and a per-series scorer that sees one row at a time. */
interface Candidate {
  name: string;
  run(series: NabSeries): number[];
}

/** Scores of pitcrew's detector built with `options` (a function of the series for NAB's rules). */
function pitcrew(series: NabSeries, options: SeriesDetectorOptions): number[] {
  const d = createSeriesDetector(options);
  return series.values.map((v, i) => d.update(series.timestamps[i]!, v).score);
}

const candidates: Candidate[] = [
  { name: "pitcrew", run: (series) => pitcrew(series, {}) },
  {
    // NAB's rules: memory and warm-up = the probationary period (15 % of the series, at most 750 rows)
    name: "pitcrewProbation",
    run(series) {
      const m = probationLength(series.values.length);
      return pitcrew(series, { window: m, warmup: m });
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

const corpus = loadNabCorpus(DATA);
const rows = corpus.reduce((n, s) => n + s.values.length, 0);
const profiles = readProfiles();
const published = JSON.parse(readFileSync(join(DATA, "published_scores.json"), "utf8")) as Record<
  string,
  Record<string, number>
>;
console.log(
  `NAB corpus (${DATA}): ${corpus.length} series, ${rows} rows, ${corpus.reduce((n, s) => n + s.windows.length, 0)} windows\n`,
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

if (NAB_DIR && process.argv.includes("--conformance")) {
  console.log("\nScorer conformance: NAB's published results files, re-scored by our port");
  for (const name of Object.keys(published)) {
    const files = readResults(join(NAB_DIR, "results"), name, corpus);
    if (!files) continue;
    const cells = scoreDetector(files, profiles).map(
      (r) => `${r.normalized.toFixed(2)} (pub ${published[name]![r.profile]!.toFixed(2)})`,
    );
    console.log(`  ${name.padEnd(18)} ${cells.join("  ")}`);
  }
}

console.log(`\n${"detector".padEnd(30)}${PROFILES.map((p) => p.padStart(20)).join("")}`);
const table: [string, number[]][] = Object.entries(published).map(([name, s]) => [name, PROFILES.map((p) => s[p]!)]);
for (const [name, results] of Object.entries(ours)) {
  table.push([`${name} (this run)`, PROFILES.map((p) => results.find((r) => r.profile === p)!.normalized)]);
}
for (const [name, s] of table.sort((a, b) => b[1][0]! - a[1][0]!)) {
  console.log(`${name.padEnd(30)}${s.map((x) => x.toFixed(2).padStart(20)).join("")}`);
}
const baseline = ours.windowedGaussian!.find((r) => r.profile === "standard")!.normalized;
console.log(
  `\nwindowedGaussian: ours ${baseline.toFixed(2)} vs published ${published.windowedGaussian!.standard!.toFixed(2)}`,
);
for (const name of ["pitcrew", "pitcrewProbation"]) {
  for (const r of ours[name]!)
    console.log(`${name} ${r.profile}: threshold ${r.threshold.toFixed(4)}, raw ${r.raw.toFixed(2)}`);
}

if (NAB_DIR) {
  const names = candidates.map((c) => c.name);
  const python = process.env.PITCREW_NAB_PYTHON ?? "python3";
  console.log(`\nNAB's own scorer (${NAB_DIR}/run.py --optimize --score --normalize, ${python}):`);
  const nab = scoreWithNab(NAB_DIR, RESULTS, names, join(tmpdir(), "pitcrew-nab-scorer"), python);
  for (const name of names) {
    const cells = PROFILES.map((p) => `${nab[name]![p]!.toFixed(2)} (port ${port(name, p).toFixed(2)})`);
    console.log(`  ${name.padEnd(18)} ${cells.join("  ")}`);
  }
}

if (!process.argv.includes("--no-cv")) {
  const cost = profiles.standard!;
  const runs: SettingRun[] = [];
  const start = performance.now();
  for (const window of CV_WINDOWS) {
    for (const refractory of CV_REFRACTORIES) {
      const files: ScoredFile[] = corpus.map((s) => ({ ...s, scores: pitcrew(s, { window, refractory }) }));
      runs.push({ label: `M=${window} span=${refractory}`, files });
    }
  }
  console.log(`\nStandard profile per setting (whole corpus; ${((performance.now() - start) / 1000).toFixed(0)} s):`);
  for (const r of runs)
    console.log(`  ${r.label.padEnd(20)} ${scoreDetector(r.files, { cost })[0]!.normalized.toFixed(2)}`);
  console.log("2-fold cross-validation (setting and threshold chosen on one half, scored on the other):");
  const folds = crossValidate(runs, cost);
  for (const f of folds) {
    const other = f.train === "A" ? "B" : "A";
    console.log(
      `  chosen on ${f.train}: ${f.chosen}, threshold ${f.threshold.toFixed(3)}; ${f.train} ${f.trainScore.toFixed(2)} → ${other} ${f.testScore.toFixed(2)}`,
    );
  }
  console.log(`  held-out mean ${((folds[0]!.testScore + folds[1]!.testScore) / 2).toFixed(2)}`);
  // the same with nothing to choose but the threshold: how much of the drop is the halves themselves
  const fixed = crossValidate([runs.find((r) => r.label === DEFAULTS_LABEL)!], cost);
  const cells = fixed.map(
    (f) => `${f.train} ${f.trainScore.toFixed(2)} → ${f.train === "A" ? "B" : "A"} ${f.testScore.toFixed(2)}`,
  );
  console.log(
    `  defaults, threshold only: ${cells.join("; ")}; held-out mean ${((fixed[0]!.testScore + fixed[1]!.testScore) / 2).toFixed(2)}`,
  );
}

if (process.argv.includes("--files")) {
  for (const f of ours.pitcrew!.find((r) => r.profile === "standard")!.files) {
    console.log(`  ${f.name.padEnd(60)} ${f.score.toFixed(2).padStart(6)}  tp=${f.tp} fp=${f.fp}`);
  }
}

/** Our port's normalised score of a candidate for a profile. */
function port(name: string, profile: string): number {
  return ours[name]!.find((r) => r.profile === profile)!.normalized;
}

function readProfiles(): Record<string, CostMatrix> {
  const json = JSON.parse(readFileSync(join(DATA, "config/profiles.json"), "utf8")) as Record<
    string,
    { CostMatrix: CostMatrix }
  >;
  return Object.fromEntries(PROFILES.map((p) => [p, json[p]!.CostMatrix]));
}
