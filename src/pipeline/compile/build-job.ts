/**
 * Turns one pipeline job and one matrix combination into a {@link PlanJob}: defaults filled,
 * `${{ }}` substituted, durations in ms. Assumes the spec passed lint.
 */
import { posix } from "node:path";
import { parseDuration } from "../duration.js";
import { parseMemorySize } from "../memory-size.js";
import type { PlanJob, PlanStep, PlanTests } from "../../common/plan.js";
import {
  DEFAULT_BACKOFF_MS,
  DEFAULT_JOB_TIMEOUT_MS,
  DEFAULT_TEST_COMMANDS,
  DEFAULT_TEST_FILES,
  TEST_REPORTS_DIR,
} from "../spec/defaults.js";
import { scalarToString, toList } from "../spec/normalize.js";
import type { JobSpec, Scalar, StepSpec, TestsSpec } from "../spec/schema.js";
import { type InterpolationValues, interpolate } from "./interpolate.js";
import { type MatrixCombo, matrixJobKey } from "./matrix.js";

/** Inputs of {@link buildPlanJob} besides the job itself. */
export interface BuildJobInput {
  name: string;
  job: JobSpec;
  combo: MatrixCombo;
  /** Plan keys of every expansion of every needed job. */
  needs: string[];
  /** Trigger values; the combination's matrix is added per job. */
  values: Omit<InterpolationValues, "matrix">;
}

/** Builds the plan job of one matrix combination. */
export function buildPlanJob({ name, job, combo, needs, values }: BuildJobInput): PlanJob {
  const vars = { ...values, matrix: combo };
  const sub = (text: string) => interpolate(text, vars);
  const retries = typeof job.retries === "number" ? { count: job.retries } : (job.retries ?? { count: 0 });
  const sandbox = job.sandbox ?? false;
  const steps = (job.steps ?? []).map((step) => buildStep(step, vars));
  const junit = toList(job.reports?.junit);
  // A test step writes its reports there; they join the job's reports like any other JUnit file.
  if (steps.some((s) => s.tests)) junit.push(`${TEST_REPORTS_DIR}/**/*.xml`);
  return {
    key: matrixJobKey(name, combo),
    name,
    matrix: combo,
    needs,
    ...(job.if !== undefined && { if: job.if }),
    env: buildEnv(job.env, vars),
    secrets: job.secrets ?? [],
    timeoutMs: ms(job.timeout) ?? DEFAULT_JOB_TIMEOUT_MS,
    retries: { count: retries.count, backoffMs: ms(retries.backoff) ?? DEFAULT_BACKOFF_MS },
    continueOnError: job["continue-on-error"] ?? false,
    runsOn: toList(job["runs-on"]).map(sub),
    ...(job.resources && { resources: buildResources(job.resources) }),
    sandbox:
      typeof sandbox === "boolean"
        ? { enabled: sandbox, network: false }
        : { enabled: true, network: sandbox.network ?? false },
    steps,
    artifacts: job.artifacts ?? [],
    ...(job.cache && {
      cache: { key: sub(job.cache.key), restoreKeys: job.cache["restore-keys"] ?? [], paths: job.cache.paths },
    }),
    reports: { junit, coverage: toList(job.reports?.coverage) },
  };
}

/** Stringifies an env map's values and substitutes its `${{ }}` references. */
export function buildEnv(env: Record<string, Scalar> | undefined, vars: InterpolationValues): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, interpolate(scalarToString(v), vars)]));
}

function buildStep(step: StepSpec, vars: InterpolationValues): PlanStep {
  const framework = step.tests?.framework;
  const command = framework === undefined || framework === "file" ? "" : DEFAULT_TEST_COMMANDS[framework];
  const run = interpolate(step.run ?? command, vars);
  const dir = step["working-directory"];
  const timeoutMs = ms(step.timeout);
  return {
    name:
      step.name !== undefined
        ? interpolate(step.name, vars)
        : framework !== undefined
          ? `tests (${framework})`
          : defaultStepName(run),
    run,
    env: buildEnv(step.env, vars),
    ...(step.if !== undefined && { if: step.if }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(dir !== undefined && { workingDirectory: posix.normalize(interpolate(dir, vars)) }),
    continueOnError: step["continue-on-error"] ?? false,
    ...(step.tests && { tests: buildTests(step.tests) }),
  };
}

/** A `tests:` block with its defaults: path order, no fail-fast, no reruns, the framework's usual files. */
function buildTests(t: TestsSpec): PlanTests {
  const files = toList(t.files);
  return {
    framework: t.framework,
    select: t.select ?? "all",
    failFast: t.fail_fast ?? false,
    coverage: t.coverage ?? false,
    rerunFlaky: t.rerun_flaky ?? 0,
    quarantine: t.quarantine ?? false,
    files: files.length > 0 || t.framework === "file" ? files : DEFAULT_TEST_FILES[t.framework],
  };
}

/** The first non-empty line of the script, shortened to 80 characters. */
function defaultStepName(run: string): string {
  const line =
    run
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim() ?? "run";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** `resources:` with the defaults filled: 1 cpu, no memory request; memory in bytes. */
function buildResources(r: NonNullable<JobSpec["resources"]>): { cpus: number; memory: number } {
  const memory = r.memory === undefined ? undefined : parseMemorySize(r.memory);
  return { cpus: r.cpus ?? 1, memory: memory && "bytes" in memory ? memory.bytes : 0 };
}

function ms(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDuration(value);
  return "ms" in parsed ? parsed.ms : undefined;
}
