import type { FileCoverage } from "./file-coverage.js";
import type { TestCase } from "./junit.js";

/** Counts of test outcomes over one or more reports. */
export interface TestSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  /** Flaky failures reported without failing their job: counted here, not in `failed`/`errors`. */
  quarantined: number;
  /** Sum of the test cases' durations. */
  durationMs: number;
}

/** Line and branch coverage over all files of one or more reports. */
export interface CoverageSummary {
  linesTotal: number;
  linesCovered: number;
  /** Line coverage in percent, 0 when no lines were measured. */
  pct: number;
  branchesTotal: number;
  branchesCovered: number;
}

/** Counts test cases by outcome (a quarantined failure only as quarantined). */
export function summarizeTests(cases: readonly TestCase[]): TestSummary {
  const s: TestSummary = {
    total: cases.length,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: 0,
    quarantined: 0,
    durationMs: 0,
  };
  for (const c of cases) {
    if (c.quarantined && c.status !== "passed" && c.status !== "skipped") s.quarantined++;
    else if (c.status === "passed") s.passed++;
    else if (c.status === "failed") s.failed++;
    else if (c.status === "error") s.errors++;
    else s.skipped++;
    s.durationMs += c.durationMs;
  }
  return s;
}

/**
 * Merges file coverage from several reports into one entry per file. Only per-file counts
 * survive parsing, so a file reported twice (e.g. by unit and integration runs) keeps the
 * maximum of each count: never more than the true union, at least as much as either report.
 */
export function mergeFileCoverage(files: readonly FileCoverage[]): FileCoverage[] {
  const byFile = new Map<string, FileCoverage>();
  for (const f of files) {
    const prev = byFile.get(f.file);
    if (prev === undefined) {
      byFile.set(f.file, { ...f });
      continue;
    }
    const max = (a: number | undefined, b: number | undefined) =>
      a === undefined ? b : b === undefined ? a : Math.max(a, b);
    const merged: FileCoverage = {
      file: f.file,
      linesTotal: Math.max(prev.linesTotal, f.linesTotal),
      linesCovered: Math.max(prev.linesCovered, f.linesCovered),
      branchesTotal: Math.max(prev.branchesTotal, f.branchesTotal),
      branchesCovered: Math.max(prev.branchesCovered, f.branchesCovered),
    };
    const functionsTotal = max(prev.functionsTotal, f.functionsTotal);
    const functionsCovered = max(prev.functionsCovered, f.functionsCovered);
    byFile.set(f.file, functionsTotal === undefined ? merged : { ...merged, functionsTotal, functionsCovered });
  }
  return [...byFile.values()];
}

/** Totals coverage over files, merging duplicates with {@link mergeFileCoverage}. */
export function summarizeCoverage(files: readonly FileCoverage[]): CoverageSummary {
  const s = { linesTotal: 0, linesCovered: 0, pct: 0, branchesTotal: 0, branchesCovered: 0 };
  for (const f of mergeFileCoverage(files)) {
    s.linesTotal += f.linesTotal;
    s.linesCovered += Math.min(f.linesCovered, f.linesTotal);
    s.branchesTotal += f.branchesTotal;
    s.branchesCovered += Math.min(f.branchesCovered, f.branchesTotal);
  }
  s.pct = s.linesTotal === 0 ? 0 : (s.linesCovered / s.linesTotal) * 100;
  return s;
}
