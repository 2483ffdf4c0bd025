/**
 * A GitHub Actions workflow → an {@link ImportedPipeline}: triggers, env, and per job its
 * needs, condition, matrix (without the Windows and macOS rows, as pitcrew runs Linux runners),
 * timeout, env, secrets and steps. Runner labels, services, containers, outputs and
 * permissions have no pitcrew equivalent: each is reported and noted above its job.
 */
import { stringify } from "yaml";
import { isPlainObject } from "../../common/plain-object.js";
import type { JobSpec } from "../spec/schema.js";
import { translateCondition } from "./github-expressions.js";
import { convertGitHubStep, convertStepEnv } from "./github-steps.js";
import { convertGitHubTriggers } from "./github-triggers.js";
import { type ImportedJob, type ImportedPipeline, type ImportNotes, isComment } from "./imported-pipeline.js";

/** Job keys reported as having no equivalent, with what to do. */
const UNSUPPORTED_JOB_KEYS: Record<string, string> = {
  services: "pitcrew starts no service containers; start the service in a step or point the job at a shared instance",
  container:
    "pitcrew runs steps on its runners, not in a job container; use a sandboxed runner with the tools installed",
  outputs: "pitcrew jobs have no outputs; pass values through artifacts (files) of a needed job",
  environment: "deployments are pitcrew's deploy: section and .pitcrew/deploy.yaml (docs/deploy.md)",
  concurrency: "pitcrew has no concurrency groups",
};
type Matrix = NonNullable<JobSpec["matrix"]>;

/** Runner labels of operating systems pitcrew does not run. */
const NON_LINUX = /windows|macos|mac-|osx/i;

/** Converts a parsed workflow; `notes` receives what did not convert. */
export function convertGitHubActions(doc: Record<string, unknown>, notes: ImportNotes): ImportedPipeline {
  const pipeline: ImportedPipeline = { jobs: {} };
  if (typeof doc.name === "string") pipeline.name = doc.name;
  pipeline.on = convertGitHubTriggers(doc.on, notes);
  const env = convertStepEnv(doc.env, { steps: [] }, ["env"], notes);
  if (env) pipeline.env = env;
  const jobs = isPlainObject(doc.jobs) ? doc.jobs : {};
  for (const [name, spec] of Object.entries(jobs)) {
    if (isPlainObject(spec)) pipeline.jobs[name] = convertJob(name, spec, notes);
  }
  return pipeline;
}

function convertJob(name: string, spec: Record<string, unknown>, notes: ImportNotes): ImportedJob {
  const path = ["jobs", name];
  const job: ImportedJob = { steps: [], comments: [] };
  const note = (text: string, key: string) => {
    notes.add("warning", "import-setting", `${key}: ${text}`, [...path, key]);
    job.comments!.push(`pitcrew import: ${key}: ${text}`, ...indent(stringify({ [key]: spec[key] }, { lineWidth: 0 })));
  };
  if (typeof spec.uses === "string") {
    note("a reusable workflow; import that workflow's file and add its jobs here", "uses");
  }
  if (spec.needs !== undefined) job.needs = Array.isArray(spec.needs) ? spec.needs.map(String) : String(spec.needs);
  if (spec.if !== undefined) {
    const condition = translateCondition(spec.if as string | boolean);
    if (condition === undefined) {
      notes.add(
        "warning",
        "import-condition",
        `if: ${String(spec.if)} has no pitcrew equivalent; the job is disabled (if: false) until you rewrite the condition`,
        [...path, "if"],
      );
      job.comments!.push(`pitcrew import: original condition: if: ${String(spec.if)}`);
      job.if = "false";
    } else if (condition !== "true") job.if = condition;
  }
  const strategy = isPlainObject(spec.strategy) ? spec.strategy : {};
  if (strategy.matrix !== undefined) {
    const { "runs-on": runsOn, strategy: _, ...rest } = spec;
    const matrix = convertMatrix(
      strategy.matrix,
      JSON.stringify(runsOn ?? ""),
      rest,
      [...path, "strategy", "matrix"],
      notes,
    );
    if (matrix) job.matrix = matrix;
  }
  if (typeof spec["timeout-minutes"] === "number") job.timeout = `${spec["timeout-minutes"]}m`;
  if (typeof spec["continue-on-error"] === "boolean") job["continue-on-error"] = spec["continue-on-error"];
  const env = convertStepEnv(spec.env, job, [...path, "env"], notes);
  if (env) job.env = env;
  for (const [key, text] of Object.entries(UNSUPPORTED_JOB_KEYS)) if (spec[key] !== undefined) note(text, key);
  const defaults = isPlainObject(spec.defaults) && isPlainObject(spec.defaults.run) ? spec.defaults.run : {};
  const directory = typeof defaults["working-directory"] === "string" ? defaults["working-directory"] : undefined;
  const steps = Array.isArray(spec.steps) ? spec.steps : [];
  steps.forEach((step, i) => {
    convertGitHubStep(step, job, [...path, "steps", i], notes, directory);
  });
  if (!job.steps.some((s) => !isComment(s))) {
    job.steps.push({
      name: "converted from GitHub Actions",
      run: `echo "job ${name}: nothing of it converted to pitcrew; see the comments in the pipeline file" >&2\nexit 1\n`,
    });
  }
  if (job.comments!.length === 0) delete job.comments;
  return job;
}

/** Axes of scalars, include/exclude rows; values for Windows/macOS runners are left out. */
function convertMatrix(
  matrix: unknown,
  runsOn: string,
  rest: Record<string, unknown>,
  path: PropertyKey[],
  notes: ImportNotes,
): Matrix | undefined {
  if (!isPlainObject(matrix)) {
    notes.add(
      "warning",
      "import-matrix",
      "a matrix computed by an expression has no pitcrew equivalent; write its values out",
      path,
    );
    return undefined;
  }
  const osAxis = /matrix\.([\w-]+)/.exec(runsOn)?.[1];
  // An axis read only by runs-on (which is dropped) would only make identical copies of the job.
  const readElsewhere = osAxis !== undefined && new RegExp(`matrix\\.${osAxis}\\b`).test(stringify(rest));
  const linux = (row: Record<string, unknown>) => osAxis === undefined || !NON_LINUX.test(String(row[osAxis] ?? ""));
  const out: Matrix = {};
  const dropped: string[] = [];
  for (const [axis, values] of Object.entries(matrix)) {
    if (!Array.isArray(values)) {
      notes.add("warning", "import-matrix", `matrix ${axis}: not a list of values`, [...path, axis]);
      continue;
    }
    const rows = values.filter(isPlainObject);
    if (axis === "include" || axis === "exclude") {
      const scalarRows = rows.filter((r) => Object.values(r).every(isScalar)) as Record<
        string,
        string | number | boolean
      >[];
      const kept = scalarRows
        .filter(linux)
        .map((row) => {
          if (osAxis === undefined || readElsewhere) return row;
          const { [osAxis]: _, ...others } = row;
          return others;
        })
        .filter((row) => Object.keys(row).length > 0);
      if (kept.length < values.length) dropped.push(`${values.length - kept.length} ${axis} row(s)`);
      if (kept.length) out[axis] = kept;
      continue;
    }
    if (axis === osAxis && !readElsewhere) continue;
    const scalars = values.filter(isScalar).filter((v) => axis !== osAxis || !NON_LINUX.test(String(v)));
    if (scalars.length < values.length) dropped.push(`${values.length - scalars.length} value(s) of ${axis}`);
    if (scalars.length) out[axis] = scalars;
  }
  if (dropped.length) {
    notes.add(
      "warning",
      "import-matrix",
      `left out ${dropped.join(", ")}: Windows/macOS runners or values that are maps (pitcrew runs Linux runners; matrix values are scalars)`,
      path,
    );
  }
  return Object.keys(out).some((k) => k !== "include" && k !== "exclude") || out.include ? out : undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function indent(yaml: string): string[] {
  return yaml
    .trimEnd()
    .split("\n")
    .map((l) => `  ${l}`);
}
