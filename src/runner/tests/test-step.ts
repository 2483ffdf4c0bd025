/**
 * Runs the test files of a step with a `tests:` block, one framework process per file, in the
 * order the advice gives (most likely failures first under `prioritize`):
 *
 *   files ── `tests.files` globs in the workspace ─► advice (order, selection, flaky tests)
 *   per file: run ─► report read, rewritten to `.pitcrew/tests/<step>/` in the workspace's
 *                    `output` folder, out of the job's reach (collected with the job)
 *     no readable report ──► the file failed
 *     failed, every failing test known flaky or the file outside the change, reruns left
 *                                                               ──► run again (`rerun_flaky`);
 *       a rerun's pass of a test not known flaky that failed before is left out of the report
 *       (it would make the test flaky: one fail-and-pass on a commit is enough)
 *     still failing, `quarantine` and every failing test flaky ──► reported, does not fail the step
 *     failing ──► the step fails; `fail_fast` ──► stop, the files not run are listed
 *   cancelled or timed out (also while waiting for the advice) ──► stop at once
 *
 * One process per file gives an exact order, a clean stop for fail_fast, and V8 coverage per test
 * file; its cost is one framework start per file. With `framework: file` the step's own script
 * runs once with the ordered list in `${{ tests.file }}`.
 */
import { realpath } from "node:fs/promises";
import { join } from "node:path";
import type { PlanTests } from "../../common/plan.js";
import { TEST_REPORTS_DIR } from "../../pipeline/index.js";
import { clampedNote, matchWorkspaceFiles } from "../../reports/index.js";
import { type PyRunCoverage, testId } from "../../testintel/index.js";
import type { StepOutcome } from "../executor.js";
import type { Workspace } from "../workspace.js";
import { adviceWithin } from "./advice-within.js";
import type { TestAdvice, TestAdvisor } from "./test-advice.js";
import { PYTEST_COVERAGE_FILES, type PytestCoverage, PythonRuns, pytestCoverage } from "./pytest-coverage.js";
import { readTestReport, testFileScript } from "./test-command.js";
import { writeTestsOutput } from "./test-output.js";
import { addSuspect, type SuspectFailure } from "./suspect-failures.js";
import { createTestScratch, readJobReport, scratchIntact, type TestScratch } from "./test-scratch.js";
import { V8_FLUSH_FILE, type V8Flush, v8Flush } from "./v8-flush.js";

/** Most test files one step runs (a glob matching more is refused as a mistake). */
export const MAX_TEST_FILES = 5000;
/** Largest report of one test file that is read back. */
const MAX_REPORT_BYTES = 32 * 1024 * 1024;
/** Most measured files kept over all the coverage.py reports of one step (memory), summed over test files. */
export const MAX_PYCOV_ENTRIES = 2_000_000;

/** Everything a test step needs besides its plan. */
export interface TestStepInput {
  tests: PlanTests;
  /** The step's `run`: the framework command, or with `framework: file` the whole script. */
  run: string;
  stepIdx: number;
  workspace: Workspace;
  /** Absolute path of the directory the step's commands run in. */
  cwd: string;
  advise: TestAdvisor;
  /** Runs one script of this step with extra environment variables (output goes to the step's log). */
  exec(script: string, env: Record<string, string>): Promise<StepOutcome>;
  /** A line in the step's log from pitcrew. */
  say(line: string): void;
  /** The job's cancellation: also ends the wait for the advice. */
  signal?: AbortSignal;
  /** The step's time left (ms): also bounds the wait for the advice. */
  timeoutMs?: number;
  /**
   * Set for a run whose coverage may not be recorded (untrusted: a pull request, an unprotected
   * branch), saying what it is: `coverage: true` then neither sets `NODE_V8_COVERAGE` nor loads
   * the coverage.py plugin, and nothing the job wrote is read as coverage.
   */
  untrusted?: string;
}

/**
 * The coverage a step with `coverage: true` collected: its `NODE_V8_COVERAGE` directory, or what
 * each test file's pytest process ran under coverage.py and the test files run without a usable report.
 */
export type StepCoverage =
  | { kind: "v8"; dir: string }
  | { kind: "coverage.py"; runs: Map<string, PyRunCoverage>; unusable: string[] };

/**
 * How a test step ended: `reason` explains a failure (which files failed); `quarantined` lists the
 * ids of failures that did not fail it (quarantined, or passed on a rerun), for the pass-rate gate.
 */
export type TestStepOutcome = StepOutcome & {
  reason?: string;
  coverage?: StepCoverage;
  quarantined?: string[];
  /** Tests that failed while their file was outside the change (suspect: likely flaky), with why. */
  outsideChange?: SuspectFailure[];
};

/** Runs a test step (see the comment at the top of this file). */
export async function runTestStep(input: TestStepInput): Promise<TestStepOutcome> {
  const { tests, workspace: ws, stepIdx, say } = input;
  const found = await matchWorkspaceFiles(ws.dir, tests.files);
  // One name per line in ${{ tests.file }}: a name with a line break or other control character
  // (only a hostile branch has one) would read as several, so it is left out, and said.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is refused
  const unusable = (path: string) => /[\u0000-\u001f\u007f]/.test(path);
  const files = found.files.map((f) => f.path).filter((f) => !unusable(f));
  if (files.length < found.files.length)
    say(`tests: ${found.files.length - files.length} file(s) left out: their names contain control characters`);
  if (files.length > MAX_TEST_FILES) {
    say(`tests: ${files.length} files match ${tests.files.join(", ")}, over the limit of ${MAX_TEST_FILES}`);
    return failed(`${files.length} test files, over the limit of ${MAX_TEST_FILES}`);
  }
  if (files.length === 0) {
    say(`tests: no test file matches ${tests.files.join(", ")}`);
    return failed(`no test file matches ${tests.files.join(", ")}`);
  }
  const answer = await adviceWithin(
    input.advise({ step: stepIdx, mode: tests.select, testFiles: files, repoDir: ws.dir }),
    input.signal,
    input.timeoutMs,
  );
  if ("stopped" in answer) {
    say(`tests: ${answer.stopped.reason}`);
    return answer.stopped;
  }
  const advice = answer;
  say(`tests: ${advice.run.length} of ${files.length} file(s), ${advice.summary}`);
  for (const s of advice.skipped.slice(0, 50)) say(`tests: skipped ${s.file}: ${s.detail}`);
  if (advice.skipped.length > 50) say(`tests: … and ${advice.skipped.length - 50} more skipped`);
  // A map says which tests a later change may skip, and reading one parses what the job wrote:
  // an untrusted run collects none (one rule for V8 and coverage.py).
  const coverage = tests.coverage && input.untrusted === undefined;
  if (tests.coverage && !coverage)
    say(`tests: coverage not collected: ${input.untrusted} is untrusted, its coverage would not be recorded`);
  const python = coverage && tests.framework === "pytest";
  const v8 = coverage && !python;
  let scratch: TestScratch;
  try {
    // the preload or plugin is written before the job owns the folder (v8-flush.ts, pytest-coverage.ts)
    const extra = v8 ? [V8_FLUSH_FILE] : python ? PYTEST_COVERAGE_FILES : [];
    scratch = await createTestScratch(ws.tmp, stepIdx, advice.run, extra);
  } catch (err) {
    say(`tests: ${(err as Error).message}`);
    return failed((err as Error).message);
  }
  const coverageDir = v8 ? join(scratch.dir, "coverage") : undefined;
  let env: Record<string, string> = { PITCREW_TESTS_FILE: scratch.listFile };
  let flush: V8Flush | undefined;
  if (coverageDir) {
    env.NODE_V8_COVERAGE = coverageDir;
    try {
      // workers ended by SIGTERM (vitest's forks) write their coverage through this preload
      flush = v8Flush(scratch);
      env = { ...env, ...flush.env };
    } catch (err) {
      say(`tests: coverage of worker processes ended by a signal is not recorded: ${(err as Error).message}`);
    }
  }
  const repoDir = await realpath(ws.dir);
  let pycov: PytestCoverage | undefined;
  if (python) {
    try {
      pycov = pytestCoverage(scratch, repoDir);
      env = { ...env, ...pycov.env };
    } catch (err) {
      say(`tests: coverage.py not used, no dependency map recorded: ${(err as Error).message}`);
    }
  }
  const wrap = flush?.wrap ?? pycov?.wrap ?? ((script: string) => script);
  const exec = (script: string) => input.exec(wrap(script), env);
  const withV8 = async (o: TestStepOutcome): Promise<TestStepOutcome> => {
    if (!coverageDir) return o;
    // the job owns the folder: its coverage is read only from the folder pitcrew created
    if (await scratchIntact(scratch)) return { ...o, coverage: { kind: "v8", dir: coverageDir } };
    say("tests: the scratch folder was replaced by the job: its V8 coverage is not read");
    return o;
  };
  if (tests.framework === "file") return withV8(await exec(input.run));
  if (!pycov) return withV8(await runFiles(input, advice, scratch, exec));
  const cwd = await realpath(input.cwd).catch(() => input.cwd);
  const runs = new PythonRuns(scratch, pycov, repoDir, cwd, say, MAX_PYCOV_ENTRIES);
  const outcome = await runFiles(input, advice, scratch, exec, runs);
  return runs.size > 0 ? { ...outcome, coverage: { kind: "coverage.py", ...runs.finish() } } : outcome;
}

async function runFiles(
  input: TestStepInput,
  advice: TestAdvice,
  scratch: TestScratch,
  exec: (script: string) => Promise<StepOutcome>,
  python?: PythonRuns,
): Promise<TestStepOutcome> {
  const { tests, workspace: ws, say } = input;
  const framework = tests.framework === "file" ? "vitest" : tests.framework;
  const outDir = join(ws.output, TEST_REPORTS_DIR, String(input.stepIdx));
  const failedFiles: string[] = [];
  const quarantined: string[] = [];
  const excused = new Set<string>();
  const suspects: SuspectFailure[] = [];
  let last: StepOutcome | undefined;
  let ran = 0;
  for (const [i, file] of advice.run.entries()) {
    ran++;
    let failing: string[] = [];
    const failedBefore = new Set<string>();
    let ok = false;
    for (let attempt = 0; attempt <= tests.rerunFlaky; attempt++) {
      const reportName = `report-${i}-${attempt}`;
      const script = testFileScript({
        command: input.run,
        framework,
        file: join(ws.dir, file),
        cwd: input.cwd,
        reportPath: join(scratch.dir, reportName),
        failFast: tests.failFast,
        pluginArgs: python?.args(`pycov-${i}-${attempt}.json`),
      });
      last = await exec(script);
      if (last.cancelled || last.timedOut) return last;
      await python?.collect(`pycov-${i}-${attempt}.json`, file);
      const cases = await readReport(framework, scratch, reportName, file, say);
      // A rerun's pass of a test not known flaky that failed before (a rerun only because the file is
      // outside the change) is not stored: it would be a fail-and-pass on this commit, which alone
      // makes a test flaky, and a later real breakage of it quarantined. Its failure is stored.
      const stored = cases?.filter(
        (c) => c.status !== "passed" || !failedBefore.has(testId(c)) || advice.flaky.get(testId(c))?.flaky,
      );
      if (stored) await writeTestsOutput(outDir, `${i}-${attempt}.xml`, file, stored);
      failing = (cases ?? []).filter((c) => c.status === "failed" || c.status === "error").map(testId);
      // A file that leaves no readable report did not show its tests passed.
      ok = last.exitCode === 0 && cases !== undefined && failing.length === 0;
      if (ok) {
        if (attempt > 0) say(`tests: ${file} passed on rerun ${attempt}: flaky, not a failure of this change`);
        for (const id of failedBefore) excused.add(id);
        break;
      }
      for (const id of failing) failedBefore.add(id);
      const unknown = failing.filter((id) => !advice.flaky.get(id)?.flaky);
      const outside = advice.outsideChange?.get(file);
      if (attempt === 0 && outside !== undefined && failing.length > 0) {
        say(`tests: ${file}: suspect: outside the change (${outside}): ${failing.slice(0, 5).join(", ")}`);
        for (const id of failing) if (!addSuspect(suspects, { id, file, why: outside })) break;
      }
      if (attempt === tests.rerunFlaky) break;
      if (failing.length === 0 || (unknown.length > 0 && outside === undefined)) {
        if (tests.rerunFlaky > 0)
          say(
            `tests: ${file} not rerun: ${failing.length === 0 ? "the file failed without a failing test" : `${unknown.join(", ")} is not known flaky and the file is inside the change`}`,
          );
        break;
      }
      const why = failing
        .slice(0, 5)
        .map((id) =>
          advice.flaky.get(id)?.flaky
            ? `${id} is flaky (${advice.flaky.get(id)!.evidence})`
            : `${id} is suspect: outside the change`,
        );
      if (failing.length > 5) why.push(`and ${failing.length - 5} more`);
      say(`tests: rerunning ${file} (${attempt + 1} of ${tests.rerunFlaky}): ${why.join("; ")}`);
    }
    if (ok) continue;
    if (tests.quarantine && failing.length > 0 && failing.every((id) => advice.flaky.get(id)?.flaky)) {
      for (const id of failing.slice(0, 20))
        say(`tests: quarantined ${id} in ${file}: ${advice.flaky.get(id)!.evidence}`);
      if (failing.length > 20) say(`tests: quarantined ${failing.length - 20} more failing test(s) of ${file}`);
      for (const id of failedBefore) excused.add(id);
      quarantined.push(file);
      continue;
    }
    failedFiles.push(file);
    const notRun = advice.run.slice(i + 1);
    if (tests.failFast && notRun.length > 0) {
      say(`tests: fail_fast: stopped after ${file}; ${notRun.length} file(s) did not run: ${notRun.join(", ")}`);
      break;
    }
  }
  const notRun = advice.run.length - ran;
  const summary = `${ran - failedFiles.length} file(s) passed${quarantined.length ? ` (${quarantined.length} with quarantined flaky failures)` : ""}, ${failedFiles.length} failed${notRun ? `, ${notRun} not run` : ""}`;
  say(`tests: ${summary}`);
  const excusedIds = { quarantined: [...excused], ...(suspects.length > 0 && { outsideChange: suspects }) };
  if (failedFiles.length === 0) return { ...last!, exitCode: 0, signal: null, ...excusedIds };
  const shown = failedFiles.slice(0, 5).join(", ") + (failedFiles.length > 5 ? ", …" : "");
  return {
    ...last!,
    exitCode: last?.exitCode || 1,
    reason: `${failedFiles.length} test file(s) failed: ${shown}`,
    ...excusedIds,
  };
}

/** The cases of one run of `file`, or undefined (said in the log) when it left no readable report. */
async function readReport(
  framework: Exclude<PlanTests["framework"], "file">,
  scratch: TestScratch,
  name: string,
  file: string,
  say: (l: string) => void,
) {
  try {
    const data = await readJobReport(scratch, name, MAX_REPORT_BYTES);
    const cases = readTestReport(framework, data, file, `report of ${file}`);
    const clamped = clampedNote(cases);
    if (clamped) say(`tests: ${file}: ${clamped}`);
    return cases;
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === "ENOENT" ? "the framework wrote no report" : (err as Error).message;
    say(`tests: ${file}: ${why}`);
    return undefined;
  }
}

function failed(reason: string): TestStepOutcome {
  return { exitCode: 1, signal: null, timedOut: false, cancelled: false, durationMs: 0, reason };
}
