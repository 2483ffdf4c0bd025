// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
/**
 * A `.gitlab-ci.yml` → an {@link ImportedPipeline}. Hidden jobs (`.name`) are templates merged
 * into the jobs that `extends:` them (maps deep, other values replaced, as GitLab does);
 * `stages:` become needs (a job needs the jobs of the previous non-empty stage) unless the job
 * lists its own `needs:`; `before_script` + `script` run as one step (one shell, as in
 * GitLab), `after_script` as a step that always runs. `include:`, images and services have no
 * equivalent and are reported.
 */
import { stringify } from "yaml";
import { isPlainObject } from "../../common/plain-object.js";
import { convertGitLabConditions } from "./gitlab-rules.js";
import { type ImportedJob, type ImportedPipeline, type ImportNotes, isComment } from "./imported-pipeline.js";
import { workspacePaths } from "./workspace-paths.js";

/** Top-level keys that are settings, not jobs. */
const KEYWORDS = new Set([
  "stages",
  "variables",
  "default",
  "include",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
]);
const DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"];
const JOB_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** GitLab's predefined variables that pitcrew can fill in, through env interpolation. */
const CI_VARIABLES: Record<string, string> = {
  CI_COMMIT_SHA: "${{ commit }}",
  CI_COMMIT_BRANCH: "${{ branch }}",
  CI_COMMIT_REF_NAME: "${{ branch }}",
  CI_COMMIT_REF_SLUG: "${{ branch }}",
  CI_PIPELINE_SOURCE: "${{ event }}",
};
/** Job keys reported as having no equivalent, with what to do. */
const UNSUPPORTED_JOB_KEYS: Record<string, string> = {
  image: "pitcrew runs steps on its runners, not in an image; use a runner with those tools installed",
  services: "pitcrew starts no service containers; start the service in a step or point the job at a shared instance",
  tags: "runner tags become runs-on labels; add runs-on with your runners' labels if you need one",
  environment: "deployments are pitcrew's deploy: section and .pitcrew/deploy.yaml (docs/deploy.md)",
  trigger: "child and multi-project pipelines have no pitcrew equivalent",
  parallel: "parallel copies have no pitcrew equivalent; use a matrix",
  coverage: "pitcrew reads coverage from reports (reports.coverage), not from the log",
};

/** Converts a parsed `.gitlab-ci.yml`; `notes` receives what did not convert. */
export function convertGitLabCi(doc: Record<string, unknown>, notes: ImportNotes): ImportedPipeline {
  const pipeline: ImportedPipeline = { on: { push: {}, pull_request: {}, manual: {} }, jobs: {} };
  for (const key of ["include", "image", "services", "workflow"]) {
    if (doc[key] !== undefined)
      notes.add(
        "warning",
        "import-setting",
        `${key}: has no pitcrew equivalent and was left out${key === "include" ? " (jobs defined in included files are missing)" : ""}`,
        [key],
      );
  }
  const defaults = { ...(isPlainObject(doc.default) ? doc.default : {}) };
  for (const key of ["before_script", "after_script", "cache", "image", "services"])
    if (doc[key] !== undefined) defaults[key] ??= doc[key];
  const stages = Array.isArray(doc.stages)
    ? ([".pre", ...doc.stages.map(String), ".post"] as string[])
    : DEFAULT_STAGES;
  const env = variables(doc.variables);
  const names = new Map<string, string>();
  const jobs: [string, Record<string, unknown>][] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (KEYWORDS.has(key) || key.startsWith(".") || !isPlainObject(value)) continue;
    names.set(key, jobName(key, new Set(names.values())));
    jobs.push([key, { ...defaults, ...resolveExtends(value, doc, notes, [key]) }]);
  }
  const byStage = new Map<string, string[]>();
  for (const [key, job] of jobs) {
    const stage = typeof job.stage === "string" ? job.stage : "test";
    byStage.set(stage, [...(byStage.get(stage) ?? []), names.get(key)!]);
  }
  const previous = (stage: string) => {
    for (let i = stages.indexOf(stage) - 1; i >= 0; i--) {
      const found = byStage.get(stages[i]!);
      if (found?.length) return found;
    }
    return [];
  };
  for (const [key, job] of jobs) {
    const name = names.get(key)!;
    if (name !== key)
      notes.add(
        "warning",
        "import-job-name",
        `job '${key}' is named '${name}' (pitcrew job names are letters, digits, '_' and '-')`,
        [key],
      );
    const converted = convertJob(key, job, notes);
    if (Array.isArray(job.needs)) {
      const needs = job.needs
        .map((n) => (isPlainObject(n) ? n.job : n))
        .map(String)
        .filter((n) => names.has(n));
      if (needs.length) converted.needs = needs.map((n) => names.get(n)!);
    } else {
      const stage = typeof job.stage === "string" ? job.stage : "test";
      if (!stages.includes(stage))
        notes.add("warning", "import-stage", `stage '${stage}' is not in stages:`, [key, "stage"]);
      const needs = previous(stage);
      if (needs.length) converted.needs = needs;
    }
    pipeline.jobs[name] = converted;
  }
  const used = usedVariables(JSON.stringify(pipeline.jobs));
  for (const v of used) if (CI_VARIABLES[v]) env[v] = CI_VARIABLES[v];
  if (Object.keys(env).length) pipeline.env = env;
  return pipeline;
}

function convertJob(key: string, job: Record<string, unknown>, notes: ImportNotes): ImportedJob {
  const path = [key];
  const out: ImportedJob = { steps: [], comments: [] };
  const note = (text: string, setting: string) => {
    notes.add("warning", "import-setting", `${setting}: ${text}`, [...path, setting]);
    out.comments!.push(
      `pitcrew import: ${setting}: ${text}`,
      ...stringify({ [setting]: job[setting] }, { lineWidth: 0 })
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    );
  };
  for (const [setting, text] of Object.entries(UNSUPPORTED_JOB_KEYS))
    if (job[setting] !== undefined) note(text, setting);
  const condition = convertGitLabConditions(job);
  if ("unsupported" in condition) {
    notes.add(
      "warning",
      "import-condition",
      `${condition.unsupported} has no pitcrew equivalent; the job is disabled (if: false) until you rewrite the condition`,
      [...path, job.rules ? "rules" : "only"],
    );
    out.comments!.push(`pitcrew import: original condition: ${condition.unsupported}`);
    out.if = "false";
  } else if ("expr" in condition) out.if = condition.expr;
  const env = variables(job.variables);
  if (Object.keys(env).length) out.env = env;
  if (job.allow_failure === true) out["continue-on-error"] = true;
  if (typeof job.timeout === "string") {
    const timeout = job.timeout.replace(/\s+/g, "");
    if (/^(\d+[hms])+$/.test(timeout)) out.timeout = timeout;
    else
      notes.add("warning", "import-setting", `timeout '${job.timeout}': write it as e.g. 1h30m`, [...path, "timeout"]);
  }
  const retry = isPlainObject(job.retry) ? job.retry.max : job.retry;
  if (typeof retry === "number") out.retries = Math.min(10, Math.max(0, retry));
  convertArtifacts(job.artifacts, out);
  convertCache(job.cache, key, out, [...path, "cache"], notes);
  convertMatrix(job.parallel, out);
  const script = [...lines(job.before_script), ...lines(job.script)].map(projectDir);
  if (script.length) out.steps.push({ name: "script", run: `${script.join("\n")}\n` });
  const after = lines(job.after_script).map(projectDir);
  if (after.length) out.steps.push({ name: "after_script", run: `${after.join("\n")}\n`, if: "always()" });
  if (!out.steps.some((s) => !isComment(s))) {
    notes.add("warning", "import-step", `job '${key}' has no script (it may come from an included template)`, path);
    out.steps.push({
      name: "converted from GitLab CI",
      run: `echo "job ${key}: no script to convert; see the comments in the pipeline file" >&2\nexit 1\n`,
    });
  }
  if (out.comments!.length === 0) delete out.comments;
  return out;
}

/** `extends:` templates merged under the job (later templates and the job itself win). */
function resolveExtends(
  job: Record<string, unknown>,
  doc: Record<string, unknown>,
  notes: ImportNotes,
  path: PropertyKey[],
  depth = 0,
): Record<string, unknown> {
  if (job.extends === undefined || depth > 10) return job;
  const parents = Array.isArray(job.extends) ? job.extends.map(String) : [String(job.extends)];
  let merged: Record<string, unknown> = {};
  for (const parent of parents) {
    const template = doc[parent];
    if (!isPlainObject(template)) {
      notes.add("warning", "import-extends", `extends '${parent}', which is not in this file (an included template?)`, [
        ...path,
        "extends",
      ]);
      continue;
    }
    merged = deepMerge(merged, resolveExtends(template, doc, notes, path, depth + 1));
  }
  const { extends: _, ...own } = job;
  return deepMerge(merged, own);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function convertArtifacts(artifacts: unknown, job: ImportedJob): void {
  if (!isPlainObject(artifacts)) return;
  const paths = workspacePaths(lines(artifacts.paths));
  if (paths.length) job.artifacts = paths;
  const reports = isPlainObject(artifacts.reports) ? artifacts.reports : {};
  const junit = workspacePaths(lines(reports.junit));
  const coverage = isPlainObject(reports.coverage_report) ? workspacePaths(lines(reports.coverage_report.path)) : [];
  if (junit.length || coverage.length) {
    job.reports = { ...(junit.length && { junit }), ...(coverage.length && { coverage }) };
  }
}

function convertCache(cache: unknown, key: string, job: ImportedJob, path: PropertyKey[], notes: ImportNotes): void {
  const first = Array.isArray(cache) ? cache[0] : cache;
  if (!isPlainObject(first)) return;
  const paths = workspacePaths(lines(first.paths));
  if (paths.length === 0) return;
  let cacheKey = `${key.replace(/[^\w-]/g, "-")}-cache`;
  if (isPlainObject(first.key) && Array.isArray(first.key.files)) {
    cacheKey = `{{ hashFiles(${first.key.files.map((f) => `'${String(f)}'`).join(", ")}) }}`;
  } else if (typeof first.key === "string" && !first.key.includes("$")) cacheKey = first.key;
  else if (first.key !== undefined) {
    notes.add(
      "warning",
      "import-cache",
      `cache key ${JSON.stringify(first.key)} uses GitLab variables; pitcrew keys by hashFiles/os/arch/matrix, and caches per branch already`,
      [...path, "key"],
    );
  }
  job.cache = { key: cacheKey, paths };
}

/** `parallel: matrix:` with one entry → a pitcrew matrix. */
function convertMatrix(parallel: unknown, job: ImportedJob): void {
  if (!isPlainObject(parallel) || !Array.isArray(parallel.matrix) || parallel.matrix.length !== 1) return;
  const entry = parallel.matrix[0];
  if (!isPlainObject(entry)) return;
  const matrix: Record<string, (string | number | boolean)[]> = {};
  for (const [axis, values] of Object.entries(entry))
    matrix[axis] = (Array.isArray(values) ? values : [values]).map(String);
  job.matrix = matrix;
  const names = Object.keys(matrix);
  job.env = { ...job.env, ...Object.fromEntries(names.map((n) => [n, `\${{ matrix.${n} }}`])) };
}

function variables(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    const raw = isPlainObject(v) ? v.value : v;
    if (/^[A-Za-z_]\w*$/.test(name) && raw !== undefined) out[name] = raw === null ? "" : String(raw);
  }
  return out;
}

/** Script lines: a string or a list (nested lists from anchors flattened). */
function lines(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(lines);
  return [];
}

/** `$CI_PROJECT_DIR` is the workspace. */
function projectDir(line: string): string {
  return line.replace(/\$\{?CI_PROJECT_DIR\}?/g, "${PITCREW_WORKSPACE}");
}

function usedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{?(CI_[A-Z_]+)/g)].map((m) => m[1]!))];
}

function jobName(key: string, taken: Set<string>): string {
  let name = JOB_NAME.test(key) ? key : key.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[^A-Za-z_]+/, "") || "job";
  for (let i = 2; taken.has(name); i++) name = `${name.replace(/-\d+$/, "")}-${i}`;
  return name;
}
