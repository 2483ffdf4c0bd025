/**
 * A developer's change reaching `main` the way pitcrew's forge allows it: applied in a clone,
 * pushed to a branch, opened as a pull request, built by CI (the `pitcrew/ci` check), merged,
 * and built again on `main`. Returns the merge commit and its successful run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { App } from "../../app/app.js";
import { CI_CHECK } from "../../forge/index.js";
import { git, triggerRun } from "../../runner/index.js";
import { waitForRun } from "../ship-shop.js";

const DEVELOPER = "developer";
const AUTHOR = ["-c", "user.name=Shop Developer", "-c", "user.email=dev@shop.example", "-c", "commit.gpgsign=false"];

/** Ships a patch file of the repository (`patchPath`, repository-relative; `reverse` undoes it) as a reviewed PR. */
export async function shipChange(
  app: App,
  req: { repo: string; projectId: number; patchPath: string; message: string; branch: string; reverse?: boolean },
): Promise<{ commit: string; runId: number; pr: number }> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-change-"));
  try {
    await git(["clone", "--quiet", "--branch", "main", "--", app.forge.cloneUrl(req.repo), dir], { cwd: tmpdir() });
    await git(["apply", ...(req.reverse ? ["--reverse"] : []), "--", req.patchPath], { cwd: dir });
    await git(["add", "-A"], { cwd: dir });
    await git([...AUTHOR, "commit", "--quiet", "-m", req.message], { cwd: dir });
    await app.forge.pushBranch(req.repo, { branch: req.branch, fromWorktree: dir, actor: DEVELOPER });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let pr = await app.forge.openPullRequest({
    repo: req.repo,
    head: req.branch,
    base: "main",
    title: req.message,
    body: "Shipped by the demo's developer.",
    author: DEVELOPER,
  });
  const end = Date.now() + 300_000;
  for (;;) {
    const check = (await app.forge.listChecks(pr)).find((c) => c.name === CI_CHECK);
    if (check?.status === "success") break;
    if (check?.status === "failure") throw new Error(`CI failed on ${req.repo}#${pr.number}`);
    if (Date.now() > end) throw new Error(`CI of ${req.repo}#${pr.number} did not finish`);
    await new Promise((r) => setTimeout(r, 250));
  }
  pr = await app.forge.merge(pr, { method: "fast-forward", by: DEVELOPER });
  const commit = pr.mergeCommit ?? pr.headSha;
  const run = (
    await triggerRun(app.runner, req.projectId, { event: "push", branch: "main", commit, triggeredBy: "demo" })
  ).run;
  if (!run) throw new Error(`the pipeline of ${req.repo} did not start on ${commit.slice(0, 12)}`);
  const status = await waitForRun(app, run.id);
  if (status !== "success") throw new Error(`CI of ${req.repo} at ${commit.slice(0, 12)} ${status}`);
  return { commit, runId: run.id, pr: pr.number };
}
