import { describe, expect, it } from "vitest";
import type { FailureClassification } from "./explanation.js";
import { withSameCommitPass } from "./flaky-fact.js";

const of = (category: FailureClassification["category"]): FailureClassification => ({
  category,
  confidence: 0.9,
  votes: { [category]: 3 },
  evidence: [{ line: 4, rule: "some-rule", weight: 3 }],
});

describe("withSameCommitPass", () => {
  it("turns a test failure flaky, with the pass as evidence, once", () => {
    const flaky = withSameCommitPass(of("test"), 12);
    expect(flaky).toMatchObject({ category: "flaky", confidence: 0.75, votes: { test: 3, flaky: 0.75 } });
    expect(flaky.evidence.at(-1)).toEqual({
      line: 0,
      rule: "engine: passed on the same commit in run 12",
      weight: 0.75,
    });
    expect(withSameCommitPass(flaky, 12)).toBe(flaky);
  });

  it("keeps a cause outside the code, adding the pass as evidence", () => {
    const infra = withSameCommitPass(of("infrastructure"), 3);
    expect(infra.category).toBe("infrastructure");
    expect(infra.confidence).toBe(0.9);
    expect(infra.evidence).toHaveLength(2);
  });
});
