import type { PlanGates } from "../common/plan.js";
import type { CoverageSummary, TestSummary } from "./summary.js";

/** Names of the quality gates, as stored and shown. */
export type GateName = "tests_pass_rate" | "coverage_min" | "coverage_drop_max";

/** Verdict of one gate, with a sentence a human can act on. */
export interface GateResult {
  gate: GateName;
  passed: boolean;
  /** Measured value (pass rate in [0, 1], coverage in percent, drop in points); absent when no data. */
  actual?: number;
  threshold: number;
  reason: string;
}

/** What a run measured, plus line coverage of the last run on the base branch. */
export interface GateInput {
  tests?: TestSummary;
  coverage?: CoverageSummary;
  baselineCoveragePct?: number;
}

/**
 * Evaluates the configured gates (unset ones are skipped). Missing data fails a gate, except a
 * coverage drop gate without a baseline, which passes. The pass rate is
 * passed / (passed + failed + errors); skipped and quarantined tests do not count and zero tests fail.
 */
export function evaluateGates(gates: PlanGates, input: GateInput): GateResult[] {
  const results: GateResult[] = [];
  if (gates.testsPassRate !== undefined) results.push(passRate(gates.testsPassRate, input.tests));
  if (gates.coverageMin !== undefined) results.push(coverageMin(gates.coverageMin, input.coverage));
  if (gates.coverageDropMax !== undefined) {
    results.push(coverageDrop(gates.coverageDropMax, input.coverage, input.baselineCoveragePct));
  }
  return results;
}

function passRate(threshold: number, tests: TestSummary | undefined): GateResult {
  const gate = "tests_pass_rate";
  if (tests === undefined) return { gate, passed: false, threshold, reason: "no test report was produced" };
  const ran = tests.passed + tests.failed + tests.errors;
  if (ran === 0) {
    const skipped = tests.skipped > 0 ? ` (${tests.skipped} skipped)` : "";
    return { gate, passed: false, threshold, reason: `no tests ran${skipped}` };
  }
  const actual = tests.passed / ran;
  const passed = actual >= threshold;
  const shown = `tests pass rate ${show(actual, 2, threshold)} (${tests.passed}/${ran})`;
  const reason = passed ? `${shown} meets ${fixed1(threshold)}` : `${shown} is below ${fixed1(threshold)}`;
  return { gate, passed, actual, threshold, reason };
}

function coverageMin(threshold: number, coverage: CoverageSummary | undefined): GateResult {
  const gate = "coverage_min";
  if (coverage === undefined || coverage.linesTotal === 0)
    return { gate, passed: false, threshold, reason: noCoverage(coverage) };
  const actual = coverage.pct;
  const passed = actual >= threshold;
  const shown = `line coverage ${show(actual, 1, threshold)}%`;
  const reason = passed ? `${shown} meets the minimum ${threshold}%` : `${shown} is below the minimum ${threshold}%`;
  return { gate, passed, actual, threshold, reason };
}

function coverageDrop(
  threshold: number,
  coverage: CoverageSummary | undefined,
  baseline: number | undefined,
): GateResult {
  const gate = "coverage_drop_max";
  if (coverage === undefined || coverage.linesTotal === 0)
    return { gate, passed: false, threshold, reason: noCoverage(coverage) };
  if (baseline === undefined) return { gate, passed: true, threshold, reason: "no baseline run yet" };
  // Rounded to 1e-9 so that 80 → 79.5 is a drop of exactly 0.5, not 0.5000000000000071.
  const actual = Math.round((baseline - coverage.pct) * 1e9) / 1e9;
  const passed = actual <= threshold;
  const change = `(${baseline.toFixed(1)}% → ${coverage.pct.toFixed(1)}%)`;
  const reason =
    actual <= 0
      ? `coverage did not drop ${change}`
      : `coverage dropped ${show(actual, 1, threshold)} points ${change}, ${passed ? "within" : "more than"} the allowed ${threshold}`;
  return { gate, passed, actual, threshold, reason };
}

function noCoverage(coverage: CoverageSummary | undefined): string {
  return coverage === undefined ? "no coverage report was produced" : "the coverage reports measured no lines";
}

/**
 * Formats `value` with at least `digits` decimals, adding more when rounding would hide which
 * side of `threshold` it is on (0.999 against 1.0 shows as 0.999, not 1.00).
 */
function show(value: number, digits: number, threshold: number): string {
  for (let d = digits; d <= 6; d++) {
    const s = value.toFixed(d);
    if (Math.sign(Number(s) - threshold) === Math.sign(value - threshold)) return s;
  }
  return String(value);
}

function fixed1(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
