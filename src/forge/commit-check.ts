/**
 * A commit check: how a forge shows one pitcrew run on the commit it built, beside the pull
 * request checks of the port (GitHub: a check run with a summary and annotations, and optionally
 * a commit status of the same name). Its lifecycle, never going backwards:
 *
 *   queued ──► in_progress ──► completed (with a conclusion)
 *
 * A report for a state behind the check's current one is ignored; a completed check may be
 * written again (its summary gains the failure's explanation when that is stored later).
 */

/** Where a commit check stands. */
export type CommitCheckState = "queued" | "in_progress" | "completed";

/** How a completed check ended. */
export type CommitCheckConclusion = "success" | "failure" | "cancelled" | "skipped" | "neutral";

/** A remark on a line of a file of the repository (e.g. where a failed test is). */
export interface CheckAnnotation {
  /** Path relative to the repository root. */
  path: string;
  startLine: number;
  endLine: number;
  level: "notice" | "warning" | "failure";
  title?: string;
  message: string;
}

/** One report of a run on its commit. */
export interface CommitCheck {
  /** The check's name, e.g. `pitcrew/ci`. */
  name: string;
  /** Which run this is: one check per run, so a rerun of the same commit gets its own. */
  externalId: string;
  /** The commit (40 hex digits). */
  sha: string;
  state: CommitCheckState;
  /** Required when `state` is `completed`, absent otherwise. */
  conclusion?: CommitCheckConclusion;
  /** Link to the run (a path like `/runs/7` is made absolute with the forge's public URL). */
  url?: string;
  /** One line, e.g. `run 7: failure`. */
  title: string;
  /** Markdown; forges truncate what they cannot show. */
  summary: string;
  annotations?: CheckAnnotation[];
  /** Also write a commit status under `name` (push runs; a PR run's status is the PR automation's). */
  withStatus: boolean;
}

/** Forges that show checks on commits (GitHub). Failures throw; callers never let them fail a run. */
export interface CommitChecks {
  /** Creates the run's check on the commit or moves it forward (see the module comment). */
  reportCommitCheck(repo: string, check: CommitCheck): Promise<void>;
}
