/**
 * Pipeline size limits (`limits.pipeline`): bytes, jobs, steps. Each breach is one error
 * diagnostic with a position (where the limit was crossed), and {@link isLimitDiagnostic} tells
 * a trigger to refuse the run outright instead of storing a failed run.
 */
import { DEFAULT_LIMITS, type Limits } from "../../common/config/limits-schema.js";
import type { Diagnostic } from "../../common/diagnostics.js";
import type { YamlSource } from "../../common/yaml-source.js";

/** Codes of the diagnostics a limit produces. */
export const LIMIT_CODES = ["pipeline-too-large", "too-many-jobs", "too-many-steps", "yaml-alias-limit"] as const;

/** True for a diagnostic that reports a breached limit (the trigger refuses such a pipeline with 4xx). */
export function isLimitDiagnostic(d: Diagnostic): boolean {
  return (LIMIT_CODES as readonly string[]).includes(d.code);
}

/** A `pipeline-too-large` diagnostic when `text` has more than `max_bytes` bytes, at the line where it crosses. */
export function checkPipelineSize(
  text: string,
  file: string | undefined,
  limits: Limits["pipeline"] = DEFAULT_LIMITS.pipeline,
): Diagnostic | undefined {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes <= limits.max_bytes) return undefined;
  return {
    ...pipelineTooLarge(bytes, limits.max_bytes, file),
    ...positionOfByte(text, limits.max_bytes),
  };
}

/** The diagnostic for a pipeline of `bytes` bytes over `limit` (the position is the file's start). */
export function pipelineTooLarge(bytes: number, limit: number, file?: string): Diagnostic {
  return {
    severity: "error",
    code: "pipeline-too-large",
    message: `the pipeline file has ${bytes} bytes; the limit is ${limit} (limits.pipeline.max_bytes)`,
    file,
    line: 1,
    column: 1,
  };
}

/**
 * Counts jobs and steps in the parsed value (before schema validation, so a huge pipeline is
 * refused before it is validated) and reports the first limit crossed at the node crossing it.
 */
export function checkPipelineCounts(
  source: YamlSource,
  file: string | undefined,
  limits: Limits["pipeline"] = DEFAULT_LIMITS.pipeline,
): Diagnostic | undefined {
  const jobs = (source.value as { jobs?: unknown } | null | undefined)?.jobs;
  if (!jobs || typeof jobs !== "object" || Array.isArray(jobs)) return undefined;
  const names = Object.keys(jobs);
  if (names.length > limits.max_jobs) {
    return {
      severity: "error",
      code: "too-many-jobs",
      message: `the pipeline declares ${names.length} jobs; the limit is ${limits.max_jobs} (limits.pipeline.max_jobs)`,
      file,
      path: `jobs.${names[limits.max_jobs]}`,
      ...source.locate(["jobs", names[limits.max_jobs] as string], { key: true }),
    };
  }
  let total = 0;
  for (const name of names) {
    const steps = (jobs as Record<string, { steps?: unknown } | null>)[name]?.steps;
    if (!Array.isArray(steps)) continue;
    if (total + steps.length > limits.max_steps) {
      const idx = limits.max_steps - total;
      const all = total + names.slice(names.indexOf(name)).reduce((n, j) => n + stepCount(jobs, j), 0);
      return {
        severity: "error",
        code: "too-many-steps",
        message: `the pipeline declares ${all} steps; the limit is ${limits.max_steps} (limits.pipeline.max_steps)`,
        file,
        path: `jobs.${name}.steps[${idx}]`,
        ...source.locate(["jobs", name, "steps", idx]),
      };
    }
    total += steps.length;
  }
  return undefined;
}

function stepCount(jobs: object, name: string): number {
  const steps = (jobs as Record<string, { steps?: unknown } | null>)[name]?.steps;
  return Array.isArray(steps) ? steps.length : 0;
}

/** 1-based line and column of byte offset `offset` in `text`. */
function positionOfByte(text: string, offset: number): { line: number; column: number } {
  const prefix = Buffer.from(text, "utf8").subarray(0, offset).toString("utf8");
  const lines = prefix.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
