/**
 * The lint stage: parse, validate against the schema, then run every rule over the spec.
 * Rules only run on a schema-valid spec, so each can trust the shape it reads; when the schema
 * fails, they run on what remains valid once the failing parts are cut out, and report only what
 * is independent of the cut (a `timout` typo does not hide `needs: tset`).
 */
import { type Diagnostic, sortDiagnostics } from "../../common/diagnostics.js";
import { type PipelineLimits, parsePipelineSpec } from "../spec/parse.js";
import { isTainted } from "../spec/prune-invalid.js";
import type { PipelineSpec } from "../spec/schema.js";
import { checkConditions } from "./condition-rules.js";
import { checkInterpolations } from "./interpolation-rules.js";
import { createLintContext, type LintContext, type LintRule } from "./lint-context.js";
import { checkRunnerLabels } from "./runner-label-rules.js";
import { checkMatrixSize, checkUnusedMatrixKeys } from "./matrix-rules.js";
import { checkCycles, checkUnknownNeeds } from "./needs-rules.js";
import {
  checkDurations,
  checkResources,
  checkSandbox,
  checkWorkingDirectories,
  checkWorkspacePaths,
} from "./settings-rules.js";
import { checkJobsAndSteps, checkNames, checkStepNames } from "./structure-rules.js";
import { checkTestSteps } from "./tests-rules.js";
import { checkCron, checkGates, checkInputs, checkSecretsOnPullRequests } from "./trigger-rules.js";

const RULES: LintRule[] = [
  checkJobsAndSteps,
  checkNames,
  checkStepNames,
  checkTestSteps,
  checkUnknownNeeds,
  checkCycles,
  checkMatrixSize,
  checkUnusedMatrixKeys,
  checkDurations,
  checkResources,
  checkWorkingDirectories,
  checkWorkspacePaths,
  checkSandbox,
  checkCron,
  checkInputs,
  checkSecretsOnPullRequests,
  checkGates,
  checkConditions,
  checkInterpolations,
];

/** A linted pipeline: the spec and lint context when it passed the schema, and all diagnostics. */
export interface PipelineAnalysis {
  spec?: PipelineSpec;
  context?: LintContext;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
}

/**
 * Parses and lints pipeline text (what `compilePipeline` does before compiling); with
 * `runnerLabels` (when the runners are known), also checks every `runs-on` against them.
 */
export function analyzePipeline(
  text: string,
  file?: string,
  limits?: PipelineLimits,
  runnerLabels?: string[],
): PipelineAnalysis {
  const parsed = parsePipelineSpec(text, file, limits);
  const diagnostics = parsed.diagnostics;
  if (parsed.partial && parsed.source) {
    const { spec, tainted, stepless } = parsed.partial;
    const found: Diagnostic[] = [];
    runRules(createLintContext(spec, parsed.source, text, found), runnerLabels);
    const consequence = (d: Diagnostic) =>
      isTainted(d.path, tainted) ||
      // An invalid `on:` may have dropped the inputs that references point at.
      (tainted.includes("on") && d.code === "unknown-reference") ||
      (d.code === "no-steps" && stepless.some((job) => d.path === `jobs.${job}`));
    const independent = found.filter((d) => !consequence(d));
    return { diagnostics: sortDiagnostics([...diagnostics, ...independent]) };
  }
  if (!parsed.spec || !parsed.source) return { diagnostics: sortDiagnostics(diagnostics) };
  const context = createLintContext(parsed.spec, parsed.source, text, diagnostics);
  runRules(context, runnerLabels);
  return { spec: parsed.spec, context, diagnostics: sortDiagnostics(diagnostics) };
}

function runRules(context: LintContext, runnerLabels: string[] | undefined): void {
  for (const rule of RULES) rule(context);
  if (runnerLabels) checkRunnerLabels(context, runnerLabels);
}

/** Lints a pipeline file: every error and warning, sorted by position. Never throws on bad input. */
export function lintPipeline(
  text: string,
  opts: { file?: string; limits?: PipelineLimits; runnerLabels?: string[] } = {},
): Diagnostic[] {
  return analyzePipeline(text, opts.file, opts.limits, opts.runnerLabels).diagnostics;
}
