/**
 * The Plan: the intermediate representation a compiled pipeline becomes, and the only thing
 * the runner executes (DESIGN.md §4). Everything static (matrix expansion, needs resolution,
 * trigger filters, defaults) is resolved at compile time; what depends on run-time outcome
 * (`if:` over needs' status) is kept as an expression source string evaluated by the runner.
 */

/** Events that can start a pipeline run. */
export type TriggerEvent = "push" | "pull_request" | "manual" | "cron";

/** What started a run: the input to compilation (trigger filters and static conditions). */
export interface TriggerContext {
  event: TriggerEvent;
  /** Branch name the run builds (for pull_request: the head branch). */
  branch: string;
  /** Full commit SHA being built. */
  commit: string;
  /** For pull_request: the base branch. */
  baseBranch?: string;
  /** Files changed by the push/PR (repository-relative, `/`-separated); undefined = unknown. */
  changedFiles?: string[];
  /** Inputs of a manual trigger. */
  inputs?: Record<string, string>;
  /** For cron: the schedule name that fired. */
  schedule?: string;
}

/** A shell step of a job. */
export interface PlanStep {
  /** Display name (defaults to the first line of `run`). */
  name: string;
  /** Shell script, run with `bash -eo pipefail`. */
  run: string;
  env: Record<string, string>;
  /** Run-time condition (expression source); undefined = `success()`. */
  if?: string;
  timeoutMs?: number;
  /** Relative to the job workspace; never escapes it. */
  workingDirectory?: string;
  continueOnError: boolean;
  /** Set on a test step (`tests:`): the runner runs the selected test files in order instead of `run` alone. */
  tests?: PlanTests;
}

/** Test frameworks pitcrew drives itself; `file` hands any other one a list of test files. */
export type TestFramework = "vitest" | "jest" | "node-test" | "pytest" | "file";

/** A step's `tests:` block: which test files run, in which order, and how failures are treated. */
export interface PlanTests {
  framework: TestFramework;
  /** `all` (path order), `prioritize` (likely failures first) or `select` (only what the change can break). */
  select: "all" | "prioritize" | "select";
  /** Stop at the first failing test file and report the files that did not run. */
  failFast: boolean;
  /** Collect V8 coverage (`NODE_V8_COVERAGE`) per test file for the dependency maps. */
  coverage: boolean;
  /** How many times a failing test file whose failures are known flaky is run again (0–5). */
  rerunFlaky: number;
  /** A failure of a test the history shows flaky is reported without failing the step. */
  quarantine: boolean;
  /** Workspace-relative globs of the test files (`!` excludes). */
  files: string[];
}

/** Cache declaration of a job: restored before the steps, saved after a successful job. */
export interface PlanCache {
  /** Key template, e.g. `deps-{{ hashFiles('package-lock.json') }}`; rendered at run time. */
  key: string;
  restoreKeys: string[];
  /** Workspace-relative paths (files or directories) to save/restore. */
  paths: string[];
}

/** Report files a job produces, parsed into the store after the job. */
export interface PlanReports {
  /** Glob(s) of JUnit XML files. */
  junit: string[];
  /** Glob(s) of lcov (`.info`) or Cobertura XML files. */
  coverage: string[];
}

/** Isolation of a job's steps. */
export interface PlanSandbox {
  /** Run steps under bubblewrap (workspace the only writable path). */
  enabled: boolean;
  /** Grant network access inside the sandbox. */
  network: boolean;
}

/** One executable job: a single matrix combination of a pipeline job. */
export interface PlanJob {
  /** Unique key in the plan, e.g. `test` or `test (node: 20, os: linux)`. */
  key: string;
  /** The pipeline job this came from (matrix expansions share it). */
  name: string;
  /** The matrix combination (empty when the job has no matrix). */
  matrix: Record<string, string>;
  /** Keys of plan jobs that must finish first. */
  needs: string[];
  /** Run-time condition (expression source) over `needs`, status functions and variables. */
  if?: string;
  env: Record<string, string>;
  /** Names of secrets granted to this job (values resolved by the runner, masked in logs). */
  secrets: string[];
  timeoutMs: number;
  retries: { count: number; backoffMs: number };
  continueOnError: boolean;
  /** Labels a worker must have to take this job. */
  runsOn: string[];
  /** What the job asks of its agent (`resources:`); absent: 1 cpu, no memory request. */
  resources?: { cpus: number; memory: number };
  sandbox: PlanSandbox;
  steps: PlanStep[];
  /** Workspace-relative globs collected as artifacts after the job (even on failure). */
  artifacts: string[];
  cache?: PlanCache;
  reports: PlanReports;
}

/** Quality gates evaluated per run over its reports. All optional. */
export interface PlanGates {
  /** Minimum fraction of passed tests over passed+failed+errors (skipped excluded), in [0, 1]. */
  testsPassRate?: number;
  /** Minimum line coverage in percent. */
  coverageMin?: number;
  /** Maximum drop of line coverage, in percentage points, versus the last run on the base branch. */
  coverageDropMax?: number;
}

/** A compiled pipeline for one trigger: jobs in a valid topological order. */
export interface Plan {
  /** Pipeline name (from the file, or the file name). */
  name: string;
  /** Run-wide environment (pipeline `env`, lowest precedence). */
  env: Record<string, string>;
  jobs: PlanJob[];
  gates: PlanGates;
  /**
   * Environments this run deploys to once it succeeds (the pipeline's `deploy:` entries whose
   * branches match a push or manual run; absent when none).
   */
  deploy?: string[];
  /**
   * Manual inputs with the declared defaults filled in, for `inputs.X` in run-time `if:`
   * conditions (absent in plans compiled before this field existed: fall back to the run's inputs).
   */
  inputs?: Record<string, string>;
}
