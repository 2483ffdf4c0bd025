/**
 * Crash recovery, run once when a server starts (before it takes work):
 *
 *   running steps     ──► their process groups are killed if still alive (orphans of the old
 *                          process), the step is marked failed with reason `server-restart`
 *   running jobs      ──► `orphaned_jobs: fail`  → failure (reason `server-restart`)
 *                          `orphaned_jobs: retry` → queued again as a new attempt
 *   unfinished runs   ──► advanced by the scheduler (re-enqueues lost items, finishes runs whose
 *                          jobs are all done)
 * Logs written before the crash stay: they were persisted as they were produced.
 */
import { isProcessGroupAlive, killProcessGroup } from "../process-group.js";
import type { RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/** Repairs state left by a crashed server; returns how many jobs were orphaned. */
export async function recoverAfterCrash(deps: RunnerDeps): Promise<number> {
  const { store, events } = deps;
  for (const step of await store.steps.listRunning()) {
    if (step.pid && isProcessGroupAlive(step.pid)) killProcessGroup(step.pid, "SIGKILL");
  }
  const orphans = await store.jobs.listByStatus(["running"]);
  for (const job of orphans) {
    await store.steps.finishRemaining(job.id, job.attempt, "failure", "server-restart");
    const retry = deps.options.orphanedJobs === "retry";
    const to = retry ? "queued" : "failure";
    const ok = await store.jobs.transition(job.id, ["running"], to, {
      reason: "server-restart",
      ...(retry ? { attempt: job.attempt + 1 } : {}),
    });
    if (ok)
      await events.emit(
        retry ? "job.retrying" : "job.finished",
        { kind: "run", id: job.runId },
        {
          jobId: job.id,
          key: job.key,
          status: to,
          reason: "server-restart",
        },
      );
  }
  for (const run of await store.runs.listByStatus(["queued", "running"])) await advanceRun(deps, run.id);
  if (orphans.length) deps.log.warn({ jobs: orphans.length }, "recovered jobs orphaned by a server restart");
  return orphans.length;
}
