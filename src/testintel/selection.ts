/**
 * The contract between change-based test selection (which tests a change can break) and the
 * runner that passes a selection to a test framework. The unit is what the framework can run:
 * a test file path relative to the repository root (vitest, jest, node:test, pytest files).
 */
import type { PyRunCoverage } from "./deps/py-coverage.js";

/** How a pipeline uses test intelligence: `all` runs everything in file order (the default). */
export type SelectionMode = "all" | "prioritize" | "select";

/** Why one test file was selected or skipped; `detail` is the human sentence shown to users. */
export interface SelectionDecision {
  /** Test file path relative to the repository root, `/`-separated. */
  file: string;
  selected: boolean;
  /** Stable machine-readable reason code, e.g. `dependency-changed`, `new-test`, `no-dependency-data`, `failed-recently`, `co-failure`, `unaffected`. */
  reason: string;
  /** One sentence naming the evidence (the changed file it depends on, the run it failed in…). */
  detail: string;
  /** Predicted chance of failing for this change, when known (orders the selection). */
  probability?: number;
  /**
   * Set when the file's dependency data is known and current and none of the files it covers
   * changed (judged on the change, not in a full run): why, e.g. `none of its 4 known direct or
   * recorded dependencies changed (import graph)`. A failure of such a file is suspect: outside
   * the change (DeFlaker), likely flaky. Absent: inside the change, or unknown.
   */
  outsideChange?: string;
}

/** What to select for: one change of one project. */
export interface SelectionRequest {
  project: string;
  /** Absolute path of the checked-out repository at the run's commit. */
  repoDir: string;
  /**
   * The git repository git commands run in instead of `repoDir`, holding `commit` and the base: the
   * server's own mirror when `repoDir` is a job's workspace, whose `.git` the job's steps could have
   * changed (git runs what its config names, e.g. `core.fsmonitor`). The file list is then the
   * commit's tree.
   */
  gitDir?: string;
  /** The run's commit. */
  commit: string;
  /** Base to diff against (PR base or the branch's last green commit); absent = select everything. */
  baseCommit?: string;
  /** Every test file the framework would run, relative to `repoDir`. */
  testFiles: readonly string[];
  mode: SelectionMode;
  /**
   * When the selection must end (epoch ms, `Date.now()`): every git call it makes is killed then
   * and its work stops with an error (the caller falls back on its own). Absent: no limit.
   */
  deadline?: number;
}

/** The answer: the files to run in order, the decision for every file, and a full-run reason if any. */
export interface TestSelection {
  /** Test files to run, most likely to fail first (every file in `all`/`prioritize` mode). */
  run: string[];
  /** One decision per file of the request, selected or not. */
  decisions: SelectionDecision[];
  /** Set when everything runs regardless of the change (config, lock-file or build-file change, no base, scheduled full run). */
  fullRunReason?: string;
}

/** Chooses the test files a change must run. Implemented by the selection engine; used by the runner. */
export interface TestSelector {
  select(request: SelectionRequest): Promise<TestSelection>;
}

/**
 * Stores which source files each test file exercised: from a V8 coverage directory
 * (`NODE_V8_COVERAGE`), or from the coverage.py reports of a pytest step (one per test file).
 */
export interface TestDependencyRecorder {
  recordV8Coverage(input: {
    project: string;
    commit: string;
    repoDir: string;
    coverageDir: string;
    /** The test files that ran, relative to `repoDir`; by default, scripts named like tests (`*.test.*`, `test_*.py`…). */
    testFiles?: readonly string[];
  }): Promise<{
    testFiles: number;
    /** Coverage files not used, with why. */
    skipped?: string[];
  }>;
  /**
   * Stores a map already reduced from coverage elsewhere (a `pitcrew agent`'s, checked by the
   * server): test file → repository files it executed, at `commit`, as `recordV8Coverage` does.
   */
  recordV8Map(input: {
    project: string;
    commit: string;
    tests: ReadonlyMap<string, readonly string[]>;
  }): Promise<{ testFiles: number }>;
  recordPythonCoverage(input: {
    project: string;
    commit: string;
    /** What each test file's pytest process ran (see `readPyCoverageJson`), by repository-relative test file. */
    runs: ReadonlyMap<string, PyRunCoverage>;
    /** Test files that ran without a usable report: their stored maps are deleted (they run until measured again). */
    unusable: readonly string[];
  }): Promise<{ testFiles: number; forgotten: number }>;
}
