/**
 * Explains every failed job after it ends: on `job.finished` with status `failure`, reads the
 * job attempt's stored log (bounded), its failed JUnit test cases and which of them test
 * intelligence calls flaky, the logs of the same job's last successful runs and whether it passed
 * on the same commit, stores the explanation and emits
 * `job.explained`; on a `success`, the same job's explained failures on that commit become flaky. Runs off the job's
 * critical path (a bus subscriber, one analysis at a time), so it never slows a run.
 */
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { type Bus, type EventLog, onEvent } from "../events/index.js";
import type { Job, Store } from "../store/index.js";
import { projectFlakyTests, testId } from "../testintel/index.js";
import { explainJob, type JobFacts } from "./explain-job.js";
import { failureSignature } from "./failure-signature.js";
import { type FlakyFailedTest, withSameCommitPass } from "./flaky-fact.js";
import { isJobExplanation } from "./stored-explanation.js";

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
/** How many of the project's latest runs test intelligence reads for flaky tests, without a live model. */
const FLAKY_HISTORY_RUNS = 100;
/** How many of the job's latest finished runs are searched for a pass on the same commit. */
const SAME_COMMIT_LOOKBACK = 50;

/**
 * After a job passes: the same job's explained failures on the same commit (a re-run, or a
 * trigger of the same commit) become `flaky` (flaky-fact.ts), stored again and announced again.
 */
export async function reclassifyAfterPass(deps: FailureExplanationDeps, jobId: number): Promise<void> {
  const { store, events } = deps;
  const job = await store.jobs.get(jobId);
  const run = await store.runs.get(job.runId);
  // bounded by count, not by this job's id: a failure of a later-created job may have ended first
  const failed = (
    await store.jobs.history(run.projectId, job.key, Number.MAX_SAFE_INTEGER, SAME_COMMIT_LOOKBACK)
  ).filter((h) => h.status === "failure" && h.commit === run.commit);
  for (const f of failed) {
    const stored = (await store.explanations.listForRun(f.runId)).find(
      (e) => e.jobId === f.jobId && e.attempt === f.attempt,
    );
    if (!stored || !isJobExplanation(stored.explanation)) continue;
    const before = stored.explanation;
    const after = withSameCommitPass(before, run.id);
    if (after === before) continue;
    await store.explanations.save({
      ...stored,
      category: after.category,
      confidence: after.confidence,
      explanation: { ...after },
      signature: failureSignature(after.category, after.lines).key,
    });
    await events.emit(
      "job.explained",
      { kind: "run", id: f.runId },
      {
        runId: f.runId,
        jobId: f.jobId,
        key: job.key,
        attempt: f.attempt,
        category: after.category,
        confidence: after.confidence,
        top: after.lines.slice(0, 3).map((l) => l.text),
      },
    );
  }
}

/** Explains one failed job attempt, stores the explanation and emits `job.explained`. */
export async function explainFailedJob(deps: FailureExplanationDeps, jobId: number): Promise<void> {
  const { store, events, clock } = deps;
  const job = await store.jobs.get(jobId);
  const run = await store.runs.get(job.runId);
  // Quarantined failures (known flaky, excused by the test step) are not what failed the job.
  const failed = (await store.reports.tests(run.id, { status: "failed", limit: 500 })).filter(
    (t) => t.jobId === job.id && !t.quarantined,
  );
  const failedTests = failed.map((t) => ({ name: t.name, message: t.message }));
  const failedIds = [...new Set(failed.map(testId))];
  const successes: JobFacts["successes"] = [];
  for (const s of await store.jobs.recentSuccesses(run.projectId, job.key, job.id, COMPARED_SUCCESSES))
    successes.push({ runId: s.runId, lines: await logOf(store, s) });
  const passedOnSameCommit = (await store.jobs.history(run.projectId, job.key, job.id, SAME_COMMIT_LOOKBACK)).find(
    (h) => h.status === "success" && h.commit === run.commit,
  )?.runId;
  const explanation = await explainJob(await logOf(store, job), {
    reason: job.reason,
    failedTests,
    successes,
    passedOnSameCommit,
    flakyTests:
      failedIds.length > 0
        ? { failed: failedIds, flaky: await flakyAmong(store, run.projectId, failedIds) }
        : undefined,
  });
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

/** Which of `ids` test intelligence calls flaky in the project (its live model, else its latest runs). */
async function flakyAmong(store: Store, projectId: number, ids: readonly string[]): Promise<FlakyFailedTest[]> {
  const wanted = new Set(ids);
  const { tests } = await projectFlakyTests(store, projectId, { runs: FLAKY_HISTORY_RUNS });
  return tests
    .filter((t) => t.flaky && wanted.has(t.id))
    .map((t) => ({
      id: t.id,
      evidence: `failed and passed in ${t.mixedRuns} run(s), ${t.blips} one-run failure(s) in ${t.runs} runs`,
    }));
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
    if (status !== "failure" && status !== "success") return;
    chain = chain
      .then(() => (status === "failure" ? explainFailedJob(deps, jobId) : reclassifyAfterPass(deps, jobId)))
      .catch((err) => deps.log.error({ err, jobId }, "failure explanation failed"));
  });
}
