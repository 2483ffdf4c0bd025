/**
 * Crash recovery, run once when a server starts (before it takes work); with replicas sharing
 * the store only the last step (advancing unfinished runs) is done:
 *
 *   running steps     ──► their process groups are killed if still alive (orphans of the old
 *                          process), the step is marked failed with reason `server-restart`
 *   running jobs      ──► `orphaned_jobs: fail`  → failure (reason `server-restart`)
 *                          `orphaned_jobs: retry` → queued again as a new attempt
 *   unfinished runs   ──► advanced by the scheduler (re-enqueues lost items, finishes runs whose
 *                          jobs are all done)
 * Logs written before the crash stay: they were persisted as they were produced. The temporary
 * checkouts of test advice (`<data_dir>/test-advice/`) are removed in either case: the data dir
 * is this process's own, and nothing in that folder outlives the process that made it.
 */
import { isProcessGroupAlive, killProcessGroup } from "../process-group.js";
import type { Job } from "../../store/index.js";
import { removeLeftoverAdviceCheckouts } from "./advice-at-commit.js";
import type { RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/** Repairs state left by a crashed server; returns how many jobs were orphaned. */
export async function recoverAfterCrash(
  deps: RunnerDeps,
  opts: { sharedWithReplicas?: boolean } = {},
): Promise<number> {
  const { store } = deps;
  await removeLeftoverAdviceCheckouts(deps.dataDir);
  // Other live replicas may be running these jobs (and their pids are on other machines): a dead
  // replica's jobs are orphaned when their queue lease expires instead (see job-runner.ts).
  const orphans = opts.sharedWithReplicas ? [] : await store.jobs.listByStatus(["running"]);
  if (!opts.sharedWithReplicas) {
    for (const step of await store.steps.listRunning()) {
      if (step.pid && isProcessGroupAlive(step.pid)) killProcessGroup(step.pid, "SIGKILL");
    }
  }
  for (const job of orphans) await orphanJob(deps, job, "server-restart");
  for (const run of await store.runs.listByStatus(["queued", "running"]))
    await advanceRun(deps, run.id, { requeue: true });
  if (orphans.length) deps.log.warn({ jobs: orphans.length }, "recovered jobs orphaned by a server restart");
  return orphans.length;
}

/**
 * Ends a running job attempt whose runner is gone (`reason`: `server-restart`, or
 * `lease-expired` when another replica got its queue item after the runner's lease ran out):
 * its remaining steps fail, and the job is queued again as a new attempt
 * (`orphaned_jobs: retry`, or `retry` given: a lost agent's job) or fails. Compare-and-set:
 * only one process does it.
 */
export async function orphanJob(
  deps: RunnerDeps,
  job: Job,
  reason: string,
  opts: { retry?: boolean } = {},
): Promise<boolean> {
  const { store, events } = deps;
  await store.steps.finishRemaining(job.id, job.attempt, "failure", reason);
  const retry = opts.retry ?? deps.options.orphanedJobs === "retry";
  const to = retry ? "queued" : "failure";
  const ok = await store.jobs.transition(job.id, ["running"], to, {
    reason,
    ...(retry ? { attempt: job.attempt + 1 } : {}),
  });
  if (ok)
    await events.emit(
      retry ? "job.retrying" : "job.finished",
      { kind: "run", id: job.runId },
      { jobId: job.id, key: job.key, status: to, reason },
    );
  return ok;
}
