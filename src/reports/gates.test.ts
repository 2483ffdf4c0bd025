import { describe, expect, it } from "vitest";
import { evaluateGates } from "./gates.js";
import type { CoverageSummary, TestSummary } from "./summary.js";

const tests = (passed: number, failed = 0, errors = 0, skipped = 0): TestSummary => ({
  total: passed + failed + errors + skipped,
  passed,
  failed,
  errors,
  skipped,
  quarantined: 0,
  durationMs: 0,
});
const coverage = (linesCovered: number, linesTotal = 1000): CoverageSummary => ({
  linesTotal,
  linesCovered,
  pct: linesTotal ? (linesCovered / linesTotal) * 100 : 0,
  branchesTotal: 0,
  branchesCovered: 0,
});

describe("evaluateGates", () => {
  it("evaluates only the configured gates", () => {
    expect(evaluateGates({}, { tests: tests(1) })).toEqual([]);
    expect(evaluateGates({ coverageMin: 50 }, {}).map((r) => r.gate)).toEqual(["coverage_min"]);
  });

  it("computes the pass rate over passed, failed and errors, ignoring skipped", () => {
    const [r] = evaluateGates({ testsPassRate: 1 }, { tests: tests(97, 2, 1, 40) });
    expect(r).toEqual({
      gate: "tests_pass_rate",
      passed: false,
      actual: 0.97,
      threshold: 1,
      reason: "tests pass rate 0.97 (97/100) is below 1.0",
    });
    const [ok] = evaluateGates({ testsPassRate: 0.95 }, { tests: tests(97, 3, 0, 5) });
    expect(ok).toMatchObject({ passed: true, reason: "tests pass rate 0.97 (97/100) meets 0.95" });
  });

  it("never prints a failing rate as if it met the threshold", () => {
    const [r] = evaluateGates({ testsPassRate: 1 }, { tests: tests(999, 1) });
    expect(r!.reason).toBe("tests pass rate 0.999 (999/1000) is below 1.0");
  });

  it("fails without tests or a report", () => {
    expect(evaluateGates({ testsPassRate: 0.9 }, {})[0]).toEqual({
      gate: "tests_pass_rate",
      passed: false,
      threshold: 0.9,
      reason: "no test report was produced",
    });
    expect(evaluateGates({ testsPassRate: 0.9 }, { tests: tests(0, 0, 0, 3) })[0]).toMatchObject({
      passed: false,
      reason: "no tests ran (3 skipped)",
    });
  });

  it("checks minimum line coverage", () => {
    expect(evaluateGates({ coverageMin: 80 }, { coverage: coverage(784) })[0]).toEqual({
      gate: "coverage_min",
      passed: false,
      actual: 78.4,
      threshold: 80,
      reason: "line coverage 78.4% is below the minimum 80%",
    });
    expect(evaluateGates({ coverageMin: 80 }, { coverage: coverage(800) })[0]).toMatchObject({
      passed: true,
      reason: "line coverage 80.0% meets the minimum 80%",
    });
    expect(evaluateGates({ coverageMin: 80 }, { coverage: coverage(7999, 10000) })[0]!.reason).toBe(
      "line coverage 79.99% is below the minimum 80%",
    );
    expect(evaluateGates({ coverageMin: 80 }, {})[0]).toMatchObject({
      passed: false,
      reason: "no coverage report was produced",
    });
    expect(evaluateGates({ coverageMin: 0 }, { coverage: coverage(0, 0) })[0]).toMatchObject({
      passed: false,
      reason: "the coverage reports measured no lines",
    });
  });

  it("checks the coverage drop against the baseline", () => {
    expect(evaluateGates({ coverageDropMax: 0.5 }, { coverage: coverage(788), baselineCoveragePct: 80 })[0]).toEqual({
      gate: "coverage_drop_max",
      passed: false,
      actual: 1.2,
      threshold: 0.5,
      reason: "coverage dropped 1.2 points (80.0% → 78.8%), more than the allowed 0.5",
    });
    expect(
      evaluateGates({ coverageDropMax: 0.5 }, { coverage: coverage(795), baselineCoveragePct: 80 })[0],
    ).toMatchObject({
      passed: true,
      actual: 0.5,
      reason: "coverage dropped 0.5 points (80.0% → 79.5%), within the allowed 0.5",
    });
    expect(
      evaluateGates({ coverageDropMax: 0 }, { coverage: coverage(810), baselineCoveragePct: 80 })[0],
    ).toMatchObject({
      passed: true,
      reason: "coverage did not drop (80.0% → 81.0%)",
    });
  });

  it("passes the drop gate without a baseline, but not without coverage", () => {
    expect(evaluateGates({ coverageDropMax: 1 }, { coverage: coverage(500) })[0]).toEqual({
      gate: "coverage_drop_max",
      passed: true,
      threshold: 1,
      reason: "no baseline run yet",
    });
    expect(evaluateGates({ coverageDropMax: 1 }, { baselineCoveragePct: 80 })[0]).toMatchObject({
      passed: false,
      reason: "no coverage report was produced",
    });
  });
});
