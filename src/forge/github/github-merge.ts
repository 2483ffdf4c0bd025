/**
 * The two merge methods of the forge port on GitHub:
 *
 *   squash        PUT /repos/{o}/{r}/pulls/{n}/merge  merge_method=squash, pinned to the head SHA
 *                 405 "not mergeable" ─► ConflictError   405 required checks ─► ForbiddenError
 *                 409 head moved ─► ConflictError
 *   fast-forward  PATCH /repos/{o}/{r}/git/refs/heads/{base}  sha=head, force=false
 *                 (GitHub's merge API has no fast-forward: its `rebase` re-commits the head)
 *                 422 "not a fast forward" ─► ConflictError (rebase and push)
 *                 422 protection / required checks ─► ForbiddenError
 *                 then GitHub marks the PR merged by itself (the head is now in the base).
 */
import { ConflictError, ForbiddenError, ValidationError } from "../../common/errors.js";
import type { PullRequest } from "../forge.js";
import type { GitHubClient } from "./github-client.js";

/** A branch name in a URL path: each segment encoded, slashes kept (as GitHub's docs show them). */
export const encBranch = (b: string): string => b.split("/").map(encodeURIComponent).join("/");

/** Moves `base` to the PR's head if that is a fast-forward (`repoPath`: `/repos/{o}/{r}`). */
export async function fastForwardBase(api: GitHubClient, repoPath: string, pr: PullRequest): Promise<void> {
  try {
    await api.request("PATCH", `${repoPath}/git/refs/heads/${encBranch(pr.baseBranch)}`, {
      body: { sha: pr.headSha, force: false },
    });
  } catch (err) {
    if (err instanceof ValidationError && /fast.forward/i.test(err.message))
      throw new ConflictError(
        `cannot fast-forward ${pr.baseBranch} to ${pr.headBranch}: ${pr.baseBranch} has moved; rebase ${pr.headBranch} onto ${pr.baseBranch} and push again`,
        { github: err.message },
      );
    if (err instanceof ValidationError && /protected|status check|GH006/i.test(err.message))
      throw new ForbiddenError(err.message);
    throw err;
  }
}

/** Squash-merges the PR with its title and body as the commit message. */
export async function squashMerge(api: GitHubClient, repoPath: string, pr: PullRequest): Promise<void> {
  try {
    await api.request("PUT", `${repoPath}/pulls/${pr.number}/merge`, {
      body: { merge_method: "squash", sha: pr.headSha, commit_title: pr.title, commit_message: pr.body },
    });
  } catch (err) {
    if (err instanceof ForbiddenError && /not mergeable|conflict/i.test(err.message))
      throw new ConflictError(
        `squash of ${pr.headBranch} into ${pr.baseBranch} conflicts; rebase and resolve (${err.message})`,
      );
    throw err;
  }
}
