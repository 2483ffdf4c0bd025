/**
 * The beginning and the end of a job attempt, shared by a server worker running it
 * (`job-runner.ts`) and the agent hub handing it to a `pitcrew agent`:
 *
 *   begin: queued ──CAS──► running, run.started (first job), steps created, job.started, log writer
 *   end:   log flushed, steps left ──► skipped | cancelled,
 *          failure with retries left ──► queued (attempt + 1, enqueued after backoff × 2^(attempt−1))
 *          else ──► success | failure | cancelled, job.finished, the run advanced
 */
import type { Job, Project, Run, Status } from "../../store/index.js";
import { LogWriter } from "./log-writer.js";
import { enqueueAttempt, type JobTicket, type RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";
import type { StepRunContext, StepSink } from "./step-loop.js";

/** A job attempt that has begun. */
export interface BegunAttempt {
  run: Run;
  job: Job;
  logs: LogWriter;
}

/** How an attempt ended. */
export interface AttemptOutcome {
  status: Status;
  reason: string | null;
  exitCode: number | null;
}

/**
 * Begins the attempt named by `ticket`; undefined when the ticket is stale (job not queued at
 * that attempt) or its run was cancelled.
 */
export async function beginAttempt(deps: RunnerDeps, ticket: JobTicket): Promise<BegunAttempt | undefined> {
  const { store, events } = deps;
  const job = await store.jobs.get(ticket.jobId);
  // (the ticket of an attempt still running is the caller's to hold first: running-attempt.ts)
  if (job.status !== "queued" || job.attempt !== ticket.attempt) return undefined;
  const run = await store.runs.get(job.runId);
  if (run.status === "cancelled") return void (await advanceRun(deps, run.id));
  if (!(await store.jobs.transition(job.id, ["queued"], "running"))) return undefined;
  if (await store.runs.transition(run.id, ["queued"], "running")) {
    await events.emit("run.started", { kind: "run", id: run.id }, { runId: run.id });
  }
  await store.steps.createForAttempt(
    job.id,
    job.attempt,
    job.spec.steps.map((s) => s.name),
  );
  await events.emit("job.started", { kind: "run", id: run.id }, { jobId: job.id, key: job.key, attempt: job.attempt });
  const logs = new LogWriter(
    store.logs,
    deps.bus,
    { runId: run.id, jobId: job.id, attempt: job.attempt },
    { limits: deps.options.limits.log, runLinesBefore: await store.logs.countForRun(run.id) },
  );
  return { run, job: { ...job, status: "running" }, logs };
}

/**
 * Takes up attempt `attempt` of job `jobId` that another process began and still runs (an agent's
 * attempt whose agent moved here from another replica): its log goes on after the lines stored,
 * each step's output cap counting the lines already stored for it.
 * Undefined when that attempt is not running.
 */
export async function resumeAttempt(
  deps: RunnerDeps,
  jobId: number,
  attempt: number,
): Promise<BegunAttempt | undefined> {
  const { store } = deps;
  const job = await store.jobs.get(jobId);
  if (job.status !== "running" || job.attempt !== attempt) return undefined;
  const run = await store.runs.get(job.runId);
  const logs = new LogWriter(
    store.logs,
    deps.bus,
    { runId: run.id, jobId: job.id, attempt: job.attempt },
    { limits: deps.options.limits.log, runLinesBefore: await store.logs.countForRun(run.id) },
  );
  logs.startAfter(
    await store.logs.lastSeq(job.id, job.attempt),
    await store.logs.outputLinesByStep(job.id, job.attempt),
  );
  return { run, job, logs };
}

/** What the steps of an attempt see of its run. */
export function stepRunContext(run: Run, project: Project): StepRunContext {
  return {
    id: run.id,
    number: run.number,
    projectName: project.name,
    event: run.event,
    branch: run.branch,
    commit: run.commit,
    baseBranch: run.baseBranch,
    env: run.plan.env,
    inputs: run.plan.inputs ?? run.inputs,
  };
}

/** The server's step sink: steps in the store, events on the bus, output through the log writer. */
export function storeStepSink(deps: RunnerDeps, { run, job, logs }: BegunAttempt): StepSink {
  const { store, events } = deps;
  const subject = { kind: "run", id: run.id } as const;
  return {
    // each step's state and its event in one transaction, published once committed
    async stepStarted(idx, name) {
      const started = events.draft("step.started", subject, { jobId: job.id, step: idx, name });
      events.publish(await store.steps.start(job.id, job.attempt, idx, [started]));
    },
    async stepSkipped(idx, reason) {
      await store.steps.finish(job.id, job.attempt, idx, "skipped", null, reason);
    },
    async stepFinished(idx, status, exitCode, reason) {
      const finished = events.draft("step.finished", subject, { jobId: job.id, step: idx, status, reason });
      events.publish(await store.steps.finish(job.id, job.attempt, idx, status, exitCode, reason, [finished]));
    },
    stepPid: (idx, pid) => void store.steps.setPid(job.id, job.attempt, idx, pid),
    line: (idx, stream, line) => logs.write(idx, stream, line),
    endStep: (idx) => logs.endStep(idx),
  };
}

/** Ends a begun attempt with `outcome` (see the comment at the top of this file). */
export async function endAttempt(deps: RunnerDeps, begun: BegunAttempt, outcome: AttemptOutcome): Promise<void> {
  const { run, job, logs } = begun;
  await logs.flush();
  await deps.store.steps.finishRemaining(
    job.id,
    job.attempt,
    outcome.status === "cancelled" ? "cancelled" : "skipped",
    outcome.reason,
  );
  await finishAttempt(deps, run, job, outcome);
}

async function finishAttempt(deps: RunnerDeps, run: Run, job: Job, outcome: AttemptOutcome): Promise<void> {
  const { store, events } = deps;
  const retries = job.spec.retries;
  if (outcome.status === "failure" && job.attempt <= retries.count) {
    const next = job.attempt + 1;
    if (await store.jobs.transition(job.id, ["running"], "queued", { attempt: next, reason: outcome.reason })) {
      const delay = retries.backoffMs * 2 ** (job.attempt - 1);
      await events.emit(
        "job.retrying",
        { kind: "run", id: run.id },
        {
          jobId: job.id,
          key: job.key,
          attempt: next,
          delayMs: delay,
          reason: outcome.reason,
        },
      );
      await enqueueAttempt(deps, job, next, deps.clock.now() + delay);
      return;
    }
  }
  if (
    await store.jobs.transition(job.id, ["running"], outcome.status, {
      reason: outcome.reason,
      exitCode: outcome.exitCode,
    })
  ) {
    await events.emit(
      "job.finished",
      { kind: "run", id: run.id },
      {
        jobId: job.id,
        key: job.key,
        status: outcome.status,
        reason: outcome.reason,
      },
    );
  }
  await advanceRun(deps, run.id);
}
