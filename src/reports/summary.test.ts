import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCoverage } from "./coverage.js";
import { parseJUnit } from "./junit.js";
import { mergeFileCoverage, summarizeCoverage, summarizeTests } from "./summary.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("summarizeTests", () => {
  it("counts outcomes and durations of real reports", () => {
    const cases = [...parseJUnit(fixture("pytest.xml")).cases, ...parseJUnit(fixture("go-junit-report.xml")).cases];
    expect(summarizeTests(cases)).toEqual({
      total: 9,
      passed: 4,
      failed: 2,
      errors: 1,
      skipped: 2,
      quarantined: 0,
      durationMs: 422,
    });
    expect(summarizeTests([])).toEqual({
      total: 0,
      passed: 0,
      failed: 0,
      errors: 0,
      skipped: 0,
      quarantined: 0,
      durationMs: 0,
    });
  });

  it("counts a quarantined failure only as quarantined, so the pass-rate gate leaves it out", () => {
    const c = { suite: "s", classname: "k", durationMs: 1 };
    const summary = summarizeTests([
      { ...c, name: "a", status: "passed" },
      { ...c, name: "b", status: "failed", quarantined: true },
      { ...c, name: "c", status: "error", quarantined: true },
      { ...c, name: "d", status: "failed" },
    ]);
    expect(summary).toMatchObject({ total: 4, passed: 1, failed: 1, errors: 0, quarantined: 2 });
  });
});

describe("summarizeCoverage", () => {
  it("totals lines and branches over files", () => {
    const files = parseCoverage(fixture("c8-lcov.info"));
    expect(summarizeCoverage(files)).toEqual({
      linesTotal: 15,
      linesCovered: 12,
      pct: 80,
      branchesTotal: 6,
      branchesCovered: 3,
    });
    expect(summarizeCoverage([]).pct).toBe(0);
  });

  it("merges a file reported twice by keeping the maximum of each count", () => {
    const unit = { file: "a.ts", linesTotal: 10, linesCovered: 4, branchesTotal: 2, branchesCovered: 2 };
    const integration = {
      file: "a.ts",
      linesTotal: 10,
      linesCovered: 7,
      branchesTotal: 4,
      branchesCovered: 1,
      functionsTotal: 3,
      functionsCovered: 1,
    };
    const other = { file: "b.ts", linesTotal: 10, linesCovered: 10, branchesTotal: 0, branchesCovered: 0 };
    expect(mergeFileCoverage([unit, integration, other])).toEqual([
      {
        file: "a.ts",
        linesTotal: 10,
        linesCovered: 7,
        branchesTotal: 4,
        branchesCovered: 2,
        functionsTotal: 3,
        functionsCovered: 1,
      },
      other,
    ]);
    expect(summarizeCoverage([unit, integration, other])).toMatchObject({ linesTotal: 20, linesCovered: 17, pct: 85 });
  });
});
