import type { TestCase } from "../reports/index.js";
import { testId } from "./test-id.js";

/** What one test did in one run: its attempts folded into one outcome. */
export interface TestResult {
  /** Failed on its first attempt or on every attempt (a failure or an error in JUnit terms). */
  failed: boolean;
  /** Failed and passed in the same run (a retry on the same commit): the definition of a flaky test. */
  mixed: boolean;
  /** Mean duration of its attempts that ran, in ms. */
  durationMs: number;
}

/**
 * One past run of a test suite, the unit the history model learns from: the same shape whether
 * it comes from a JUnit file, a stored report or a row group of a CI-history CSV.
 */
export interface TestRun {
  /** Where the run came from (a file name, a run id, a commit): shown in evidence. */
  label: string;
  /** Results by test id; skipped tests are absent (they tell nothing about failing). */
  results: Map<string, TestResult>;
}

/** One outcome of one test: the least any source of history must give. */
export interface TestOutcome {
  id: string;
  status: TestCase["status"];
  durationMs: number;
}

/** {@link runFromOutcomes} for JUnit test cases (ids from {@link testId}). */
export function runFromCases(
  label: string,
  cases: readonly Pick<TestCase, "classname" | "name" | "status" | "durationMs">[],
): TestRun {
  return runFromOutcomes(
    label,
    cases.map((c) => ({ id: testId(c), status: c.status, durationMs: c.durationMs })),
  );
}

/**
 * Folds the outcomes of one run into results by test id. A test reported more than once (a
 * retry, or the same case in two reports) failed when any attempt failed, and is `mixed` when it
 * also passed; skipped outcomes are left out.
 */
export function runFromOutcomes(label: string, outcomes: readonly TestOutcome[]): TestRun {
  const acc = new Map<string, { fails: number; passes: number; totalMs: number }>();
  for (const c of outcomes) {
    if (c.status === "skipped") continue;
    const id = c.id;
    const a = acc.get(id) ?? { fails: 0, passes: 0, totalMs: 0 };
    if (c.status === "passed") a.passes++;
    else a.fails++;
    a.totalMs += c.durationMs;
    acc.set(id, a);
  }
  const results = new Map<string, TestResult>();
  for (const [id, a] of acc) {
    results.set(id, {
      failed: a.fails > 0,
      mixed: a.fails > 0 && a.passes > 0,
      durationMs: a.totalMs / (a.fails + a.passes),
    });
  }
  return { label, results };
}
