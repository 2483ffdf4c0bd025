/**
 * Every run of a project whose repository is on the forge shows on its commit, push runs and
 * pull request runs alike, when the forge has commit checks (GitHub):
 *
 *   run.created | run.started | run.finished | job.explained (run finished)
 *       ─► read the run as it stands ─► forge.commitChecks.reportCommitCheck(repo, runCheckReport(run))
 *          queued → in_progress → completed (conclusion, summary, failed tests as annotations);
 *          a push run also gets the commit status `pitcrew/ci` (a PR run's is the PR automation's)
 *
 * Reports of one run are written one after another (never two creations racing); a report that
 * fails is logged and emitted as `forge.check_failed` and never touches the run: it runs beside
 * the bus, after the fact.
 */
import type { Logger } from "../common/logger.js";
import type { Bus } from "../events/index.js";
import type { RunnerDeps } from "../runner/index.js";
import { recordCheckFailure } from "./check-failure.js";
import type { Forge } from "./forge.js";
import { forgeRepoOf } from "./forge-repo-of.js";
import { runCheckReport } from "./run-check-report.js";

/** What the reporter needs. */
export interface RunCheckReportingDeps {
  forge: Forge;
  runner: RunnerDeps;
  bus: Bus;
  log: Logger;
}

const REPORTED = new Set(["run.created", "run.started", "run.finished", "job.explained"]);

/** Subscribes to run events and reports them on commits; returns the function that stops it. */
export function startRunCheckReporting(deps: RunCheckReportingDeps): () => void {
  const checks = deps.forge.commitChecks;
  if (!checks) return () => {};
  const { forge, runner, log } = deps;
  /** The tail of each run's chain of reports (removed when it settles). */
  const tails = new Map<number, Promise<void>>();

  const report = async (runId: number) => {
    const run = await runner.store.runs.get(runId);
    const project = await runner.store.projects.get(run.projectId);
    const repo = forgeRepoOf(forge, project.repoUrl);
    if (!repo) return;
    const check = await runCheckReport(runner.store, run);
    try {
      await checks.reportCommitCheck(repo, check);
    } catch (err) {
      await recordCheckFailure(
        { events: runner.events, log },
        { runId, repo, sha: run.commit, state: check.state },
        err,
      );
    }
  };

  return deps.bus.subscribe((m) => {
    if (m.kind !== "event" || !REPORTED.has(m.event.type)) return;
    const runId = (m.event.data as { runId?: unknown }).runId;
    if (typeof runId !== "number") return;
    const next = (tails.get(runId) ?? Promise.resolve())
      .then(() => report(runId))
      .catch((err: unknown) => log.error({ err, runId }, "reporting a run to the forge failed"));
    tails.set(runId, next);
    void next.finally(() => {
      if (tails.get(runId) === next) tails.delete(runId);
    });
  });
}
