/**
 * The `flaky` class from the engine's facts: the same job passed on the same commit in another run
 * (before this failure, or in a re-run after it). The code did not change, so a failure the text
 * calls a test failure, a timeout or nothing specific depends on something else than the change:
 * it is `flaky` (confidence 0.75: a shared resource or the clock may be at fault, which a person
 * would still call flaky). A failure the text ties to a cause outside the code — infrastructure,
 * a dependency download, memory, configuration — keeps that class; the pass is added as evidence.
 */
import type { FailureCategory } from "./category.js";
import type { FailureClassification } from "./explanation.js";

/** Classes a pass on the same commit turns into `flaky`. */
const BECOMES_FLAKY: readonly FailureCategory[] = ["test", "timeout", "unknown", "flaky"];
/** Confidence of `flaky` from a pass on the same commit. */
const FLAKY_CONFIDENCE = 0.75;

/** The classification once the same job is known to have passed on the same commit in `passedRunId`. */
export function withSameCommitPass<T extends FailureClassification>(c: T, passedRunId: number): T {
  const rule = `engine: passed on the same commit in run ${passedRunId}`;
  if (c.evidence.some((e) => e.rule === rule)) return c;
  const evidence = [...c.evidence, { line: 0, rule, weight: FLAKY_CONFIDENCE }];
  if (!BECOMES_FLAKY.includes(c.category)) return { ...c, evidence };
  return {
    ...c,
    category: "flaky",
    confidence: FLAKY_CONFIDENCE,
    votes: { ...c.votes, flaky: FLAKY_CONFIDENCE },
    evidence,
  };
}
