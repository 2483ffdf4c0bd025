/**
 * Which executor a job's steps get, and when a job may not run at all. Jobs are untrusted code:
 *
 *   project sandboxed (default) + bubblewrap usable        → sandbox executor
 *   job asks for `sandbox:` explicitly + bubblewrap absent → refused
 *   project sandboxed + bubblewrap absent:
 *       trusted trigger (the default branch, not a PR)     → local executor, with a warning
 *       untrusted trigger, `runner.allow_unsandboxed` off  → refused (the reason says how to allow it)
 *       untrusted trigger, `runner.allow_unsandboxed` on   → local executor, with a warning
 *   project's `sandbox: false` (an admin's choice)         → local executor (or the sandbox if the job asks)
 */
import type { TriggerEvent } from "../../pipeline/index.js";
import type { Project } from "../../store/index.js";
import type { Executor } from "../executor.js";
import { isProtectedBranch } from "../trust.js";
import type { RunnerDeps } from "./runner-deps.js";

/** What a trigger is about: its event and the branch whose code runs. */
export interface TriggerSource {
  event: TriggerEvent;
  branch: string;
}

/**
 * Whether a trigger runs code anyone who can push or open a pull request may have written: a pull
 * request, or any run of a branch that is not protected (runner/trust.ts: the default branch and
 * the project's protected branch globs).
 */
export function isUntrustedTrigger(project: Project, source: TriggerSource): boolean {
  return source.event === "pull_request" || !isProtectedBranch(project, source.branch);
}

/** What a job needs of its executor: plain data, decided where the project is known (the server). */
export interface SandboxNeed {
  /** The project runs its jobs sandboxed (the default). */
  projectSandboxed: boolean;
  /** The job asks for `sandbox:` explicitly. */
  jobAsksSandbox: boolean;
  /** Set when the trigger is untrusted: what it is ("a pull request", "branch 'x'"). */
  untrusted: string | null;
}

/** What choosing an executor depends on where the job runs (a server worker or an agent). */
export interface ExecutorChoiceDeps {
  executors: RunnerDeps["executors"];
  options: Pick<RunnerDeps["options"], "allowUnsandboxed">;
}

/** The sandbox need of a job of `project` started by `source`. */
export function sandboxNeed(project: Project, source: TriggerSource, jobAsksSandbox: boolean): SandboxNeed {
  const untrusted = isUntrustedTrigger(project, source);
  return {
    projectSandboxed: project.sandbox,
    jobAsksSandbox,
    untrusted: !untrusted ? null : source.event === "pull_request" ? "a pull request" : `branch '${source.branch}'`,
  };
}

/** Why the jobs of this trigger may not run on this worker, or undefined when they may. */
export function unsandboxedRefusal(
  deps: ExecutorChoiceDeps,
  project: Project,
  source: TriggerSource,
): string | undefined {
  return refusal(deps, sandboxNeed(project, source, false));
}

function refusal(deps: ExecutorChoiceDeps, need: SandboxNeed): string | undefined {
  if (deps.executors.sandbox || !need.projectSandboxed) return undefined;
  if (deps.options.allowUnsandboxed || need.untrusted === null) return undefined;
  return (
    `refused: ${need.untrusted} is untrusted code and jobs cannot be sandboxed here (bubblewrap is not usable); ` +
    "install bubblewrap, or let an admin set runner.allow_unsandboxed: true (docs/security.md)"
  );
}

/**
 * The executor for a job's steps, per the table above; throws with the reason when the job may
 * not run here. `warn` gets a line for the job's log when steps will run unsandboxed by necessity.
 */
export function chooseExecutor(deps: ExecutorChoiceDeps, need: SandboxNeed, warn: (line: string) => void): Executor {
  const { sandbox, local } = deps.executors;
  if ((need.projectSandboxed || need.jobAsksSandbox) && sandbox) return sandbox;
  if (need.jobAsksSandbox)
    throw new Error("this job needs the sandbox executor, but bubblewrap is not usable on this worker");
  if (!need.projectSandboxed) return local;
  const refused = refusal(deps, need);
  if (refused) throw new Error(refused);
  warn("warning: bubblewrap is not usable on this worker: the steps run unsandboxed, as pitcrew's own user");
  return local;
}
