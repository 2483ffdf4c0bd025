/**
 * What a converter produces: a pitcrew pipeline as plain data (the shape of `PipelineSpec`),
 * plus comments to print next to jobs and steps — the constructs that had no equivalent, kept
 * as commented-out text where the author will look for them.
 */
import type { Diagnostic } from "../../common/diagnostics.js";
import type { JobSpec, PipelineSpec, StepSpec } from "../spec/schema.js";

/** A converted step, or a commented-out source step (lines without the leading `#`). */
export type ImportedStep = StepSpec | { comment: string[] };

/** A converted job: pitcrew's job fields, its steps, and comment lines printed above its keys. */
export interface ImportedJob extends Omit<JobSpec, "steps"> {
  steps: ImportedStep[];
  comments?: string[];
}

/** A converted pipeline, before it is printed. */
export interface ImportedPipeline extends Omit<PipelineSpec, "jobs"> {
  jobs: Record<string, ImportedJob>;
  /** Lines printed at the top of the file. */
  comments?: string[];
}

/** Where converters report what they could not convert, at a path of the source document. */
export interface ImportNotes {
  add(severity: Diagnostic["severity"], code: string, message: string, path: readonly PropertyKey[]): void;
}

/** A commented-out step: a one-line reason, then the source step as YAML. */
export function commentedStep(reason: string, sourceYaml: string): ImportedStep {
  return { comment: [`pitcrew import: ${reason}`, ...sourceYaml.trimEnd().split("\n")] };
}

/** True for a commented-out step. */
export function isComment(step: ImportedStep): step is { comment: string[] } {
  return "comment" in step;
}
