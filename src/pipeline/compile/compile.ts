/**
 * The pipeline compiler's last stage: a linted spec and a trigger → a {@link Plan}.
 * `parse → lint → trigger filter → inputs → matrix expansion → needs resolution → plan jobs in
 * topological order`. Errors at any stage return diagnostics and no plan; a trigger the
 * pipeline does not listen to returns `skipped` with the reason.
 */
import { basename, extname } from "node:path";
import { type Diagnostic, hasErrors, sortDiagnostics } from "../../common/diagnostics.js";
import { analyzePipeline } from "../lint/lint-pipeline.js";
import type { Plan, PlanJob, TriggerContext } from "../../common/plan.js";
import type { LintContext } from "../lint/lint-context.js";
import type { PipelineLimits } from "../spec/parse.js";
import { type BuildJobInput, buildEnv, buildPlanJob } from "./build-job.js";
import { resolveInputs } from "./inputs.js";
import { matrixJobKey } from "./matrix.js";
import { topologicalOrder } from "./needs.js";
import { deployEnvironments } from "./deploy-environments.js";
import { matchTrigger } from "./triggers.js";

/** Options of {@link compilePipeline}. */
export interface CompileOptions {
  /** File name for diagnostics and the default pipeline name. */
  file?: string;
  /** Compile even when the trigger filters would skip the run (local runs, `pitcrew run`). */
  ignoreTriggers?: boolean;
  /** Size limits (default: the config schema's defaults). */
  limits?: PipelineLimits;
}

/** What compiling produced: a plan, or diagnostics with errors, or the reason the run is skipped. */
export interface CompileResult {
  plan?: Plan;
  /** All lint diagnostics (warnings included), sorted by position. */
  diagnostics: Diagnostic[];
  /** Set when the trigger does not start this pipeline, e.g. `branch 'x' does not match on.push.branches`. */
  skipped?: string;
}

/** Compiles pipeline text for one trigger; never throws on bad input. */
export function compilePipeline(text: string, trigger: TriggerContext, opts: CompileOptions = {}): CompileResult {
  const analysis = analyzePipeline(text, opts.file, opts.limits);
  const { spec, context, diagnostics } = analysis;
  if (!spec || !context || hasErrors(diagnostics)) return { diagnostics };
  if (!opts.ignoreTriggers) {
    const { skipped } = matchTrigger(spec.on, trigger);
    if (skipped) return { diagnostics, skipped };
  }
  const { inputs, problems } = resolveInputs(spec.on, trigger);
  if (problems.length) {
    for (const p of problems) context.report("error", p.code, p.message, { path: p.path, key: true });
    return { diagnostics: sortDiagnostics(diagnostics) };
  }
  const values = {
    inputs,
    branch: trigger.branch,
    commit: trigger.commit,
    event: trigger.event,
    baseBranch: trigger.baseBranch,
  };
  const jobs = planJobs(context, values);
  const plan: Plan = {
    name: spec.name ?? defaultName(opts.file),
    env: buildEnv(spec.env, { ...values, matrix: {} }),
    jobs,
    gates: {
      ...(spec.gates?.tests_pass_rate !== undefined && { testsPassRate: spec.gates.tests_pass_rate }),
      ...(spec.gates?.coverage_min !== undefined && { coverageMin: spec.gates.coverage_min }),
      ...(spec.gates?.coverage_drop_max !== undefined && { coverageDropMax: spec.gates.coverage_drop_max }),
    },
    inputs,
  };
  const deployTo = deployEnvironments(spec.deploy, trigger);
  if (deployTo.length) plan.deploy = deployTo;
  return { plan, diagnostics };
}

/** Expands every job in topological order; a need on a matrix job means all its expansions. */
function planJobs(ctx: LintContext, values: BuildJobInput["values"]): PlanJob[] {
  const jobs = new Map(ctx.jobs);
  const keysOf = (name: string) => ctx.matrices.get(name)!.combos.map((c) => matrixJobKey(name, c));
  const order = topologicalOrder(new Map(ctx.jobs.map(([name, job]) => [name, ctx.needsOf(job)])));
  return order.flatMap((name) => {
    const job = jobs.get(name)!;
    const needs = [...new Set(ctx.needsOf(job))].flatMap(keysOf);
    return ctx.matrices.get(name)!.combos.map((combo) => buildPlanJob({ name, job, combo, needs, values }));
  });
}

/** `.pitcrew/pipeline.yaml` → `pipeline`; no file → `pipeline`. */
function defaultName(file: string | undefined): string {
  return file ? basename(file, extname(file)) : "pipeline";
}
