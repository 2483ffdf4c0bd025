/**
 * What changed lately: files touched by the last commits within a window, and the lines changed
 * between two releases (`lastReleaseRange`). Ranking uses both as evidence for a frame.
 */
import { ValidationError } from "../../common/errors.js";
import { git } from "../../runner/index.js";

/** The latest commit that touched a file. */
export interface FileChange {
  sha: string;
  /** Commit date, epoch ms. */
  date: number;
}

/** A release range: the diff `from..to` is what the last release shipped. */
export interface ReleaseRange {
  from: string;
  to: string;
}

/** Changed line ranges (inclusive, in the `to` version) per repository-relative file. */
export type ReleaseDiff = Map<string, [number, number][]>;

/** Files changed by the last `maxCommits` commits of HEAD within `sinceDays` of `now`, newest change per file. */
export async function recentFileChanges(
  repo: string,
  opts: { sinceDays: number; maxCommits?: number; now?: number },
): Promise<Map<string, FileChange>> {
  const since = Math.floor(((opts.now ?? Date.now()) - opts.sinceDays * 86_400_000) / 1000);
  const out = await git(
    [
      "log",
      `--since=${since}`,
      `-n${opts.maxCommits ?? 500}`,
      "--no-renames",
      "--format=@@%H %ct",
      "--name-only",
      "HEAD",
      "--",
    ],
    { cwd: repo, timeoutMs: 60_000 },
  );
  const changes = new Map<string, FileChange>();
  let current: FileChange | undefined;
  for (const line of out.split("\n")) {
    const head = /^@@([0-9a-f]+) (\d+)$/.exec(line);
    if (head) current = { sha: head[1]!, date: Number(head[2]) * 1000 };
    else if (line && current && !changes.has(line)) changes.set(line, current);
  }
  return changes;
}

/** Refuses a ref that git could read as an option. */
function checkRef(ref: string): string {
  if (!ref || ref.startsWith("-") || /[\s\0]/.test(ref)) throw new ValidationError(`not a git revision: '${ref}'`);
  return ref;
}

/** Parses `git diff --unified=0` output into changed line ranges of the new side. */
export function parseUnifiedDiff(out: string): ReleaseDiff {
  const diff: ReleaseDiff = new Map();
  let file: string | undefined;
  for (const line of out.split("\n")) {
    if (line.startsWith("+++ ")) file = line === "+++ /dev/null" ? undefined : line.slice(4).replace(/^b\//, "");
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      // a pure deletion (count 0) sits between lines start and start+1
      const range: [number, number] = count === 0 ? [start, start + 1] : [start, start + count - 1];
      diff.set(file, [...(diff.get(file) ?? []), range]);
    }
  }
  return diff;
}

/** The lines changed between two revisions (what the last release shipped). */
export async function releaseDiff(repo: string, range: ReleaseRange): Promise<ReleaseDiff> {
  const out = await git(
    [
      "diff",
      "--unified=0",
      "--no-color",
      "--no-ext-diff",
      "--no-renames",
      "--end-of-options",
      checkRef(range.from),
      checkRef(range.to),
      "--",
    ],
    { cwd: repo, timeoutMs: 60_000 },
  );
  return parseUnifiedDiff(out);
}
