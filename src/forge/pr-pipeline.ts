/**
 * Pull requests drive pipelines (webhooks as events):
 *
 *   pr.opened | pr.synchronized | pr.reopened ─► for each project whose repoUrl is the PR's forge repository:
 *       triggerRun(event "pull_request", head branch @ head SHA, base branch, PR number and fork flag,
 *                  triggeredBy "pr:<repo>#<n>") ─► check `pitcrew/ci` = pending (url: the run)
 *       (the run compiles the BASE branch's pipeline and gets secrets only as runner/trust.ts allows)
 *   run.finished (triggeredBy "pr:<repo>#<n>") ─► if the PR's head is still the run's commit:
 *       check `pitcrew/ci` = success | failure, the summary naming the failure's class and best
 *       lines when a failed job is explained (src/failures); `job.explained` after run.finished
 *       writes the check again with them
 *
 * The link from a run back to its pull request is the run's `triggeredBy`, so it survives
 * restarts. Events arrive from the bus (at-most-once), so on start the automation catches up
 * with what it missed while down, for every open PR of a repository a project builds whose
 * `pitcrew/ci` check is missing or pending:
 *
 *   no run of its head SHA ─► build it (as on pr.opened)
 *   a finished run         ─► set the check from it (as on run.finished)
 *   a run still going      ─► nothing: its run.finished will come
 *
 * A check that cannot be written is logged and emitted as `forge.check_failed`; the run is never
 * touched. It also starts the commit checks of every run (push or PR) where the forge has them
 * (run-check-reporter.ts).
 */
import type { Logger } from "../common/logger.js";
import type { Bus } from "../events/index.js";
import { type RunnerDeps, triggerRun } from "../runner/index.js";
import { isFinished } from "../store/index.js";
import { CI_CHECK, type Forge } from "./forge.js";
import { type CheckFailure, recordCheckFailure } from "./check-failure.js";
import { forgeRepoOf, samePlace } from "./forge-repo-of.js";
import { failureWhy } from "./run-check-report.js";
import { startRunCheckReporting } from "./run-check-reporter.js";

/** What the automation needs. */
export interface ForgeAutomationDeps {
  forge: Forge;
  runner: RunnerDeps;
  bus: Bus;
  log: Logger;
}

const PR_SUBJECT = /^pr:([A-Za-z0-9._-]+)#(\d+)$/;

/** Subscribes to PR and run events (and starts the run check reporter); returns the function that stops both. */
export function startForgeAutomation(deps: ForgeAutomationDeps): () => void {
  const { forge, runner, log } = deps;

  const onPr = async (repo: string, number: number) => {
    const pr = await forge.getPullRequest(repo, number);
    if (pr.state !== "open") return;
    for (const project of await runner.store.projects.list()) {
      if (!samePlace(project.repoUrl, forge.cloneUrl(repo))) continue;
      const result = await triggerRun(runner, project.id, {
        event: "pull_request",
        branch: pr.headBranch,
        commit: pr.headSha,
        baseBranch: pr.baseBranch,
        pullRequest: { number, fork: pr.fork === true },
        triggeredBy: `pr:${repo}#${number}`,
      });
      const run = result.run;
      if (!run) continue;
      await forge
        .setCheck(pr, { name: CI_CHECK, status: "pending", url: `/runs/${run.id}` })
        .catch((err: unknown) => failed({ runId: run.id, repo, sha: pr.headSha, state: "pending" }, err));
    }
  };

  const onRunFinished = async (runId: number, status: string) => {
    const run = await runner.store.runs.get(runId);
    const m = PR_SUBJECT.exec(run.triggeredBy);
    if (!m?.[1] || !m[2]) return;
    const pr = await forge.getPullRequest(m[1], Number(m[2]));
    if (pr.state !== "open" || pr.headSha !== run.commit) return;
    const state = status === "success" ? "success" : "failure";
    await forge
      .setCheck(pr, {
        name: CI_CHECK,
        status: state,
        url: `/runs/${run.id}`,
        summary: `run ${run.id}: ${status}${await failureWhy(runner.store, run.id)}`,
      })
      .catch((err: unknown) => failed({ runId, repo: pr.repo, sha: run.commit, state }, err));
  };

  /** A check that could not be written: logged and emitted, the run untouched. */
  const failed = (what: CheckFailure, err: unknown) => recordCheckFailure({ events: runner.events, log }, what, err);

  const onExplained = async (runId: number) => {
    const run = await runner.store.runs.get(runId);
    if (isFinished(run.status)) await onRunFinished(run.id, run.status);
  };

  /** The catch-up of the module comment, for one repository. */
  const catchUpRepo = async (repo: string, projectIds: number[]) => {
    const runs = (
      await Promise.all(projectIds.map((id) => runner.store.runs.list({ projectId: id, limit: 100 })))
    ).flat();
    for (const pr of await forge.listPullRequests({ repo, state: "open" })) {
      const ci = (await forge.listChecks(pr)).find((c) => c.name === CI_CHECK);
      if (ci && ci.status !== "pending") continue;
      const by = `pr:${repo}#${pr.number}`;
      const run = runs.find((r) => r.triggeredBy === by && r.commit === pr.headSha);
      if (!run) await onPr(repo, pr.number);
      else if (isFinished(run.status)) await onRunFinished(run.id, run.status);
    }
  };

  const stop = deps.bus.subscribe((m) => {
    if (m.kind !== "event") return;
    const e = m.event;
    let work: Promise<void> | undefined;
    if (e.type === "pr.opened" || e.type === "pr.synchronized" || e.type === "pr.reopened")
      work = onPr(e.data.repo, e.data.number);
    if (e.type === "run.finished") work = onRunFinished(e.data.runId, e.data.status);
    // An explanation stored after run.finished: the check's summary is written again with it.
    if (e.type === "job.explained") work = onExplained(e.data.runId);
    work?.catch((err: unknown) =>
      log.error({ err, type: e.type, subject: e.subject }, "forge automation failed for this event"),
    );
  });
  void (async () => {
    const repos = new Map<string, number[]>();
    for (const project of await runner.store.projects.list()) {
      const name = forgeRepoOf(forge, project.repoUrl);
      if (name) repos.set(name, [...(repos.get(name) ?? []), project.id]);
    }
    for (const [repo, projectIds] of repos) await catchUpRepo(repo, projectIds);
  })().catch((err: unknown) => log.error({ err }, "forge automation catch-up failed"));
  const stopReporting = startRunCheckReporting(deps);
  return () => {
    stop();
    stopReporting();
  };
}
