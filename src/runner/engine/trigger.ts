import { ValidationError } from "../../common/errors.js";
import { formatDiagnostic, hasErrors } from "../../common/diagnostics.js";
import type { Diagnostic } from "../../common/diagnostics.js";
import { compilePipeline, isLimitDiagnostic, pipelineTooLarge, type TriggerEvent } from "../../pipeline/index.js";
import type { Project, Run } from "../../store/index.js";
import { changedFiles, ensureMirror, fetchPullHead, resolveRef } from "../checkout.js";
import { runTrust } from "../trust.js";
import { mirrorDir } from "./mirrors.js";
import { readPipelineFile } from "./read-pipeline-file.js";
import type { RunnerDeps } from "./runner-deps.js";
import { assertBranchName } from "./branch-name.js";
import { unsandboxedRefusal } from "./sandbox-policy.js";
import { advanceRun } from "./scheduler.js";

/** A request to start a pipeline run. */
export interface TriggerRequest {
  event: TriggerEvent;
  /** Branch to build (default: the project's default branch). */
  branch?: string;
  /** Exact commit (default: the branch head). */
  commit?: string;
  /** The previous head, to compute changed files for path filters. */
  before?: string;
  baseBranch?: string;
  inputs?: Record<string, string>;
  /** For cron runs: the schedule's name. */
  schedule?: string;
  triggeredBy: string;
  /** Run even if the pipeline's `on:` filters would not (local runs). */
  ignoreTriggers?: boolean;
  /** Build again even if this commit already has a push run (an explicit `pitcrew run`). */
  rebuild?: boolean;
  /** For pull_request runs: the PR's number (to fetch its head when the mirror lacks it) and whether it comes from a fork. */
  pullRequest?: { number: number; fork: boolean };
}

/** What a trigger produced: a run, or the reason none was created. */
export type TriggerResult = { run: Run; skipped?: undefined } | { run?: undefined; skipped: string };

/** Push triggers in progress, by project, branch and commit (see `triggerRun`). */
const pushing = new Map<string, Promise<TriggerResult>>();

/**
 * Starts a run: syncs the mirror, resolves the commit, reads and compiles the pipeline at that
 * commit, persists the run with its jobs and its trust (runner/trust.ts), then lets the scheduler
 * enqueue what is ready. A pull request's pipeline is read from its BASE branch, never from its
 * head: the head is untrusted code, so it may not choose its own triggers, secrets or steps (the
 * lesson of GitHub's `pull_request_target`); a fork's head is fetched into the mirror first. An
 * invalid pipeline still creates a run, finished as `failure` with the diagnostics as reason; a
 * pipeline over a limit creates nothing and throws a ValidationError (see {@link refuse}); untrusted
 * code where jobs cannot be sandboxed finishes as `failure` too (`sandbox-policy.ts`).
 *
 * A push is one run: a `push` of a commit that already has a push run on the same branch (not
 * cancelled) returns that run, and concurrent pushes of one commit (the poller, a webhook and a
 * heal shipping its merge at once) wait for each other, so the commit is built once. A `rebuild`
 * request (a user's explicit `pitcrew run` of an unchanged tree) always creates a new run.
 */
export async function triggerRun(
  deps: RunnerDeps,
  projectRef: string | number,
  req: TriggerRequest,
): Promise<TriggerResult> {
  const { store } = deps;
  const project = await store.projects.resolve(projectRef);
  const mirror = mirrorDir(deps.dataDir, project.id);
  await ensureMirror(project.repoUrl, mirror);
  const branch = assertBranchName(req.branch ?? project.defaultBranch);
  if (req.baseBranch !== undefined) assertBranchName(req.baseBranch);
  if (req.event === "pull_request" && req.pullRequest?.fork)
    await fetchPullHead(project.repoUrl, mirror, req.pullRequest.number);
  const commit = await resolveRef(mirror, req.commit ?? branch);
  if (req.event !== "push" || req.rebuild) return createRun(deps, project, mirror, branch, commit, req);
  const key = `${project.id}\0${branch}\0${commit}`;
  for (let waiting = pushing.get(key); waiting; waiting = pushing.get(key)) await waiting.catch(() => undefined);
  // set before the next await: a later push of the commit waits for this one
  const creating = (async (): Promise<TriggerResult> => {
    const existing = (await store.runs.list({ projectId: project.id, branch, limit: 100 })).find(
      (r) => r.event === "push" && r.commit === commit && r.status !== "cancelled",
    );
    return existing ? { run: existing } : createRun(deps, project, mirror, branch, commit, req);
  })();
  pushing.set(key, creating);
  try {
    return await creating;
  } finally {
    pushing.delete(key);
  }
}

/**
 * Compiles the pipeline at `commit` (a pull request's: at its base branch) and persists the run
 * (the part of `triggerRun` after resolving).
 */
async function createRun(
  deps: RunnerDeps,
  project: Project,
  mirror: string,
  branch: string,
  commit: string,
  req: TriggerRequest,
): Promise<TriggerResult> {
  const { store, events } = deps;
  const files = req.before ? await changedFiles(mirror, req.before, commit) : undefined;
  const limits = deps.options.limits.pipeline;
  const isPr = req.event === "pull_request";
  const definedAt = isPr ? await resolveRef(mirror, req.baseBranch ?? project.defaultBranch) : commit;
  const object = `${definedAt}:${project.pipelinePath}`;
  const file = await readPipelineFile(mirror, object, limits.max_bytes);
  if (!file) {
    throw new ValidationError(
      `no pipeline file '${project.pipelinePath}' in ${project.name} at ${definedAt.slice(0, 12)}${isPr ? " (the pull request's base branch, which defines its pipeline)" : ""}`,
    );
  }
  const trust = runTrust(project, { event: req.event, branch, fork: req.pullRequest?.fork });
  // Read only a pipeline within the size limit: a huge one is refused before it costs memory.
  if (file.text === undefined || file.size > limits.max_bytes) {
    refuse([pipelineTooLarge(file.size, limits.max_bytes, project.pipelinePath)]);
  }
  const text = file.text;
  const trigger = {
    event: req.event,
    branch,
    commit,
    baseBranch: req.baseBranch,
    changedFiles: files,
    inputs: req.inputs ?? {},
    schedule: req.schedule,
  };
  const compiled = compilePipeline(text, trigger, {
    file: project.pipelinePath,
    ignoreTriggers: req.ignoreTriggers,
    limits,
  });
  const breached = compiled.diagnostics.filter(isLimitDiagnostic);
  if (breached.length) refuse(breached);
  const base = {
    projectId: project.id,
    event: req.event,
    branch,
    commit,
    baseBranch: req.baseBranch ?? null,
    inputs: req.inputs ?? {},
    changedFiles: files ?? null,
    triggeredBy: req.triggeredBy,
    trust,
  };
  const refusal = compiled.plan && unsandboxedRefusal(deps, project, { event: req.event, branch });
  if (hasErrors(compiled.diagnostics) || !compiled.plan || refusal) {
    if (compiled.skipped && !hasErrors(compiled.diagnostics)) return { skipped: compiled.skipped };
    const reason =
      refusal ||
      `invalid pipeline:\n${compiled.diagnostics
        .filter((d) => d.severity === "error")
        .map(formatDiagnostic)
        .join("\n")}`;
    const run = await store.runs.create({
      ...base,
      plan: { name: project.pipelinePath, env: {}, jobs: [], gates: {} },
      status: "failure",
      reason,
    });
    await events.emit(
      "run.created",
      { kind: "run", id: run.id },
      { runId: run.id, projectId: project.id, number: run.number },
    );
    await events.emit(
      "run.finished",
      { kind: "run", id: run.id },
      {
        runId: run.id,
        projectId: project.id,
        status: "failure",
        reason,
        diagnostics: compiled.diagnostics,
      },
    );
    return { run };
  }
  const run = await store.runs.create({ ...base, plan: compiled.plan });
  await events.emit(
    "run.created",
    { kind: "run", id: run.id },
    {
      runId: run.id,
      projectId: project.id,
      number: run.number,
      event: req.event,
      branch,
      commit,
      trust,
      jobs: compiled.plan.jobs.map((j) => j.key),
      warnings: compiled.diagnostics.filter((d) => d.severity === "warning"),
    },
  );
  await advanceRun(deps, run.id);
  return { run: await store.runs.get(run.id) };
}

/**
 * A pipeline over a limit (size, jobs, steps, YAML aliases) is refused: no run is stored and
 * the caller (webhook, poller, API) gets a 400 whose details are the positioned diagnostics.
 */
function refuse(diagnostics: Diagnostic[]): never {
  throw new ValidationError(`pipeline refused: ${diagnostics.map(formatDiagnostic).join("; ")}`, { diagnostics });
}
