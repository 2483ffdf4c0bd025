/**
 * Every run of a project whose repository is on the forge shows on its commit, push runs and
 * pull request runs alike, when the forge has commit checks (GitHub):
 *
 *   run.created | run.started | run.finished | job.explained (run finished)
 *       ─► mark the run pending (one pending report per run: events of a busy run coalesce)
 *       ─► at most REPORT_CONCURRENCY runs at a time, one report of a run at a time:
 *          read the run as it stands ─► forge.commitChecks.reportCommitCheck(repo, runCheckReport(run))
 *          queued → in_progress → completed (conclusion, summary, failed tests as annotations);
 *          a push run also gets the commit status `pitcrew/ci` (a PR run's is the PR automation's)
 *       ─► the state the forge accepted is recorded in the store (run_check_reports)
 *
 *   catch-up, at start and every CATCH_UP_EVERY_MS: runs of the forge's projects finished in the
 *   last CATCH_UP_WINDOW_MS whose check was never recorded `completed` (at most CATCH_UP_LIMIT)
 *   are marked pending — a report lost to a restart, a kill -9, a GitHub outage longer than the
 *   client's retries, or a `run.finished` emitted before this subscribed.
 *
 * A report that fails is logged and emitted as `forge.check_failed` and never touches the run: it
 * runs beside the bus, after the fact. Run it on one replica only (the leader), or replicas race.
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

/** Runs reported to the forge at the same time, at most. */
export const REPORT_CONCURRENCY = 4;
/** Runs waiting for a report, at most; beyond it a run is left to the catch-up. */
export const MAX_PENDING_REPORTS = 10_000;
/** How far back the catch-up looks for finished runs whose check is not completed. */
export const CATCH_UP_WINDOW_MS = 24 * 3600_000;
/** Runs one catch-up reports again, at most. */
export const CATCH_UP_LIMIT = 200;
/** How often the catch-up runs after the one at start. */
export const CATCH_UP_EVERY_MS = 5 * 60_000;

const REPORTED = new Set(["run.created", "run.started", "run.finished", "job.explained"]);

/** Subscribes to run events and reports them on commits, catching up as above; returns the function that stops it. */
export function startRunCheckReporting(deps: RunCheckReportingDeps): () => void {
  const checks = deps.forge.commitChecks;
  if (!checks) return () => {};
  const { forge, runner, log } = deps;
  const pending = new Set<number>();
  const reporting = new Set<number>();
  let stopped = false;

  const report = async (runId: number) => {
    const run = await runner.store.runs.get(runId);
    const project = await runner.store.projects.get(run.projectId);
    const repo = forgeRepoOf(forge, project.repoUrl);
    if (!repo) return;
    const check = await runCheckReport(runner.store, run);
    try {
      await checks.reportCommitCheck(repo, check);
      await runner.store.runCheckReports.record(runId, check.state, runner.clock.now());
    } catch (err) {
      await recordCheckFailure(
        { events: runner.events, log },
        { runId, repo, sha: run.commit, state: check.state },
        err,
      );
    }
  };

  /** Starts reports of pending runs while there is room; a run being reported waits its turn. */
  const pump = () => {
    for (const runId of pending) {
      if (stopped || reporting.size >= REPORT_CONCURRENCY) return;
      if (reporting.has(runId)) continue;
      pending.delete(runId);
      reporting.add(runId);
      void report(runId)
        .catch((err: unknown) => log.error({ err, runId }, "reporting a run to the forge failed"))
        .finally(() => {
          reporting.delete(runId);
          pump();
        });
    }
  };

  const schedule = (runId: number) => {
    if (pending.size >= MAX_PENDING_REPORTS && !pending.has(runId)) {
      log.warn({ runId }, "too many run reports waiting; this run is left to the catch-up");
      return;
    }
    pending.add(runId);
    pump();
  };

  const catchUp = async () => {
    const projectIds = (await runner.store.projects.list())
      .filter((p) => forgeRepoOf(forge, p.repoUrl))
      .map((p) => p.id);
    if (!projectIds.length) return;
    const since = runner.clock.now() - CATCH_UP_WINDOW_MS;
    for (const runId of await runner.store.runCheckReports.unreportedFinished(since, CATCH_UP_LIMIT, projectIds))
      schedule(runId);
  };
  const catchUpLogged = () =>
    void catchUp().catch((err: unknown) => log.error({ err }, "catching up on run reports to the forge failed"));

  const unsubscribe = deps.bus.subscribe((m) => {
    if (m.kind !== "event" || !REPORTED.has(m.event.type)) return;
    const runId = (m.event.data as { runId?: unknown }).runId;
    if (typeof runId === "number") schedule(runId);
  });
  catchUpLogged();
  const timer = setInterval(catchUpLogged, CATCH_UP_EVERY_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  };
}
