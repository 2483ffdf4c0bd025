import { posix } from "node:path";
import { git } from "../../runner/index.js";
import { gitTimeLeft } from "./deadline.js";

const TEST_NAME = /(\.|_|-)(test|spec)\.[cm]?[jt]sx?$|^test_.*\.py$|_test\.py$/;

/**
 * Whether a repository path names a test file by the usual conventions: `*.test.*` and
 * `*.spec.*` (vitest, jest, node:test), files under `__tests__/`, `test_*.py` and `*_test.py`
 * (pytest). Paths under `node_modules/` never are.
 */
export function isTestFileName(path: string): boolean {
  if (path.split("/").includes("node_modules")) return false;
  const name = posix.basename(path);
  return TEST_NAME.test(name) || (path.includes("__tests__/") && /\.[cm]?[jt]sx?$/.test(name));
}

/** Most files listed from one checkout. */
export const MAX_REPO_FILES = 200_000;

/** The files of `commit`'s tree in the git repository `gitDir` (a bare mirror works), `/`-separated; git ends by `deadline`. */
export async function listCommitFiles(gitDir: string, commit: string, deadline?: number): Promise<string[]> {
  const out = await git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--"], {
    cwd: gitDir,
    ...gitTimeLeft(deadline),
  });
  return out
    .split("\0")
    .filter((f) => f !== "")
    .slice(0, MAX_REPO_FILES);
}

/** The files of the checkout at `repoDir`: tracked ones and untracked ones not ignored, `/`-separated; git ends by `deadline`. */
export async function listRepoFiles(repoDir: string, deadline?: number): Promise<string[]> {
  const out = await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoDir,
    ...gitTimeLeft(deadline),
  });
  const files = out.split("\0").filter((f) => f !== "");
  return [...new Set(files)].slice(0, MAX_REPO_FILES);
}
