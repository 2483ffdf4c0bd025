/**
 * Executes one job attempt taken from the queue:
 *
 *   queued ──CAS──► running ─► workspace + checkout ─► secrets (if the run's trust allows them)
 *   ─► cache restore (scopes of the run's trust) ─► artifacts of the needed jobs
 *   ─► steps (in order, each with its `if`)
 *   ─► artifacts + reports (always) ─► cache save (on success) ─► success | failure | cancelled
 *   failure with retries left ──► queued (attempt + 1, enqueued after backoff × 2^(attempt−1))
 *
 * Every state change is persisted before the work it announces starts; the step's process group
 * id is stored while it runs, so recovery after a crash can kill it.
 */
import { join } from "node:path";
import { evaluateCondition } from "../../pipeline/index.js";
import { collectReports } from "../../reports/index.js";
import type { Job, Run, Status } from "../../store/index.js";
import { testId } from "../../testintel/index.js";
import { renderCacheKey } from "../cache.js";
import { receiveNeededArtifacts } from "../needed-artifacts.js";
import { checkout, ensureMirror, resolveRef } from "../checkout.js";
import { openScopedCache } from "../scoped-cache.js";
import { buildStepEnv } from "../step-env.js";
import { cacheAccess, receivesSecrets } from "../trust.js";
import { createWorkspace, resolveInside } from "../workspace.js";
import { createStreamMasker } from "../wrapped-masker.js";
import { LogWriter } from "./log-writer.js";
import { advanceRun, needsStatus } from "./scheduler.js";
import { JOBS_QUEUE, type JobTicket, type RunnerDeps, ticketKey } from "./runner-deps.js";
import { mirrorDir } from "./mirrors.js";
import { storeArtifacts } from "./store-artifacts.js";
import { orphanJob } from "./recovery.js";
import { chooseExecutor } from "./sandbox-policy.js";

/** Runs the job attempt named by `ticket`; a stale ticket (job not queued at that attempt) is ignored. */
export async function runJobAttempt(deps: RunnerDeps, ticket: JobTicket, signal: AbortSignal): Promise<void> {
  const { store, events } = deps;
  const job = await store.jobs.get(ticket.jobId);
  // The queue hands a leased item to one consumer at a time: getting the ticket of an attempt
  // still running means its runner lost the lease (killed replica), so the attempt is orphaned.
  if (job.status === "running" && job.attempt === ticket.attempt) {
    if (await orphanJob(deps, job, "lease-expired")) await advanceRun(deps, job.runId);
    return;
  }
  if (job.status !== "queued" || job.attempt !== ticket.attempt) return;
  const run = await store.runs.get(job.runId);
  if (run.status === "cancelled") return void (await advanceRun(deps, run.id));
  if (!(await store.jobs.transition(job.id, ["queued"], "running"))) return;
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
  let outcome: { status: Status; reason: string | null; exitCode: number | null };
  try {
    outcome = await execute(deps, run, job, logs, signal);
  } catch (err) {
    logs.write(-1, "system", `pitcrew: ${err instanceof Error ? err.message : String(err)}`);
    outcome = { status: "failure", reason: err instanceof Error ? err.message : String(err), exitCode: null };
  }
  await logs.flush();
  await store.steps.finishRemaining(
    job.id,
    job.attempt,
    outcome.status === "cancelled" ? "cancelled" : "skipped",
    outcome.reason,
  );
  await finishAttempt(deps, run, job, outcome);
}

async function execute(deps: RunnerDeps, run: Run, job: Job, logs: LogWriter, signal: AbortSignal) {
  const { store } = deps;
  const runJobs = await store.jobs.listForRun(run.id);
  const needs = needsStatus(runJobs.filter((j) => job.spec.needs.includes(j.key)));
  const project = await store.projects.get(run.projectId);
  const spec = job.spec;
  const ws = createWorkspace(join(deps.dataDir, "workspaces"), {
    runId: run.id,
    jobKey: job.key,
    attempt: job.attempt,
  });
  const sys = (line: string) => logs.write(-1, "system", line);
  try {
    const executor = chooseExecutor(deps, project, run, spec.sandbox.enabled, sys);
    sys(`checking out ${run.commit.slice(0, 12)} (${run.branch})`);
    const mirror = mirrorDir(deps.dataDir, project.id);
    // The run may have been triggered on another replica: fetch the commit into this one's mirror.
    const known = await resolveRef(mirror, run.commit).then(
      () => true,
      () => false,
    );
    if (!known) await ensureMirror(project.repoUrl, mirror);
    await checkout({ mirrorDir: mirror, commit: run.commit, dest: ws.dir });

    const withSecrets = receivesSecrets(run.trust, project);
    const secrets = withSecrets ? await store.secrets.reveal(project.id, spec.secrets) : {};
    if (!withSecrets && spec.secrets.length)
      sys(
        `secrets withheld (${spec.secrets.join(", ")}): a ${run.trust === "fork" ? "pull request from a fork never gets" : "pull request gets no"} secrets${run.trust === "fork" ? "" : " unless the project trusts pull requests"}`,
      );
    const missing = withSecrets ? spec.secrets.filter((s) => !(s in secrets)) : [];
    if (missing.length) sys(`warning: secrets not set for this project: ${missing.join(", ")}`);
    const secretValues = Object.values(secrets);
    const vars = { ...spec.matrix };
    const cacheStore = openScopedCache(
      join(deps.dataDir, "cache", String(project.id)),
      cacheAccess(run.trust, project, run),
    );
    let cacheKey: string | undefined;
    if (spec.cache) {
      cacheKey = await renderCacheKey(spec.cache.key, { workspace: ws.dir, vars });
      const restoreKeys = await Promise.all(
        spec.cache.restoreKeys.map((k) => renderCacheKey(k, { workspace: ws.dir, vars })),
      );
      const hit = await cacheStore.restore({ key: cacheKey, restoreKeys, workspace: ws.dir });
      sys(
        hit.hit === "miss"
          ? `cache miss for ${cacheKey}`
          : `cache ${hit.hit} hit: restored ${hit.key} (scope ${hit.scope})`,
      );
    }

    const producers = runJobs.filter((j) => spec.needs.includes(j.key)).map((j) => j.id);
    const received = await receiveNeededArtifacts(store, deps.blobs, run.id, producers, ws.dir);
    if (received.files > 0)
      sys(`received ${received.files} artifact file(s) (${received.bytes} bytes) from needed jobs`);
    await executor.prepare?.(ws.root);
    const deadline = deps.clock.now() + spec.timeoutMs;
    let state: "success" | "failure" | "cancelled" = "success";
    let failReason: string | null = null;
    let exitCode: number | null = 0;
    for (const [idx, step] of spec.steps.entries()) {
      const cond = step.if ?? "success()";
      const ctx = {
        event: run.event,
        branch: run.branch,
        commit: run.commit,
        baseBranch: run.baseBranch ?? undefined,
        matrix: spec.matrix,
        inputs: run.plan.inputs ?? run.inputs,
        env: { ...run.plan.env, ...spec.env, ...step.env },
        needs,
        state: signal.aborted ? ("cancelled" as const) : state,
      };
      if (!evaluateCondition(cond, ctx)) {
        await store.steps.finish(job.id, job.attempt, idx, "skipped", null, `condition is false: ${cond}`);
        continue;
      }
      const remaining = deadline - deps.clock.now();
      if (remaining <= 0) {
        state = "failure";
        failReason = `job timed out after ${spec.timeoutMs} ms`;
        break;
      }
      await store.steps.start(job.id, job.attempt, idx);
      await deps.events.emit(
        "step.started",
        { kind: "run", id: run.id },
        { jobId: job.id, step: idx, name: step.name },
      );
      const env = buildStepEnv({
        pipelineEnv: run.plan.env,
        jobEnv: spec.env,
        stepEnv: step.env,
        secrets,
        builtins: {
          PITCREW_RUN_ID: String(run.id),
          PITCREW_RUN_NUMBER: String(run.number),
          PITCREW_PROJECT: project.name,
          PITCREW_JOB: job.key,
          PITCREW_BRANCH: run.branch,
          PITCREW_COMMIT: run.commit,
          PITCREW_EVENT: run.event,
          PITCREW_WORKSPACE: ws.dir,
          HOME: ws.home,
          TMPDIR: ws.tmp,
          ...Object.fromEntries(
            Object.entries(run.plan.inputs ?? run.inputs).map(([k, v]) => [`PITCREW_INPUT_${k.toUpperCase()}`, v]),
          ),
        },
      });
      const maskers = {
        stdout: createStreamMasker(secretValues, (line) => logs.write(idx, "stdout", line)),
        stderr: createStreamMasker(secretValues, (line) => logs.write(idx, "stderr", line)),
      };
      const res = await executor.runStep({
        script: step.run,
        cwd: step.workingDirectory ? resolveInside(ws.dir, step.workingDirectory) : ws.dir,
        workspace: ws.root,
        env,
        timeoutMs: Math.min(step.timeoutMs ?? remaining, remaining),
        signal,
        network: spec.sandbox.network,
        onStart: (pid) => void store.steps.setPid(job.id, job.attempt, idx, pid),
        onLine: (stream, line) => maskers[stream].line(line),
      });
      maskers.stdout.end();
      maskers.stderr.end();
      logs.endStep(idx);
      let stepStatus: Status = "success";
      let stepReason: string | null = null;
      if (res.cancelled) {
        stepStatus = "cancelled";
        stepReason = "cancelled";
      } else if (res.timedOut) {
        stepStatus = "failure";
        stepReason = `timed out after ${Math.round(res.durationMs)} ms`;
      } else if (res.exitCode !== 0) {
        stepStatus = "failure";
        stepReason = res.signal ? `killed by ${res.signal}` : `exit code ${res.exitCode}`;
      }
      await store.steps.finish(job.id, job.attempt, idx, stepStatus, res.exitCode, stepReason);
      await deps.events.emit(
        "step.finished",
        { kind: "run", id: run.id },
        {
          jobId: job.id,
          step: idx,
          status: stepStatus,
          reason: stepReason,
        },
      );
      if (stepStatus === "cancelled") {
        state = "cancelled";
        failReason = "cancelled";
        break;
      }
      // Said in the log too, so the failure analysis (src/failures) and a reader see why.
      if (stepStatus === "failure") sys(`step '${step.name}' failed: ${stepReason}`);
      if (stepStatus === "failure" && !step.continueOnError) {
        state = "failure";
        failReason = `step '${step.name}' failed: ${stepReason}`;
        exitCode = res.exitCode;
      }
    }

    await collectOutputs(deps, run, job, ws.dir, sys);
    if (state === "success" && spec.cache && cacheKey) {
      const saved = await cacheStore.save({ key: cacheKey, paths: spec.cache.paths, workspace: ws.dir });
      if (saved.saved) sys(`cache saved: ${cacheKey} (${saved.size} bytes)`);
      else if (saved.readOnly) sys(`cache not saved: a run of a pull request from a fork has a read-only cache`);
    }
    return { status: state as Status, reason: failReason, exitCode };
  } finally {
    if (!deps.options.keepWorkspaces) await ws.cleanup();
  }
}

async function collectOutputs(deps: RunnerDeps, run: Run, job: Job, workspace: string, sys: (l: string) => void) {
  const { store, clock } = deps;
  if (job.spec.artifacts.length > 0) {
    try {
      const files = await storeArtifacts(deps, run.id, job, workspace, sys);
      await store.artifacts.add(files.map((f) => ({ ...f, runId: run.id, jobId: job.id, createdAt: clock.now() })));
      sys(`artifacts: ${files.length} file(s) stored`);
    } catch (err) {
      sys(`artifacts not collected: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const r = job.spec.reports;
  if (r.junit.length + r.coverage.length === 0) return;
  const found = await collectReports(workspace, r, {});
  for (const p of found.problems) sys(`report problem: ${p}`);
  await store.reports.addTests(
    found.cases.map((c) => ({
      runId: run.id,
      jobId: job.id,
      suite: c.suite,
      classname: c.classname,
      name: c.name,
      file: c.file,
      status: c.status,
      durationMs: c.durationMs,
      message: c.message,
      details: c.details,
      projectId: run.projectId,
      testId: testId(c),
      attempt: job.attempt,
      commitSha: run.commit,
      branch: run.branch,
      createdAt: clock.now(),
    })),
  );
  await store.reports.addCoverage(found.coverage.map((f) => ({ ...f, runId: run.id, jobId: job.id })));
  sys(`reports: ${found.cases.length} test case(s), ${found.coverage.length} covered file(s)`);
}

async function finishAttempt(
  deps: RunnerDeps,
  run: Run,
  job: Job,
  outcome: { status: Status; reason: string | null; exitCode: number | null },
): Promise<void> {
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
      const ticket = { jobId: job.id, attempt: next };
      await deps.queue.enqueue(JOBS_QUEUE, ticket, {
        dedupeKey: ticketKey(ticket),
        labels: job.spec.runsOn,
        runAfter: deps.clock.now() + delay,
      });
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
