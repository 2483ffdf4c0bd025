import { git } from "../../runner/index.js";
import { gitTimeLeft } from "./deadline.js";

/** One file a change touched: `A` added, `M` modified, `D` deleted, `T` type changed (a rename is a delete and an add). */
export interface ChangedFile {
  path: string;
  status: string;
}

/** Most changed files read from one diff; a larger change selects everything. */
export const MAX_CHANGED_FILES = 20_000;

/**
 * The files that differ between `base` and `head` in the repository at `repoDir`, each with its
 * status (`git diff --name-status --no-renames -z base head`; the runner's `changedFiles` gives
 * paths only, and selection must tell a new test file from a changed one). Returns undefined
 * when the change touches more than {@link MAX_CHANGED_FILES} files. git is killed at `deadline`
 * (epoch ms).
 */
export async function changedFilesWithStatus(
  repoDir: string,
  base: string,
  head: string,
  deadline?: number,
): Promise<ChangedFile[] | undefined> {
  const out = await git(["diff", "--name-status", "--no-renames", "-z", base, head, "--"], {
    cwd: repoDir,
    ...gitTimeLeft(deadline),
  });
  const parts = out.split("\0");
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (files.length >= MAX_CHANGED_FILES) return undefined;
    files.push({ status: parts[i]!.charAt(0), path: parts[i + 1]! });
  }
  return files;
}

/**
 * How many commits `head` has that `older` does not (`git rev-list --count`), or undefined when
 * `older` is unknown here (or git did not answer by `deadline`, epoch ms).
 */
export async function commitsBetween(
  repoDir: string,
  older: string,
  head: string,
  deadline?: number,
): Promise<number | undefined> {
  const limit = gitTimeLeft(deadline);
  try {
    const out = await git(["rev-list", "--count", `${older}..${head}`, "--"], { cwd: repoDir, ...limit });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}
