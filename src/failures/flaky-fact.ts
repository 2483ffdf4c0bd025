/**
 * The `flaky` class from facts outside the log. (1) The engine's: the same job passed on the same
 * commit in another run (before this failure, or in a re-run after it). The code did not change, so a failure the text
 * calls a test failure, a timeout or nothing specific depends on something else than the change:
 * it is `flaky` (confidence 0.75: a shared resource or the clock may be at fault, which a person
 * would still call flaky). A failure the text ties to a cause outside the code — infrastructure,
 * a dependency download, memory, configuration — keeps that class; the pass is added as evidence.
 * (2) Test intelligence's: every failed test of the job is flaky by its stored history (fail and
 * pass on one commit, or isolated one-run failures; src/testintel/flakiness.ts) — `flaky` with
 * confidence 0.6, below a pass of this very commit, since a flaky test can also fail for real.
 */
import type { FailureCategory } from "./category.js";
import type { FailureClassification } from "./explanation.js";

/** Classes a pass on the same commit turns into `flaky`. */
const BECOMES_FLAKY: readonly FailureCategory[] = ["test", "timeout", "unknown", "flaky"];
/** Confidence of `flaky` from a pass on the same commit. */
const FLAKY_CONFIDENCE = 0.75;
/** Confidence of `flaky` when every failed test is flaky by its history. */
const FLAKY_TESTS_CONFIDENCE = 0.6;

/** A failed test of the job that test intelligence calls flaky, with its evidence in a few words. */
export interface FlakyFailedTest {
  id: string;
  /** e.g. `failed and passed in 2 runs, 3 one-run blips in 40 runs`. */
  evidence: string;
}

/** The classification once the same job is known to have passed on the same commit in `passedRunId`. */
export function withSameCommitPass<T extends FailureClassification>(c: T, passedRunId: number): T {
  return becomeFlaky(c, `engine: passed on the same commit in run ${passedRunId}`, FLAKY_CONFIDENCE);
}

/**
 * The classification once test intelligence calls flaky every one of the job's `failedTests`
 * (`flaky`, at least one); unchanged when some failed test is not in `flaky`.
 */
export function withFlakyTests<T extends FailureClassification>(
  c: T,
  failedTests: readonly string[],
  flaky: readonly FlakyFailedTest[],
): T {
  if (failedTests.length === 0) return c;
  const known = new Map(flaky.map((f) => [f.id, f]));
  if (!failedTests.every((t) => known.has(t))) return c;
  const shown = failedTests.slice(0, 3).map((t) => `${t} (${known.get(t)!.evidence})`);
  const more = failedTests.length > 3 ? ` and ${failedTests.length - 3} more` : "";
  return becomeFlaky(c, `test intelligence: flaky by its history: ${shown.join(", ")}${more}`, FLAKY_TESTS_CONFIDENCE);
}

/** Adds `rule` as evidence and turns a class that a flake explains into `flaky` with `confidence`. */
function becomeFlaky<T extends FailureClassification>(c: T, rule: string, confidence: number): T {
  if (c.evidence.some((e) => e.rule === rule)) return c;
  const evidence = [...c.evidence, { line: 0, rule, weight: confidence }];
  if (!BECOMES_FLAKY.includes(c.category)) return { ...c, evidence };
  if (c.category === "flaky" && c.confidence >= confidence) return { ...c, evidence };
  return {
    ...c,
    category: "flaky",
    confidence,
    votes: { ...c.votes, flaky: confidence },
    evidence,
  };
}
