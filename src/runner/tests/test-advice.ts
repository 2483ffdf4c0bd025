import type { SelectionMode } from "../../testintel/index.js";

/** What a test step needs to know from the project's history before it runs its test files. */
export interface TestAdvice {
  /** Test files to run (workspace-relative), in this order. */
  run: string[];
  /** Test files left out by the selection, each with the sentence saying why. */
  skipped: { file: string; detail: string }[];
  /** One line on how the order was made (shown in the step's log). */
  summary: string;
  /**
   * Tests with flaky evidence, by test id: `flaky` when the evidence passes the bar (a failure and
   * a pass on one commit, or repeated one-run blips), with the evidence sentence.
   */
  flaky: Map<string, { flaky: boolean; evidence: string }>;
  /**
   * Test files outside the change, with why: their known, current dependency data covers none of
   * the changed files (DeFlaker), so a failure of one of their tests is suspect (likely flaky) and
   * may be rerun like a known flaky one, but is not quarantined for it. Absent: none known.
   */
  outsideChange?: ReadonlyMap<string, string>;
  /** Expected run time of test files from the stored history (ms), where measured: what a skipped file saves. */
  expectedMs?: ReadonlyMap<string, number>;
}

/** Asks for the order (and selection) of a test step's files; injected by whoever runs the job. */
export type TestAdvisor = (request: {
  /** The index of the test step in its job. */
  step: number;
  mode: SelectionMode;
  testFiles: string[];
  repoDir: string;
}) => Promise<TestAdvice>;

/** The step loop's default where its caller gives no advisor: every file, in path order, nothing known flaky. */
export const pathOrderAdvisor: TestAdvisor = async ({ mode, testFiles }) => ({
  run: [...testFiles],
  skipped: [],
  summary: `path order${mode === "all" ? "" : ` (select: ${mode} needs the test history, which only the server has)`}`,
  flaky: new Map(),
});
