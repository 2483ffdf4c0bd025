import { describe, expect, it } from "vitest";
import type { AnalysisResult, AnalysisSpec, CheckResult } from "./analysis.js";
import { passedOnItsOwn } from "./passed-on-its-own.js";

const spec = (judge: AnalysisSpec["judge"] = true): AnalysisSpec => ({
  checks: [],
  judge,
  intervalMs: 1_000,
  count: 3,
  failureLimit: 1,
  inconclusiveLimit: 3,
});
const check = (name: string, status: CheckResult["status"]): CheckResult => ({ name, status, explanation: name });
const result = (verdict: AnalysisResult["verdict"], ...results: CheckResult[]): AnalysisResult => ({
  verdict,
  explanation: verdict,
  measurements: [
    { at: 1, status: "inconclusive", results: [] },
    { at: 2, status: verdict === "pass" ? "pass" : "inconclusive", results },
  ],
});
const judged = [check("judge-latency", "pass"), check("judge-errors", "pass")];

describe("passedOnItsOwn", () => {
  it("holds for a pass whose last measurement has the judge passing on its default minimum of requests", () => {
    expect(passedOnItsOwn(spec(), result("pass", ...judged))).toBe(true);
    expect(passedOnItsOwn(spec({ minSamples: 200 }), result("pass", ...judged))).toBe(true);
  });

  it("does not hold for an inconclusive analysis (promoted by hand), a lowered minSamples, or no judge", () => {
    expect(passedOnItsOwn(spec(), result("inconclusive", check("judge-latency", "inconclusive")))).toBe(false);
    expect(passedOnItsOwn(spec({ minSamples: 2 }), result("pass", ...judged))).toBe(false);
    expect(passedOnItsOwn(spec(false), result("pass"))).toBe(false);
    // a pass on thresholds only (no baseline to judge against)
    expect(passedOnItsOwn(spec(), result("pass", check("errors", "pass")))).toBe(false);
  });
});
