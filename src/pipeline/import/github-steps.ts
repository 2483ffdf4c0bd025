// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are pipeline text with ${{ }} references
/**
 * One GitHub Actions step → pitcrew: a `run:` step with its expressions rewritten; a well-known
 * action mapped to what pitcrew does instead (checkout: dropped, pitcrew checks out; cache and
 * upload-artifact: the job's `cache:` and `artifacts:`; setup-* actions: a note); every other
 * action kept as a commented step with a diagnostic saying what to do.
 */
import { stringify } from "yaml";
import { isPlainObject } from "../../common/plain-object.js";
import type { StepSpec } from "../spec/schema.js";
import { GITHUB_STEP_FILES, translateCondition, translateScript } from "./github-expressions.js";
import { commentedStep, type ImportedJob, type ImportNotes } from "./imported-pipeline.js";
import { workspacePaths } from "./workspace-paths.js";

/** Shells whose scripts run as they are under pitcrew's bash. */
const POSIX_SHELLS = new Set(["bash", "sh", "bash -e {0}", "bash --noprofile --norc -eo pipefail {0}"]);

/** Converts `step` (at `path` of the source) into `job`, which receives steps, cache, artifacts and secrets. */
export function convertGitHubStep(
  step: unknown,
  job: ImportedJob,
  path: PropertyKey[],
  notes: ImportNotes,
  defaultDirectory?: string,
): void {
  if (!isPlainObject(step)) return;
  const source = stringify([step], { lineWidth: 0 });
  const keep = (reason: string, code: string) => {
    notes.add("warning", code, reason, path);
    job.steps.push(commentedStep(reason, source));
  };
  if (typeof step.uses === "string") {
    convertAction(step.uses, isPlainObject(step.with) ? step.with : {}, job, path, notes, keep);
    return;
  }
  if (typeof step.run !== "string") {
    keep("a step without run or uses", "import-step");
    return;
  }
  if (typeof step.shell === "string" && !POSIX_SHELLS.has(step.shell)) {
    keep(`shell '${step.shell}': pitcrew runs steps with bash; rewrite the script for bash`, "import-step");
    return;
  }
  const script = translateScript(step.run);
  if (script.unsupported.length) {
    keep(
      `${script.unsupported.join(", ")} has no pitcrew equivalent; pass the value another way (env, an input)`,
      "import-expression",
    );
    return;
  }
  const files = GITHUB_STEP_FILES.filter((f) => step.run?.toString().includes(f));
  if (files.length) {
    notes.add(
      "warning",
      "import-step-files",
      `the script writes ${files.map((f) => `$${f}`).join(", ")}, which pitcrew steps do not have (no step outputs); pass values through files in the workspace`,
      [...path, "run"],
    );
  }
  const out: StepSpec = { ...(typeof step.name === "string" && { name: step.name }), run: script.text };
  if (script.secrets.length) job.secrets = [...new Set([...(job.secrets ?? []), ...script.secrets])];
  const env = convertStepEnv(step.env, job, [...path, "env"], notes);
  if (env) out.env = env;
  if (step.if !== undefined) {
    const condition = translateCondition(step.if as string | boolean);
    if (condition === undefined) {
      notes.add(
        "warning",
        "import-condition",
        `if: ${String(step.if)} has no pitcrew equivalent; the step is disabled (if: false) until you rewrite the condition`,
        [...path, "if"],
      );
      job.steps.push({ comment: [`pitcrew import: original condition: if: ${String(step.if)}`] });
      out.if = "false";
    } else if (condition !== "true") out.if = condition;
  }
  const directory = typeof step["working-directory"] === "string" ? step["working-directory"] : defaultDirectory;
  const workingDirectory = directory === undefined ? undefined : translateDirectory(directory);
  if (workingDirectory === undefined && directory !== undefined) {
    notes.add(
      "warning",
      "import-expression",
      `working-directory: ${directory} does not map; the step runs at the workspace root`,
      [...path, "working-directory"],
    );
  } else if (workingDirectory) out["working-directory"] = workingDirectory;
  if (typeof step["continue-on-error"] === "boolean") out["continue-on-error"] = step["continue-on-error"];
  if (typeof step["timeout-minutes"] === "number") out.timeout = `${step["timeout-minutes"]}m`;
  job.steps.push(out);
}

/** Env values: `${{ secrets.X }}` becomes a granted secret exported under the step's name for it. */
export function convertStepEnv(
  env: unknown,
  job: ImportedJob,
  path: PropertyKey[],
  notes: ImportNotes,
): Record<string, string> | undefined {
  if (!isPlainObject(env)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const text = value === null ? "" : String(value);
    const secret = /^\$\{\{\s*secrets\.([A-Za-z_]\w*)\s*\}\}$/.exec(text);
    if (secret) {
      job.secrets = [...new Set([...(job.secrets ?? []), secret[1]!])];
      if (secret[1] !== name) {
        notes.add(
          "warning",
          "import-secret",
          `${name} comes from secret ${secret[1]}: pitcrew gives a job its secrets under their own names; use $${secret[1]} or export ${name}="$${secret[1]}" in the script`,
          [...path, name],
        );
      }
      continue;
    }
    const translated = translateEnvValue(text);
    if (translated === undefined) {
      notes.add("warning", "import-expression", `${name}: ${text} has no pitcrew equivalent and was left out`, [
        ...path,
        name,
      ]);
      continue;
    }
    out[name] = translated;
  }
  return Object.keys(out).length ? out : undefined;
}

/** An env value with GitHub expressions as pitcrew interpolations, or undefined when one does not map. */
function translateEnvValue(text: string): string | undefined {
  let ok = true;
  const out = text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expr: string) => {
    const e = expr.trim();
    if (/^matrix\.[\w-]+$/.test(e)) return `\${{ ${e} }}`;
    if (/^(github\.event\.)?inputs\.\w+$/.test(e)) return `\${{ ${e.replace("github.event.", "")} }}`;
    const mapped = {
      "github.sha": "commit",
      "github.ref_name": "branch",
      "github.head_ref": "branch",
      "github.event_name": "event",
      "github.base_ref": "base_branch",
    }[e];
    if (mapped) return `\${{ ${mapped} }}`;
    if (e === "runner.os") return "Linux";
    ok = false;
    return "";
  });
  return ok ? out : undefined;
}

/** A working directory relative to the workspace (the workspace itself is ""), or undefined when it does not map. */
function translateDirectory(dir: string): string | undefined {
  const relative = dir
    .replace(/^\$\{\{\s*(github\.workspace|env\.GITHUB_WORKSPACE)\s*\}\}\/?/, "")
    .replace(/^\$\{?GITHUB_WORKSPACE\}?\/?/, "")
    .replace(/^\.\/?/, "");
  if (relative.replace(/\$\{\{\s*matrix\.[\w-]+\s*\}\}/g, "").includes("${{") || relative.startsWith("/"))
    return undefined;
  return relative;
}

/** Actions with a clear pitcrew mapping; everything else is kept as a comment. */
function convertAction(
  uses: string,
  inputs: Record<string, unknown>,
  job: ImportedJob,
  path: PropertyKey[],
  notes: ImportNotes,
  keep: (reason: string, code: string) => void,
): void {
  const action = uses.split("@")[0]!.toLowerCase();
  const list = (v: unknown) =>
    String(v ?? "")
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
  if (action === "actions/checkout") {
    if (inputs.repository !== undefined)
      keep(`${uses} checks out another repository; clone it in a run: step`, "import-action");
    return;
  }
  if (/^[\w.-]+\/setup-[\w-]+$/.test(action) || action === "dtolnay/rust-toolchain") {
    const version = Object.entries(inputs)
      .filter(([k]) => k.endsWith("version"))
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(", ");
    const reason = `${uses}${version ? ` (${version})` : ""}: pitcrew runs steps with the tools installed on its runners; install that toolchain there`;
    notes.add("warning", "import-setup", reason, path);
    job.steps.push({ comment: [`pitcrew import: ${reason}`] });
    return;
  }
  if (action === "actions/cache" || action === "actions/cache/restore" || action === "actions/cache/save") {
    const key = String(inputs.key ?? "")
      .replace(/\$\{\{\s*hashFiles\(([^}]*)\)\s*\}\}/g, "{{ hashFiles($1) }}")
      .replace(/\$\{\{\s*runner\.os\s*\}\}/g, "{{ os }}")
      .replace(/\$\{\{\s*runner\.arch\s*\}\}/g, "{{ arch }}");
    const paths = workspacePaths(list(inputs.path));
    if (!key || key.includes("${{") || paths.length === 0) {
      keep(
        `${uses}: the key or paths do not map (pitcrew caches paths inside the workspace, keyed by hashFiles/os/arch/matrix)`,
        "import-action",
      );
      return;
    }
    const restore = list(inputs["restore-keys"]).filter((k) => !k.includes("${{"));
    job.cache = { key, paths, ...(restore.length && { "restore-keys": restore }) };
    return;
  }
  if (action === "actions/upload-artifact") {
    const paths = workspacePaths(list(inputs.path));
    if (paths.length === 0) {
      keep(`${uses}: no path inside the workspace to keep`, "import-action");
      return;
    }
    job.artifacts = [...new Set([...(job.artifacts ?? []), ...paths])];
    return;
  }
  if (action === "actions/download-artifact") {
    const reason = `${uses}: pitcrew does not download artifacts in a step; name the job that makes them in needs`;
    notes.add("warning", "import-action", reason, path);
    job.steps.push({ comment: [`pitcrew import: ${reason}`] });
    return;
  }
  keep(`${uses} is a GitHub action with no pitcrew equivalent; do what it does in a run: step`, "import-action");
}
