/**
 * The heal steps that only talk to the forge: waiting for a repair PR's (or a release revert PR's)
 * CI check and merging it as the repair bot (so the forge applies the bot's merge policy: required checks green, and
 * whatever else the policy demands). Both are idempotent: a PR already merged reports its merge
 * commit, a PR closed by a person fails the step with the reason.
 */
import { ConflictError } from "../../common/errors.js";
import { BOT_USER, CI_CHECK, type Forge } from "../../forge/index.js";
import type { HealContext, HealPullRequest, Pending } from "../heal-actions.js";

/** The repair PR a heal recorded (by its `repairing` → `pr_open` transition). */
export function healPullRequest(ctx: HealContext): HealPullRequest {
  const pr = ctx.heal.data.pr as HealPullRequest | undefined;
  if (!pr?.repo || !pr.number) throw new ConflictError(`heal ${ctx.heal.id} has no pull request recorded`);
  return pr;
}

/** Which pull request a step is about. */
export type PullRequestRef = Pick<HealPullRequest, "repo" | "number">;

/** ci_running: the PR's `pitcrew/ci` check on its current head. */
export async function checkPullRequestCi(forge: Forge, ref: PullRequestRef): Promise<Pending<"success" | "failure">> {
  const pr = await forge.getPullRequest(ref.repo, ref.number);
  if (pr.state === "merged") return { status: "success", note: `PR #${pr.number} was already merged` };
  if (pr.state === "closed") return { status: "failure", note: `PR #${pr.number} was closed without merging` };
  const ci = (await forge.listChecks(pr)).find((c) => c.name === CI_CHECK);
  if (!ci || ci.status === "pending")
    return { status: "pending", note: `waiting for ${CI_CHECK} on ${pr.headSha.slice(0, 8)}` };
  const where = ci.url ? ` (${ci.url})` : "";
  return ci.status === "success"
    ? { status: "success", note: `${CI_CHECK} passed on PR #${pr.number}${where}`, data: { ciUrl: ci.url } }
    : { status: "failure", note: `${CI_CHECK} failed on PR #${pr.number}${where}`, data: { ciUrl: ci.url } };
}

/** merging: squash-merges the PR as the repair bot; the forge enforces the merge policy. */
export async function mergePullRequest(forge: Forge, ref: PullRequestRef): Promise<{ sha: string; note: string }> {
  let pr = await forge.getPullRequest(ref.repo, ref.number);
  if (pr.state === "closed") throw new ConflictError(`PR #${pr.number} was closed without merging`);
  if (pr.state === "open") pr = await forge.merge(pr, { method: "squash", by: BOT_USER });
  if (!pr.mergeCommit) throw new ConflictError(`PR #${pr.number} is merged but has no merge commit`);
  return {
    sha: pr.mergeCommit,
    note: `merged PR #${pr.number} into ${pr.baseBranch} as ${pr.mergeCommit.slice(0, 8)}`,
  };
}
