/**
 * Rules about the shape of a pipeline beyond its schema: at least one job, usable job names,
 * steps in every job, valid environment and secret names, distinct step names.
 */
import type { LintContext } from "./lint-context.js";

const JOB_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `no-jobs`, `invalid-job-name`, `no-steps`: every pipeline has jobs, every job has steps. */
export function checkJobsAndSteps(ctx: LintContext): void {
  const names = Object.keys(ctx.spec.jobs);
  if (names.length === 0) ctx.report("error", "no-jobs", "the pipeline has no jobs", { path: ["jobs"], key: true });
  for (const name of names) {
    if (!JOB_NAME.test(name)) {
      const message = `job name '${name}' must start with a letter or '_' and contain only letters, digits, '_' and '-'`;
      ctx.report("error", "invalid-job-name", message, { path: ["jobs", name], key: true });
    }
    const steps = ctx.spec.jobs[name]?.steps;
    if (!steps || steps.length === 0) {
      ctx.report("error", "no-steps", `job '${name}' has no steps`, { path: ["jobs", name], key: true });
    }
  }
}

/** `invalid-env-name`, `invalid-secret-name`: names a shell can use as variables. */
export function checkNames(ctx: LintContext): void {
  const envMaps: [PropertyKey[], Record<string, unknown> | undefined][] = [[["env"], ctx.spec.env]];
  for (const [name, job] of ctx.jobs) {
    envMaps.push([["jobs", name, "env"], job.env]);
    job.steps?.forEach((step, i) => {
      envMaps.push([["jobs", name, "steps", i, "env"], step.env]);
    });
    job.secrets?.forEach((secret, i) => {
      if (!ENV_NAME.test(secret)) {
        const message = `secret name '${secret}' is not a valid environment variable name`;
        ctx.report("error", "invalid-secret-name", message, { path: ["jobs", name, "secrets", i] });
      }
    });
  }
  for (const [path, env] of envMaps) {
    for (const key of Object.keys(env ?? {})) {
      if (ENV_NAME.test(key)) continue;
      const message = `'${key}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)`;
      ctx.report("error", "invalid-env-name", message, { path: [...path, key], key: true });
    }
  }
}

/** `duplicate-step-name` (warning): two steps of a job with the same explicit name are hard to tell apart. */
export function checkStepNames(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const seen = new Set<string>();
    job.steps?.forEach((step, i) => {
      if (step.name === undefined) return;
      if (seen.has(step.name)) {
        const message = `job '${name}' already has a step named '${step.name}'`;
        ctx.report("warning", "duplicate-step-name", message, { path: ["jobs", name, "steps", i, "name"] });
      }
      seen.add(step.name);
    });
  }
}
