/**
 * Explains every failed job after it ends: on `job.finished` with status `failure`, reads the
 * job attempt's stored log (bounded), its failed JUnit test cases and the logs of the same job's
 * last successful runs, stores the explanation and emits `job.explained`. Runs off the job's
 * critical path (a bus subscriber, one analysis at a time), so it never slows a run.
 */
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../events/index.js";
import type { Job, Store } from "../store/index.js";
import { explainJob, type JobFacts } from "./explain-job.js";
import { failureSignature } from "./failure-signature.js";

/** Where failed jobs are read from, explanations stored and announced. */
export interface FailureExplanationDeps {
  store: Store;
  events: EventLog;
  bus: Bus;
  clock: Clock;
  log: Logger;
}

/** Most log lines of one job attempt read for its explanation. */
const MAX_LOG_LINES = 200_000;
/** How many of the job's latest successful runs its failure is compared with. */
export const COMPARED_SUCCESSES = 10;

/** Explains one failed job attempt, stores the explanation and emits `job.explained`. */
export async function explainFailedJob(deps: FailureExplanationDeps, jobId: number): Promise<void> {
  const { store, events, clock } = deps;
  const job = await store.jobs.get(jobId);
  const run = await store.runs.get(job.runId);
  const failedTests = (await store.reports.tests(run.id, { status: "failed", limit: 500 }))
    .filter((t) => t.jobId === job.id)
    .map((t) => ({ name: t.name, message: t.message }));
  const successes: JobFacts["successes"] = [];
  for (const s of await store.jobs.recentSuccesses(run.projectId, job.key, job.id, COMPARED_SUCCESSES))
    successes.push({ runId: s.runId, lines: await logOf(store, s) });
  const explanation = await explainJob(await logOf(store, job), { reason: job.reason, failedTests, successes });
  await store.explanations.save({
    jobId: job.id,
    attempt: job.attempt,
    runId: run.id,
    category: explanation.category,
    confidence: explanation.confidence,
    explanation: { ...explanation },
    signature: failureSignature(explanation.category, explanation.lines).key,
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
async function logOf(store: Store, job: Job): Promise<string[]> {
  const out: string[] = [];
  let after = 0;
  while (out.length < MAX_LOG_LINES) {
    const page = await store.logs.list(job.id, job.attempt, after, Math.min(10_000, MAX_LOG_LINES - out.length));
    for (const l of page) out.push(l.line);
    if (page.length === 0) break;
    after = page[page.length - 1]!.seq;
  }
  return out;
}

/** Subscribes to finished jobs; returns the stop function. */
export function startFailureExplanations(deps: FailureExplanationDeps): () => void {
  let chain: Promise<void> = Promise.resolve();
  return onEvent(deps.bus, "job.finished", ({ data: { jobId, status } }) => {
    if (status !== "failure") return;
    chain = chain
      .then(() => explainFailedJob(deps, jobId))
      .catch((err) => deps.log.error({ err, jobId }, "failure explanation failed"));
  });
}
