/**
 * `pitcrew import` on real CI files: every `*.yml` / `*.yaml` under the directory named by
 * PITCREW_IMPORT_CORPUS (GitHub Actions workflows and `.gitlab-ci.yml` files of public
 * repositories; bench/README.md says which). For each file: converted with no error, and the
 * converted pipeline lints with no error. Baseline, same run: the unconverted file linted as a
 * pitcrew pipeline (what a team got before `pitcrew import`).
 * Usage: PITCREW_IMPORT_CORPUS=dir npm run bench:import   (writes bench/import/RESULTS.md)
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { hasErrors } from "../../src/common/diagnostics.js";
import { lintPipeline } from "../../src/pipeline/index.js";
import { importPipeline } from "../../src/pipeline/import/import-pipeline.js";

const dir = process.env.PITCREW_IMPORT_CORPUS;
if (!dir) {
  console.error("set PITCREW_IMPORT_CORPUS to a directory of workflow files (see bench/README.md)");
  process.exit(2);
}
const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

interface Row {
  file: string;
  format: string;
  converted: boolean;
  lintClean: boolean;
  warnings: number;
  lintErrors: string[];
  lintWarnings: number;
  baselineErrors: number;
  ms: number;
}
const rows: Row[] = [];
const codes = new Map<string, number>();
for (const file of files) {
  const text = readFileSync(join(dir, file), "utf8");
  const baseline = lintPipeline(text, { file }).filter((d) => d.severity === "error").length;
  const start = performance.now();
  const result = importPipeline(text, { file });
  const ms = performance.now() - start;
  for (const d of result.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
  const converted = result.pipeline !== undefined && !hasErrors(result.diagnostics);
  rows.push({
    file,
    format: result.format ?? "?",
    converted,
    lintClean: converted && !hasErrors(result.lint),
    warnings: result.diagnostics.filter((d) => d.severity === "warning").length,
    lintErrors: result.lint.filter((d) => d.severity === "error").map((d) => `${d.line}:${d.column} ${d.code}`),
    lintWarnings: result.lint.filter((d) => d.severity === "warning").length,
    baselineErrors: baseline,
    ms,
  });
}

const pct = (n: number) => `${((100 * n) / rows.length).toFixed(1)} %`;
const count = (f: (r: Row) => boolean) => rows.filter(f).length;
const byFormat = (format: string) => rows.filter((r) => r.format === format);
const summary = [
  `files: ${rows.length} (GitHub Actions ${byFormat("github-actions").length}, GitLab CI ${byFormat("gitlab-ci").length})`,
  `converted with no error: ${count((r) => r.converted)}/${rows.length} = ${pct(count((r) => r.converted))}`,
  `converted pipeline lints clean (no error): ${count((r) => r.lintClean)}/${rows.length} = ${pct(count((r) => r.lintClean))}`,
  `converted with nothing left to review (no import warning): ${count((r) => r.converted && r.warnings === 0)}/${rows.length}; lint warnings in converted pipelines: ${rows.reduce((n, r) => n + r.lintWarnings, 0)} in ${count((r) => r.lintWarnings > 0)} files`,
  `baseline, the file linted unconverted: ${count((r) => r.baselineErrors === 0)}/${rows.length} lint clean, ${(rows.reduce((n, r) => n + r.baselineErrors, 0) / rows.length).toFixed(1)} errors per file`,
  `warnings (constructs kept as comments or notes) per file: ${(rows.reduce((n, r) => n + r.warnings, 0) / rows.length).toFixed(1)}; by code: ${[
    ...codes,
  ]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(", ")}`,
  `median time per file: ${rows
    .map((r) => r.ms)
    .sort((a, b) => a - b)
    [Math.floor(rows.length / 2)]?.toFixed(2)} ms`,
];
console.log(summary.join("\n"));
const table = rows.map(
  (r) =>
    `| ${r.file} | ${r.format} | ${r.converted ? "yes" : "**no**"} | ${r.lintClean ? "yes" : `**no** (${r.lintErrors.join(", ")})`} | ${r.warnings} | ${r.baselineErrors} |`,
);
writeFileSync(
  join(import.meta.dirname, "RESULTS.md"),
  [
    "# pitcrew import on real CI files",
    "",
    `Run on ${new Date().toISOString().slice(0, 10)}, corpus: see bench/README.md ("Import").`,
    "",
    ...summary.map((s) => `- ${s}`),
    "",
    "| file | format | converted, no error | lints clean | warnings | baseline lint errors |",
    "| --- | --- | --- | --- | --- | --- |",
    ...table,
    "",
  ].join("\n"),
);
