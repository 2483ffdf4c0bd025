/**
 * The scheduler moves a run forward after anything changed (run created, job finished, restart):
 *
 *   for each queued job whose needs have all finished:
 *     condition (`if`, default success()) over the needs' outcome ── false ──► skipped
 *                                                               └─ true ──► enqueue(job, attempt), once:
 *                                                                  the job row records the attempt queued
 *                                    (failure right away if no runner or live agent has its `runs-on` labels)
 *   when every job has finished: run status from the jobs, then quality gates ─► run finished
 *
 * It is idempotent (enqueue dedupes per job attempt, transitions are compare-and-set), so it
 * can be called any number of times, from any process, including after a crash. A job whose
 * attempt the store records as queued (`jobs.enqueued_attempt`) is passed over, so a run of n
 * jobs costs O(n) queue adds, not one per job per pass (recovery asks for `requeue`: the queue
 * may have lost items the store says were added; so does the leader's requeue-pass.ts for jobs
 * marked long ago).
 */
import { evaluateCondition } from "../../pipeline/index.js";
import { evaluateGates, summarizeCoverage, summarizeTests } from "../../reports/index.js";
import type { Job } from "../../store/index.js";
import { isFinished, type Status } from "../../store/index.js";
import type { Run } from "../../store/index.js";
import { unplaceableReason } from "./placeable.js";
import { enqueueAttempt, type RunnerDeps } from "./runner-deps.js";

/** Serialises `advance` per run within this process. */
const chains = new Map<number, Promise<void>>();

/** Options of {@link advanceRun}. */
export interface AdvanceOptions {
  /**
   * Add the queue items of ready jobs again even where the store says they were added (recovery:
   * a queue may have lost them): all of them (true) or those of the given job ids (requeue-pass.ts).
   */
  requeue?: boolean | ReadonlySet<number>;
}

/** Moves run `runId` forward (see the comment at the top of this file). */
export function advanceRun(deps: RunnerDeps, runId: number, opts: AdvanceOptions = {}): Promise<void> {
  const prev = chains.get(runId) ?? Promise.resolve();
  const next = prev
    .then(() => advanceOnce(deps, runId, opts))
    .catch((err) => deps.log.error({ err, runId }, "advance failed"));
  chains.set(runId, next);
  void next.finally(() => {
    if (chains.get(runId) === next) chains.delete(runId);
  });
  return next;
}

async function advanceOnce(deps: RunnerDeps, runId: number, opts: AdvanceOptions): Promise<void> {
  const { store, events } = deps;
  const run = await store.runs.get(runId);
  if (isFinished(run.status) && run.status !== "cancelled") return;
  const jobs = await store.jobs.listForRun(runId);
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  let skipped = false;
  for (const job of jobs) {
    if (job.status !== "queued") continue;
    if (run.status === "cancelled") {
      if (await store.jobs.transition(job.id, ["queued"], "cancelled", { reason: "run cancelled" })) {
        await events.emit(
          "job.finished",
          { kind: "run", id: runId },
          { jobId: job.id, key: job.key, status: "cancelled" },
        );
      }
      continue;
    }
    // queued already (the store says so, whichever replica added it): nothing to decide again
    if (job.enqueuedAttempt === job.attempt && !requeues(opts, job.id)) continue;
    const needs = job.spec.needs.map((k) => byKey.get(k));
    if (needs.some((n) => !n || !isFinished(n.status))) continue;
    const decision = decide(run, job, needs as Job[]);
    if (!decision.run) {
      if (await store.jobs.transition(job.id, ["queued"], "skipped", { reason: decision.reason })) {
        await events.emit(
          "job.finished",
          { kind: "run", id: runId },
          {
            jobId: job.id,
            key: job.key,
            status: "skipped",
            reason: decision.reason,
          },
        );
        skipped = true;
      }
      continue;
    }
    // A job no runner can take would wait forever: fail it now, with the reason.
    const reason = await unplaceableReason(deps, job.spec.runsOn);
    if (reason) {
      if (await store.jobs.transition(job.id, ["queued"], "failure", { reason })) {
        await events.emit(
          "job.finished",
          { kind: "run", id: runId },
          { jobId: job.id, key: job.key, status: "failure", reason },
        );
        skipped = true;
      }
      continue;
    }
    await enqueueAttempt(deps, job, job.attempt);
  }
  // A job skipped (or failed) just now decides its dependents, which this pass saw still waiting on it.
  if (skipped) return advanceOnce(deps, runId, opts);
  const after = await store.jobs.listForRun(runId);
  if (run.status !== "cancelled" && after.every((j) => isFinished(j.status))) await finishRun(deps, run, after);
}

function requeues(opts: AdvanceOptions, jobId: number): boolean {
  return opts.requeue instanceof Set ? opts.requeue.has(jobId) : opts.requeue === true;
}

/** Whether a ready job runs, from its `if` (default `success()`) and its needs' outcomes. */
function decide(run: Run, job: Job, needs: Job[]): { run: boolean; reason?: string } {
  const failed = needs.some((n) => (n.status === "failure" && !n.spec.continueOnError) || n.status === "cancelled");
  const skippedNeed = needs.find((n) => n.status === "skipped");
  const state: "success" | "failure" = failed ? "failure" : "success";
  if (!job.spec.if) {
    if (failed) return { run: false, reason: "a needed job failed" };
    if (skippedNeed) return { run: false, reason: `needed job '${skippedNeed.key}' was skipped` };
    return { run: true };
  }
  const ok = evaluateCondition(job.spec.if, {
    event: run.event,
    branch: run.branch,
    commit: run.commit,
    baseBranch: run.baseBranch ?? undefined,
    matrix: job.spec.matrix,
    inputs: run.plan.inputs ?? run.inputs,
    env: { ...run.plan.env, ...job.spec.env },
    needs: needsStatus(needs),
    state,
  });
  return ok ? { run: true } : { run: false, reason: `condition is false: ${job.spec.if}` };
}

/**
 * `needs.<job>.status` for conditions: a matrix job's expansions are combined (failure if any
 * failed, else cancelled if any was cancelled, else skipped if all were skipped, else success).
 */
export function needsStatus(needs: Job[]): Record<string, { status: string }> {
  const byName = new Map<string, string[]>();
  for (const n of needs) byName.set(n.name, [...(byName.get(n.name) ?? []), n.status]);
  const combine = (s: string[]) =>
    s.includes("failure")
      ? "failure"
      : s.includes("cancelled")
        ? "cancelled"
        : s.every((x) => x === "skipped")
          ? "skipped"
          : "success";
  return Object.fromEntries([...byName].map(([name, s]) => [name, { status: combine(s) }]));
}

async function finishRun(deps: RunnerDeps, run: Run, jobs: Job[]): Promise<void> {
  const { store, events } = deps;
  const failedJob = jobs.find((j) => (j.status === "failure" && !j.spec.continueOnError) || j.status === "cancelled");
  let status: Status = failedJob ? "failure" : "success";
  let reason: string | null = failedJob
    ? `job '${failedJob.key}' ${failedJob.status === "cancelled" ? "was cancelled" : "failed"}`
    : null;
  const gates = await evaluateRunGates(deps, run);
  if (gates.length > 0) {
    await store.runs.setGateResults(run.id, gates);
    const failedGate = gates.find((g) => !g.passed);
    if (failedGate && status === "success") {
      status = "failure";
      reason = `quality gate ${failedGate.gate} failed: ${failedGate.reason}`;
    }
  }
  if (!(await store.runs.transition(run.id, ["queued", "running"], status, reason))) return;
  await events.emit(
    "run.finished",
    { kind: "run", id: run.id },
    {
      runId: run.id,
      projectId: run.projectId,
      status,
      reason,
      gates,
    },
  );
}

async function evaluateRunGates(deps: RunnerDeps, run: Run) {
  const g = run.plan.gates;
  if (g.testsPassRate === undefined && g.coverageMin === undefined && g.coverageDropMax === undefined) return [];
  const tests = await deps.store.reports.tests(run.id, { limit: 10_000 });
  const cov = await deps.store.reports.coverage(run.id);
  const project = await deps.store.projects.get(run.projectId);
  const base = await deps.store.runs.lastSuccessful(run.projectId, run.baseBranch ?? project.defaultBranch, run.id);
  const baseCov = base ? await deps.store.reports.coverage(base.id) : [];
  return evaluateGates(g, {
    tests: tests.length ? summarizeTests(tests) : undefined,
    coverage: cov.length ? summarizeCoverage(cov) : undefined,
    baselineCoveragePct: baseCov.length ? summarizeCoverage(baseCov).pct : undefined,
  });
}
