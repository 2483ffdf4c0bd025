import { ConflictError } from "../../common/errors.js";
import { isFinished } from "../../store/index.js";
import type { Run } from "../../store/index.js";
import type { RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/**
 * Re-runs a finished run. `failedOnly: false` creates a new run of the same commit and plan;
 * `failedOnly: true` re-queues, inside the same run, the failed/cancelled/skipped jobs and every
 * job that depends on them (as new attempts), keeping the successful ones.
 */
export async function rerunRun(
  deps: RunnerDeps,
  runId: number,
  opts: { failedOnly: boolean; by: string },
): Promise<Run> {
  const { store, events } = deps;
  const run = await store.runs.get(runId);
  if (!isFinished(run.status)) throw new ConflictError(`run ${runId} is still ${run.status}`);
  if (!opts.failedOnly) {
    const fresh = await store.runs.create({
      projectId: run.projectId,
      event: run.event,
      branch: run.branch,
      commit: run.commit,
      baseBranch: run.baseBranch,
      inputs: run.inputs,
      changedFiles: run.changedFiles,
      plan: run.plan,
      triggeredBy: opts.by,
      parentRunId: run.id,
      trust: run.trust,
    });
    await events.emit(
      "run.created",
      { kind: "run", id: fresh.id },
      {
        runId: fresh.id,
        projectId: run.projectId,
        number: fresh.number,
        rerunOf: run.id,
      },
    );
    await advanceRun(deps, fresh.id);
    return store.runs.get(fresh.id);
  }
  const jobs = await store.jobs.listForRun(runId);
  const redo = new Set(jobs.filter((j) => j.status !== "success").map((j) => j.key));
  if (redo.size === 0) throw new ConflictError(`run ${runId} has no failed jobs to re-run`);
  for (let grew = true; grew; ) {
    grew = false;
    for (const j of jobs) {
      if (!redo.has(j.key) && j.spec.needs.some((n) => redo.has(n))) {
        redo.add(j.key);
        grew = true;
      }
    }
  }
  if (!(await store.runs.transition(runId, ["success", "failure", "cancelled", "skipped"], "queued", null))) {
    throw new ConflictError(`run ${runId} changed while re-running it`);
  }
  for (const j of jobs.filter((x) => redo.has(x.key))) {
    await store.jobs.transition(j.id, ["failure", "cancelled", "skipped", "success"], "queued", {
      attempt: j.attempt + 1,
      reason: null,
    });
  }
  await events.emit("run.rerun", { kind: "run", id: runId }, { runId, jobs: [...redo], by: opts.by });
  await advanceRun(deps, runId);
  return store.runs.get(runId);
}
