import { ConflictError } from "../../common/errors.js";
import { GitError, git } from "../../runner/index.js";

const IDENTITY = ["-c", "user.name=pitcrew", "-c", "user.email=pitcrew@localhost"];

/**
 * Computes the commit a merge would move `base` to, with plumbing in the bare repository (no
 * worktree, no ref changes): fast-forward → `head` itself when `base` is its ancestor;
 * squash → one new commit on top of `base` with the merged tree. Conflicts → ConflictError.
 */
export async function mergeCommit(
  bareDir: string,
  method: "fast-forward" | "squash",
  base: { branch: string; sha: string },
  head: { branch: string; sha: string },
  message: string,
): Promise<string> {
  const cwd = bareDir;
  if (method === "fast-forward") {
    try {
      await git(["merge-base", "--is-ancestor", base.sha, head.sha], { cwd });
      return head.sha;
    } catch (err) {
      if (err instanceof GitError && err.exitCode === 1)
        throw new ConflictError(
          `cannot fast-forward ${base.branch} to ${head.branch}: ${base.branch} has moved; rebase ${head.branch} onto ${base.branch} and push again`,
          { base: base.sha, head: head.sha },
        );
      throw err;
    }
  }
  let tree: string;
  try {
    tree = (await git(["merge-tree", "--write-tree", "--name-only", base.sha, head.sha], { cwd })).split("\n")[0] ?? "";
  } catch (err) {
    if (err instanceof GitError && err.exitCode === 1)
      throw new ConflictError(`squash of ${head.branch} into ${base.branch} conflicts; rebase and resolve`, {
        base: base.sha,
        head: head.sha,
      });
    throw err;
  }
  return (await git([...IDENTITY, "commit-tree", tree, "-p", base.sha, "-m", message], { cwd })).trim();
}
