import { ConflictError, UnavailableError } from "../../common/errors.js";
import { isFinished } from "../../store/index.js";
import { ticketKey, type RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/**
 * Cancels a run: the run is marked `cancelled` first (persisted), then queued jobs are cancelled
 * and running ones are aborted (their process groups get SIGTERM, then SIGKILL). The cancel is
 * done once stored: a queue that is away only delays it (a running job learns it from the store
 * on its next lease heartbeat, job-runner.ts; a queued one is skipped when taken, attempt.ts).
 */
export async function cancelRun(deps: RunnerDeps, runId: number, by: string): Promise<void> {
  const run = await deps.store.runs.get(runId);
  const ok =
    !isFinished(run.status) &&
    (await deps.store.runs.transition(runId, ["queued", "running"], "cancelled", `cancelled by ${by}`));
  if (!ok) throw new ConflictError(`run ${runId} already finished (${(await deps.store.runs.get(runId)).status})`);
  await deps.events.emit(
    "run.finished",
    { kind: "run", id: runId },
    {
      runId,
      projectId: run.projectId,
      status: "cancelled",
      reason: `cancelled by ${by}`,
    },
  );
  for (const job of await deps.store.jobs.listForRun(runId)) {
    if (job.status !== "running" && job.status !== "queued") continue;
    await deps.queue.cancel(ticketKey({ jobId: job.id, attempt: job.attempt })).catch((err) => {
      if (!(err instanceof UnavailableError)) throw err;
      deps.log.warn({ err, jobId: job.id }, "cancel: the queue is away; the job learns of the cancel from the store");
    });
  }
  await advanceRun(deps, runId);
}
