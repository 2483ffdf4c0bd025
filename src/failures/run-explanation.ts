import { NotFoundError } from "../common/errors.js";
import type { Store } from "../store/index.js";
import type { JobExplanation } from "./explain-job.js";
import { isJobExplanation } from "./stored-explanation.js";

/** The explanation of one failed job attempt, with the job it belongs to. */
export interface ExplainedJob extends JobExplanation {
  jobId: number;
  key: string;
  name: string;
  attempt: number;
  /** ISO 8601. */
  explainedAt: string;
}

/** The explained failed jobs of a run. */
export interface RunExplanation {
  runId: number;
  status: string;
  jobs: ExplainedJob[];
}

/**
 * The stored explanations of a run's failed jobs as the API and `pitcrew runs why` show them;
 * `job` (a key or name) keeps one job, NotFoundError when the run has no such job. A stored
 * explanation whose shape is not a job explanation (written by an incompatible version) is left out.
 */
export async function runExplanation(store: Store, runId: number, job?: string): Promise<RunExplanation> {
  const run = await store.runs.get(runId);
  const jobs = new Map((await store.jobs.listForRun(run.id)).map((j) => [j.id, j]));
  if (job && ![...jobs.values()].some((j) => j.key === job || j.name === job)) throw new NotFoundError("job", job);
  const out: ExplainedJob[] = [];
  for (const e of await store.explanations.listForRun(run.id)) {
    const j = jobs.get(e.jobId);
    if (!j || (job && j.key !== job && j.name !== job) || !isJobExplanation(e.explanation)) continue;
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
