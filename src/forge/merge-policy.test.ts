import { describe, expect, it } from "vitest";
import type { PrCheck } from "../store/repositories/pull-requests-repo.js";
import { evaluateMergePolicy } from "./merge-policy.js";

const check = (name: string, status: PrCheck["status"]): PrCheck => ({
  name,
  status,
  headSha: "abc",
  url: null,
  summary: null,
  updatedAt: 0,
});

describe("evaluateMergePolicy", () => {
  it("allows when every rule holds", () => {
    const v = evaluateMergePolicy(
      { requiredChecks: ["pitcrew/ci"], reproductionCheck: "repro", coverageNotLower: true, requireApproval: true },
      {
        checks: [check("pitcrew/ci", "success"), check("repro", "success")],
        coverage: { base: 80, head: 80.5 },
        approvedBy: "alice",
      },
    );
    expect(v).toEqual({ allowed: true, reasons: [] });
  });

  it("gives one reason per unmet rule", () => {
    const v = evaluateMergePolicy(
      {
        requiredChecks: ["pitcrew/ci", "lint"],
        reproductionCheck: "repro",
        coverageNotLower: true,
        requireApproval: true,
      },
      { checks: [check("pitcrew/ci", "pending"), check("repro", "failure")], coverage: { base: 80, head: 79 } },
    );
    expect(v.allowed).toBe(false);
    expect(v.reasons).toEqual([
      "required check 'pitcrew/ci' is pending",
      "required check 'lint' is missing",
      "reproduction test 'repro' is failure",
      "coverage drops from 80% to 79%",
      "no human approval",
    ]);
  });

  it("treats unknown coverage as unmet only when the rule is on", () => {
    expect(evaluateMergePolicy({ requiredChecks: [] }, { checks: [] }).allowed).toBe(true);
    expect(evaluateMergePolicy({ requiredChecks: [], coverageNotLower: true }, { checks: [] }).reasons).toEqual([
      "coverage of base and head is unknown",
    ]);
  });
});
