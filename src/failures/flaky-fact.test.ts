import { describe, expect, it } from "vitest";
import type { FailureClassification } from "./explanation.js";
import { withFlakyTests, withSameCommitPass } from "./flaky-fact.js";

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

describe("withFlakyTests", () => {
  const flaky = [{ id: "a.one", evidence: "failed and passed in 1 run(s), 2 one-run failure(s) in 40 runs" }];

  it("turns a test failure flaky when every failed test is flaky, naming them", () => {
    const c = withFlakyTests(of("test"), ["a.one"], flaky);
    expect(c).toMatchObject({ category: "flaky", confidence: 0.6 });
    expect(c.evidence.at(-1)!.rule).toBe(
      "test intelligence: flaky by its history: a.one (failed and passed in 1 run(s), 2 one-run failure(s) in 40 runs)",
    );
  });

  it("leaves it alone when one failed test is not flaky, or no test failed", () => {
    expect(withFlakyTests(of("test"), ["a.one", "b.two"], flaky).category).toBe("test");
    expect(withFlakyTests(of("test"), [], flaky).category).toBe("test");
  });

  it("lets a pass on the same commit raise the confidence, and keeps a compile error", () => {
    expect(withSameCommitPass(withFlakyTests(of("test"), ["a.one"], flaky), 7).confidence).toBe(0.75);
    expect(withFlakyTests(of("compile"), ["a.one"], flaky).category).toBe("compile");
  });
});
