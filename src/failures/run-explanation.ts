import { NotFoundError } from "../common/errors.js";
import type { Store } from "../store/index.js";

/**
 * The stored explanations of a run's failed jobs as the API and `pitcrew runs why` show them;
 * `job` (a key or name) keeps one job, NotFoundError when the run has no such job.
 */
export async function runExplanation(store: Store, runId: number, job?: string) {
  const run = await store.runs.get(runId);
  const jobs = new Map((await store.jobs.listForRun(run.id)).map((j) => [j.id, j]));
  if (job && ![...jobs.values()].some((j) => j.key === job || j.name === job)) throw new NotFoundError("job", job);
  const out = [];
  for (const e of await store.explanations.listForRun(run.id)) {
    const j = jobs.get(e.jobId);
    if (!j || (job && j.key !== job && j.name !== job)) continue;
    out.push({
      jobId: e.jobId,
      key: j.key,
      name: j.name,
      attempt: e.attempt,
      explainedAt: new Date(e.createdAt).toISOString(),
      ...e.explanation,
    });
  }
  return { runId: run.id, status: run.status, jobs: out };
}
