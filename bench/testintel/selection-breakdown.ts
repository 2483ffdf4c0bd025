/**
 * Where a replay's run test time goes, by the selector's reason: each run test file's time is
 * counted under its decision's reason code, and a full run's under `full-run` and the file
 * (or condition) that caused it, so an over-conservative rule shows as a large share.
 */
import type { TestSelection } from "../../src/testintel/index.js";
import type { SuiteResult } from "./selection-replay.js";

/** Test time and file count per reason, and commits per full-run cause. */
export class ReasonBreakdown {
  readonly #ms = new Map<string, { ms: number; files: number; commits: Set<string> }>();

  /** Counts the run files of one commit's selection, with the time `truth` measured for each. */
  add(commit: string, selection: TestSelection, truth: SuiteResult): void {
    const reasonOf = new Map(selection.decisions.map((d) => [d.file, d.reason]));
    const run = new Set(selection.run);
    const full =
      selection.fullRunReason === undefined ? undefined : `full-run: ${fullRunCause(selection.fullRunReason)}`;
    for (const [file, t] of truth) {
      if (!run.has(file)) continue;
      const key = full ?? reasonOf.get(file) ?? "unknown";
      const entry = this.#ms.get(key) ?? { ms: 0, files: 0, commits: new Set<string>() };
      entry.ms += t.ms;
      entry.files++;
      entry.commits.add(commit);
      this.#ms.set(key, entry);
    }
  }

  /** One line per reason, largest share of `totalMs` first. */
  lines(totalMs: number): string[] {
    return [...this.#ms]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(
        ([key, e]) =>
          `${((100 * e.ms) / Math.max(totalMs, 1e-9)).toFixed(1).padStart(5)} % of all test time · ${String(e.files).padStart(4)} files · ${String(e.commits.size).padStart(3)} commits · ${key}`,
      );
  }
}

/**
 * The cause named by a full-run reason, shortened to its kind: the changed path with its
 * category ("pyproject.toml (manifest, lock file or build/test configuration)", "requirements/
 * tests.txt (Python requirements)", "unreached: .pre-commit-config.yaml"), or the reason itself.
 */
export function fullRunCause(reason: string): string {
  const unreached = /^(\S+) changed and no import/.exec(reason);
  if (unreached) return `unreached: ${unreached[1]}`;
  const trigger = /^(\S+) changed \(([^)]+)\)/.exec(reason);
  if (trigger) return `${trigger[1]} (${trigger[2]})`;
  return reason.replace(/: every test runs$/, "");
}
