import { runJobAttempt } from "./job-runner.js";
import { recoverAfterCrash } from "./recovery.js";
import { JOBS_QUEUE, type JobTicket, type RunnerDeps } from "./runner-deps.js";

/**
 * Starts executing jobs: recovers what a previous process left (unless `recover: false`, for a
 * process that may share the store with a live server; `sharedWithReplicas`: other server
 * replicas may be running jobs), then consumes the job queue (unless `runner.local` is false).
 */
export async function startWorkers(
  deps: RunnerDeps,
  opts: { recover?: boolean; sharedWithReplicas?: boolean } = {},
): Promise<void> {
  if (opts.recover !== false) await recoverAfterCrash(deps, { sharedWithReplicas: opts.sharedWithReplicas });
  if (!deps.options.local) return; // `runner.local: false`: agents run the jobs
  deps.queue.consume<JobTicket>(JOBS_QUEUE, (item, { signal }) => runJobAttempt(deps, item.payload, signal), {
    concurrency: deps.options.concurrency,
    labels: deps.options.labels,
    leaseMs: deps.options.leaseMs,
  });
}
