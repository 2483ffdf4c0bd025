/**
 * Explains every failed job after it ends: on `job.finished` with status `failure`, reads the
 * job attempt's stored log (bounded), its failed JUnit test cases and the logs of the same job's
 * last successful runs, stores the explanation and emits `job.explained`. Runs off the job's
 * critical path (a bus subscriber, one analysis at a time), so it never slows a run.
 */
import { NotFoundError } from "../common/errors.js";
import { onEvent } from "../events/index.js";
import { explainJob, type JobFacts } from "../failures/index.js";
import type { Job, Store } from "../store/index.js";
import type { App } from "./app.js";

/** Most log lines of one job attempt read for its explanation. */
const MAX_LOG_LINES = 200_000;
/** How many of the job's latest successful runs its failure is compared with. */
export const COMPARED_SUCCESSES = 10;

/** Explains one failed job attempt, stores the explanation and emits `job.explained`. */
export async function explainFailedJob(app: App, jobId: number): Promise<void> {
  const { store, events, clock } = app;
  const job = await store.jobs.get(jobId);
  const run = await store.runs.get(job.runId);
  const failedTests = (await store.reports.tests(run.id, { status: "failed", limit: 500 }))
    .filter((t) => t.jobId === job.id)
    .map((t) => ({ name: t.name, message: t.message }));
  const successes: JobFacts["successes"] = [];
  for (const s of await store.jobs.recentSuccesses(run.projectId, job.key, job.id, COMPARED_SUCCESSES))
    successes.push({ runId: s.runId, lines: await logOf(app, s) });
  const explanation = await explainJob(await logOf(app, job), { reason: job.reason, failedTests, successes });
  await store.explanations.save({
    jobId: job.id,
    attempt: job.attempt,
    runId: run.id,
    category: explanation.category,
    confidence: explanation.confidence,
    explanation: { ...explanation },
    createdAt: clock.now(),
  });
  await events.emit(
    "job.explained",
    { kind: "run", id: run.id },
    {
      runId: run.id,
      jobId: job.id,
      key: job.key,
      attempt: job.attempt,
      category: explanation.category,
      confidence: explanation.confidence,
      top: explanation.lines.slice(0, 3).map((l) => l.text),
    },
  );
}

/** The stored log of a job's current attempt, at most MAX_LOG_LINES lines. */
async function logOf(app: App, job: Job): Promise<string[]> {
  const out: string[] = [];
  let after = 0;
  while (out.length < MAX_LOG_LINES) {
    const page = await app.store.logs.list(job.id, job.attempt, after, Math.min(10_000, MAX_LOG_LINES - out.length));
    for (const l of page) out.push(l.line);
    if (page.length === 0) break;
    after = page[page.length - 1]!.seq;
  }
  return out;
}

/** Subscribes to finished jobs; returns the stop function. */
export function startFailureExplanations(app: App): () => void {
  let chain: Promise<void> = Promise.resolve();
  return onEvent(app.bus, "job.finished", ({ data: { jobId, status } }) => {
    if (status !== "failure") return;
    chain = chain
      .then(() => explainFailedJob(app, jobId))
      .catch((err) => app.log.error({ err, jobId }, "failure explanation failed"));
  });
}

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
