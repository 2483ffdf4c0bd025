/**
 * The shared shapes of the outside-bug repair benchmark (`npm run bench:repair-outside`): one
 * `OutsideCase` per real bug taken from a public dataset (BugsJS, BugsInPy, Defects4J, …), and
 * one `OutsideResult` per case run. The language drivers (`js*.ts`, `py*.ts`, `java*.ts`) turn a
 * dataset's bug into a case; `run.ts` drives the product's repair chain on it and caches the
 * result as JSON outside the repository.
 */

/** Languages the benchmark covers. */
export type OutsideLanguage = "javascript" | "python" | "java";

/** One real bug: where its buggy code is and how its own tests judge a patch. */
export interface OutsideCase {
  /** Stable id, `<dataset>-<project>-<bug>` in lower case, e.g. `bugsjs-express-5`. */
  id: string;
  dataset: "BugsJS" | "BugsInPy" | "Defects4J" | "history";
  project: string;
  /** The dataset's bug id. */
  bug: string;
  language: OutsideLanguage;
  /** Commit (or tag) of the buggy code with the fix's tests added. */
  buggy: string;
  /** Commit (or tag) of the developer's fix. */
  fixed: string;
  /** The tests that fail on `buggy` and pass on `fixed`, as the project's runner names them. */
  failingTests: string[];
  /** The oracle: the project's test command (argv, no shell) run in the case's checkout. */
  test: string[];
  /** The source files (not tests) the developer's fix changed, repository-relative. */
  fixFiles: string[];
}

/** Why a bug is in the benchmark or not (the selection rule is in RESULTS.md). */
export type Selection = { selected: true; exception: string; topFrame: string } | { selected: false; reason: string };

/**
 * How a proven patch compares with the developer's fix: `same-region` when it edits a file the
 * developer's fix edits within a few lines of one of its hunks, `behavioural` when it is elsewhere
 * but the developer's fixed tests (the full suite of the fix commit's test files) pass with it,
 * `different` when those fail with it (a wrong patch that passed the oracle).
 */
export type Equivalence = "same-region" | "behavioural" | "different";

/** What one case measured. */
export interface OutsideResult {
  id: string;
  dataset: OutsideCase["dataset"];
  project: string;
  bug: string;
  language: OutsideLanguage;
  selection: Selection;
  /** A patch the chain proved against the oracle. */
  proven: boolean;
  /** The proven patch's fixer (e.g. `pattern/null-guard`) and `file:line` of its first change. */
  fixer?: string;
  patchAt?: string;
  /** Patches proposed, proven or not. */
  proposed: number;
  equivalence?: Equivalence;
  /** A proven patch judged wrong: it passed the oracle but is not the developer's behaviour. */
  wrongButPassing?: boolean;
  /** Why not proven, per candidate, or what went wrong driving the case. */
  notes: string[];
  /** Wall time of the chain on the case. */
  chainMs: number;
  /** Commit of pitcrew the result was measured with. */
  pitcrew: string;
}
