import type { PrCheck } from "../store/index.js";

/** What a pull request must satisfy before the repair bot may merge it. */
export interface MergePolicy {
  /** Checks that must be `success` on the current head. */
  requiredChecks: string[];
  /** Name of the check that runs the reproduction test; when set it must exist and pass. */
  reproductionCheck?: string;
  /** Refuse merges that lower coverage below the base's. */
  coverageNotLower?: boolean;
  /** Require a human approval. */
  requireApproval?: boolean;
}

/** The facts the policy is evaluated on. */
export interface MergeFacts {
  checks: PrCheck[];
  coverage?: { base: number; head: number };
  approvedBy?: string;
}

/** The verdict: allowed only when `reasons` is empty. */
export interface MergeVerdict {
  allowed: boolean;
  reasons: string[];
}

/** Evaluates a merge policy; pure, every unmet rule gives one reason. */
export function evaluateMergePolicy(policy: MergePolicy, facts: MergeFacts): MergeVerdict {
  const reasons: string[] = [];
  const status = (name: string) => facts.checks.find((c) => c.name === name)?.status;
  for (const name of policy.requiredChecks) {
    const s = status(name);
    if (s !== "success") reasons.push(`required check '${name}' is ${s ?? "missing"}`);
  }
  if (policy.reproductionCheck && !policy.requiredChecks.includes(policy.reproductionCheck)) {
    const s = status(policy.reproductionCheck);
    if (s !== "success") reasons.push(`reproduction test '${policy.reproductionCheck}' is ${s ?? "missing"}`);
  }
  if (policy.coverageNotLower) {
    if (!facts.coverage) reasons.push("coverage of base and head is unknown");
    else if (facts.coverage.head < facts.coverage.base)
      reasons.push(`coverage drops from ${facts.coverage.base}% to ${facts.coverage.head}%`);
  }
  if (policy.requireApproval && !facts.approvedBy) reasons.push("no human approval");
  return { allowed: reasons.length === 0, reasons };
}
