/**
 * What every lint rule receives: the validated spec, its source (for positions), the expanded
 * matrix of every job, and `report` to add a diagnostic at a value path.
 */
import type { Diagnostic } from "../../common/diagnostics.js";
import { dotted, type YamlSource } from "../../common/yaml-source.js";
import { expandMatrix, type MatrixExpansion } from "../compile/matrix.js";
import type { JobSpec, PipelineSpec } from "../spec/schema.js";
import { toList } from "../spec/normalize.js";
import { scalarPosition } from "./scalar-position.js";

/** Where in the text a diagnostic points. */
export interface ReportAt {
  /** Value path, e.g. `["jobs", "build", "steps", 0, "run"]`. */
  path: PropertyKey[];
  /** Point at the key of the last path segment instead of its value. */
  key?: boolean;
  /** Character offset inside the string value at `path`. */
  offset?: number;
}

/** The shared input of lint rules. */
export interface LintContext {
  spec: PipelineSpec;
  /** Jobs in file order (`null` jobs, i.e. `build:` with nothing under it, are left out). */
  jobs: [string, JobSpec][];
  /** Expanded matrix per job name. */
  matrices: Map<string, MatrixExpansion>;
  /** Names a job needs, short form normalised. */
  needsOf(job: JobSpec): string[];
  /** Adds a diagnostic. */
  report(severity: Diagnostic["severity"], code: string, message: string, at: ReportAt): void;
}

/** A lint rule: inspects the context and reports what it finds. */
export type LintRule = (ctx: LintContext) => void;

/** Builds the context for one validated pipeline; diagnostics are pushed onto `out`. */
export function createLintContext(
  spec: PipelineSpec,
  source: YamlSource,
  text: string,
  out: Diagnostic[],
): LintContext {
  const jobs = Object.entries(spec.jobs).filter((e): e is [string, JobSpec] => e[1] !== null);
  return {
    spec,
    jobs,
    matrices: new Map(jobs.map(([name, job]) => [name, expandMatrix(job.matrix)])),
    needsOf: (job) => toList(job.needs),
    report(severity, code, message, at) {
      const start = source.locate(at.path, { key: at.key });
      const pos = at.offset === undefined ? start : scalarPosition(text, start, at.offset);
      out.push({ severity, code, message, file: source.file, path: dotted(at.path), ...pos });
    },
  };
}
