import { ValidationError } from "../../common/errors.js";
import { formatDiagnostic, hasErrors } from "../../common/diagnostics.js";
import { compilePipeline, type TriggerEvent } from "../../pipeline/index.js";
import type { Run } from "../../store/repositories/runs-repo.js";
import { changedFiles, ensureMirror, fetchPullHead, resolveRef } from "../checkout.js";
import { git } from "../git.js";
import { runTrust } from "../trust.js";
import { mirrorDir } from "./mirrors.js";
import type { RunnerDeps } from "./runner-deps.js";
import { assertBranchName } from "./branch-name.js";
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
  /** For pull_request runs: the PR's number (to fetch its head when the mirror lacks it) and whether it comes from a fork. */
  pullRequest?: { number: number; fork: boolean };
}

/** What a trigger produced: a run, or the reason none was created. */
export type TriggerResult = { run: Run; skipped?: undefined } | { run?: undefined; skipped: string };

/**
 * Starts a run: syncs the mirror, resolves the commit, reads and compiles the pipeline at that
 * commit, persists the run with its jobs and its trust (runner/trust.ts), then lets the scheduler
 * enqueue what is ready. A pull request's pipeline is read from its BASE branch, never from its
 * head: the head is untrusted code, so it may not choose its own triggers, secrets or steps (the
 * lesson of GitHub's `pull_request_target`). A fork's head is fetched into the mirror first. An
 * invalid pipeline still creates a run, finished as `failure` with the diagnostics as reason.
 */
export async function triggerRun(
  deps: RunnerDeps,
  projectRef: string | number,
  req: TriggerRequest,
): Promise<TriggerResult> {
  const { store, events } = deps;
  const project = await store.projects.resolve(projectRef);
  const mirror = mirrorDir(deps.dataDir, project.id);
  await ensureMirror(project.repoUrl, mirror);
  const branch = assertBranchName(req.branch ?? project.defaultBranch);
  if (req.baseBranch !== undefined) assertBranchName(req.baseBranch);
  const isPr = req.event === "pull_request";
  if (isPr && req.pullRequest?.fork) await fetchPullHead(project.repoUrl, mirror, req.pullRequest.number);
  const commit = await resolveRef(mirror, req.commit ?? branch);
  const files = req.before ? await changedFiles(mirror, req.before, commit) : undefined;
  const definedAt = isPr ? await resolveRef(mirror, req.baseBranch ?? project.defaultBranch) : commit;
  let text: string;
  try {
    text = await git(["show", `${definedAt}:${project.pipelinePath}`], { cwd: mirror });
  } catch {
    throw new ValidationError(
      `no pipeline file '${project.pipelinePath}' in ${project.name} at ${definedAt.slice(0, 12)}${isPr ? " (the pull request's base branch, which defines its pipeline)" : ""}`,
    );
  }
  const trust = runTrust(project, { event: req.event, branch, fork: req.pullRequest?.fork });
  const trigger = {
    event: req.event,
    branch,
    commit,
    baseBranch: req.baseBranch,
    changedFiles: files,
    inputs: req.inputs ?? {},
    schedule: req.schedule,
  };
  const compiled = compilePipeline(text, trigger, { file: project.pipelinePath, ignoreTriggers: req.ignoreTriggers });
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
  if (hasErrors(compiled.diagnostics) || !compiled.plan) {
    if (compiled.skipped && !hasErrors(compiled.diagnostics)) return { skipped: compiled.skipped };
    const reason = `invalid pipeline:\n${compiled.diagnostics
      .filter((d) => d.severity === "error")
      .map(formatDiagnostic)
      .join("\n")}`;
    const run = await store.runs.create({
      ...base,
      plan: { name: project.pipelinePath, env: {}, jobs: [], gates: {} },
      status: "failure",
      reason,
    });
    await events.emit("run.created", `run:${run.id}`, { runId: run.id, projectId: project.id, number: run.number });
    await events.emit("run.finished", `run:${run.id}`, {
      runId: run.id,
      projectId: project.id,
      status: "failure",
      reason,
      diagnostics: compiled.diagnostics,
    });
    return { run };
  }
  const run = await store.runs.create({ ...base, plan: compiled.plan });
  await events.emit("run.created", `run:${run.id}`, {
    runId: run.id,
    projectId: project.id,
    number: run.number,
    event: req.event,
    branch,
    commit,
    trust,
    jobs: compiled.plan.jobs.map((j) => j.key),
    warnings: compiled.diagnostics.filter((d) => d.severity === "warning"),
  });
  await advanceRun(deps, run.id);
  return { run: await store.runs.get(run.id) };
}
