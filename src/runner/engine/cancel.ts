import { ConflictError } from "../../common/errors.js";
import { isFinished } from "../../store/index.js";
import { ticketKey, type RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/**
 * Cancels a run: the run is marked `cancelled` first (persisted), then queued jobs are cancelled
 * and running ones are aborted (their process groups get SIGTERM, then SIGKILL).
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
    if (job.status === "running" || job.status === "queued")
      await deps.queue.cancel(ticketKey({ jobId: job.id, attempt: job.attempt }));
  }
  await advanceRun(deps, runId);
}
