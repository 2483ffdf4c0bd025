/**
 * What a step of a job is started with: its complete environment and working directory. Built
 * from the job's plan and run alone (nothing a step did before), so a step can be staged ahead
 * of its turn with the same launch it would get at its turn (step-stager.ts).
 */
import type { StepLaunch } from "../executor.js";
import { buildStepEnv } from "../step-env.js";
import { resolveInside } from "../workspace.js";
import type { StepLoopInput } from "./step-loop.js";

/** The launch of step `idx` of the job (its `run` as the script); throws for a working directory outside the workspace. */
export function stepLaunch(input: StepLoopInput, idx: number): StepLaunch & { env: Record<string, string> } {
  const { run, spec, workspace: ws } = input;
  const step = spec.steps[idx]!;
  const env = buildStepEnv({
    pipelineEnv: run.env,
    jobEnv: spec.env,
    stepEnv: step.env,
    secrets: input.secrets,
    builtins: {
      PITCREW_RUN_ID: String(run.id),
      PITCREW_RUN_NUMBER: String(run.number),
      PITCREW_PROJECT: run.projectName,
      PITCREW_JOB: input.jobKey,
      PITCREW_BRANCH: run.branch,
      PITCREW_COMMIT: run.commit,
      PITCREW_EVENT: run.event,
      PITCREW_WORKSPACE: ws.dir,
      HOME: ws.home,
      TMPDIR: ws.tmp,
      ...Object.fromEntries(Object.entries(run.inputs).map(([k, v]) => [`PITCREW_INPUT_${k.toUpperCase()}`, v])),
    },
  });
  const cwd = step.workingDirectory ? resolveInside(ws.dir, step.workingDirectory) : ws.dir;
  return { script: step.run, cwd, workspace: ws.root, env, network: spec.sandbox.network };
}
