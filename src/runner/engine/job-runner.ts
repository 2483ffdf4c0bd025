/**
 * Executes one job attempt taken from the queue on this server (attempt.ts begins and ends it):
 *
 *   begun ─► workspace + checkout ─► secrets (if the run's trust allows them)
 *   ─► cache restore (scopes of the run's trust) ─► artifacts of the needed jobs
 *   ─► steps (step-loop.ts) ─► artifacts + reports (always) ─► cache save (on success) ─► ended
 *
 * Every state change is persisted before the work it announces starts; the step's process group
 * id is stored while it runs, so recovery after a crash can kill it.
 */
import { join } from "node:path";
import { renderCacheKey } from "../cache.js";
import { receiveNeededArtifacts } from "../needed-artifacts.js";
import { checkout, ensureMirror, resolveRef } from "../checkout.js";
import { openScopedCache } from "../scoped-cache.js";
import { cacheAccess, receivesSecrets } from "../trust.js";
import { createWorkspace } from "../workspace.js";
import {
  type AttemptOutcome,
  type BegunAttempt,
  beginAttempt,
  endAttempt,
  stepRunContext,
  storeStepSink,
} from "./attempt.js";
import { watchAttemptCancelled } from "./attempt-cancelled.js";
import { collectOutputs } from "./collect-outputs.js";
import { holdRunningAttempt } from "./running-attempt.js";
import { needsStatus } from "./scheduler.js";
import type { JobTicket, RunnerDeps } from "./runner-deps.js";
import { mirrorDir } from "./mirrors.js";
import { chooseExecutor, sandboxNeed } from "./sandbox-policy.js";
import { recordingAdvisor } from "./selection-record.js";
import { runSteps } from "./step-loop.js";
import { historyAdvisor, testBaseCommit } from "./test-advisor.js";

/**
 * Runs the job attempt named by `ticket`; a stale ticket (job not queued at that attempt) is
 * ignored, one of an attempt still running is held or orphaned (running-attempt.ts).
 */
export async function runJobAttempt(deps: RunnerDeps, ticket: JobTicket, signal: AbortSignal): Promise<void> {
  if (await holdRunningAttempt(deps, ticket, signal)) return;
  const begun = await beginAttempt(deps, ticket);
  if (!begun) return;
  let outcome: AttemptOutcome;
  // a cancel whose queue message was lost (Redis away) still stops the job: the store says it
  const cancelled = watchAttemptCancelled(deps, begun.job, signal);
  try {
    outcome = await execute(deps, begun, cancelled.signal);
  } catch (err) {
    begun.logs.write(-1, "system", `pitcrew: ${err instanceof Error ? err.message : String(err)}`);
    outcome = { status: "failure", reason: err instanceof Error ? err.message : String(err), exitCode: null };
  } finally {
    cancelled.stop();
  }
  await endAttempt(deps, begun, outcome);
}

async function execute(deps: RunnerDeps, begun: BegunAttempt, signal: AbortSignal): Promise<AttemptOutcome> {
  const { store } = deps;
  const { run, job, logs } = begun;
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
    const executor = chooseExecutor(deps, sandboxNeed(project, run, spec.sandbox.enabled), sys);
    sys(`checking out ${run.commit.slice(0, 12)} (${run.branch})`);
    const mirror = mirrorDir(deps.dataDir, project.id);
    // The run may have been triggered on another replica: fetch the commit into this one's mirror.
    const sha = await resolveRef(mirror, run.commit).catch(async () => {
      await ensureMirror(project.repoUrl, mirror);
      return resolveRef(mirror, run.commit);
    });
    await checkout({ mirrorDir: mirror, commit: run.commit, sha, dest: ws.dir });

    const withSecrets = receivesSecrets(run.trust, project);
    const secrets = withSecrets ? await store.secrets.reveal(project.id, spec.secrets) : {};
    if (!withSecrets && spec.secrets.length)
      sys(
        `secrets withheld (${spec.secrets.join(", ")}): a ${run.trust === "fork" ? "pull request from a fork never gets" : "pull request gets no"} secrets${run.trust === "fork" ? "" : " unless the project trusts pull requests"}`,
      );
    const missing = withSecrets ? spec.secrets.filter((s) => !(s in secrets)) : [];
    if (missing.length) sys(`warning: secrets not set for this project: ${missing.join(", ")}`);
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
    const steps = await runSteps({
      run: stepRunContext(run, project),
      jobKey: job.key,
      spec,
      needs,
      secrets,
      workspace: ws,
      executor,
      signal,
      clock: deps.clock,
      sink: storeStepSink(deps, begun),
      advise: recordingAdvisor(
        store,
        { projectId: project.id, runId: run.id, jobId: job.id, attempt: job.attempt },
        historyAdvisor(store, deps.tests.selector, project, run, job.key, {
          mirror,
          base: () => testBaseCommit(store, mirror, run),
        }),
        () => deps.clock.now(),
        sys,
      ),
      // A map says which tests a later change may skip: only code the project trusts may write one,
      // and an untrusted run collects none (nothing it wrote is parsed as coverage).
      untrusted: sandboxNeed(project, run, false).untrusted ?? undefined,
      recordCoverage: async (coverage) => {
        const recorder = deps.tests.recorder;
        if (!recorder) return sys("tests: coverage collected, but this server has no dependency recorder");
        const at = { project: project.name, commit: run.commit };
        try {
          const r =
            coverage.kind === "v8"
              ? await recorder.recordV8Coverage({ ...at, repoDir: ws.dir, coverageDir: coverage.dir })
              : await recorder.recordPythonCoverage({ ...at, runs: coverage.runs, unusable: coverage.unusable });
          const from = coverage.kind === "v8" ? "V8 coverage" : "coverage.py";
          sys(`tests: dependencies of ${r.testFiles} test file(s) recorded from ${from}`);
          if ("forgotten" in r && r.forgotten > 0)
            sys(
              `tests: stored maps of ${r.forgotten} test file(s) without a usable report deleted (they run until measured again)`,
            );
        } catch (err) {
          sys(`tests: dependencies not recorded: ${err instanceof Error ? err.message : String(err)}`);
        }
      },
    });
    await collectOutputs(deps, run, job, ws.dir, sys, steps.quarantined, ws.output);
    if (steps.outsideChange.length > 0) {
      // the evidence `tests flaky` shows beside a test's flakiness (testintel/outside-change-evidence.ts)
      await deps.events.emit(
        "tests.outside_change",
        { kind: "run", id: run.id },
        { runId: run.id, jobId: job.id, key: job.key, attempt: job.attempt, failures: steps.outsideChange },
      );
    }
    if (steps.status === "success" && spec.cache && cacheKey) {
      const saved = await cacheStore.save({ key: cacheKey, paths: spec.cache.paths, workspace: ws.dir });
      if (saved.saved) sys(`cache saved: ${cacheKey} (${saved.size} bytes)`);
      else if (saved.readOnly) sys(`cache not saved: a run of a pull request from a fork has a read-only cache`);
    }
    return { status: steps.status, reason: steps.reason, exitCode: steps.exitCode };
  } finally {
    if (!deps.options.keepWorkspaces) await ws.cleanup();
  }
}
