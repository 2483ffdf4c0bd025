/**
 * Rules about job and step settings: durations parse and stay within limits, a step's
 * `working-directory` stays inside the workspace for every matrix combination, and a pipeline
 * cannot switch its own sandbox off.
 */
import { posix } from "node:path";
import { interpolate } from "../compile/interpolate.js";
import { parseDuration } from "../duration.js";
import { parseMemorySize } from "../memory-size.js";
import { DEFAULT_JOB_TIMEOUT_MS, MAX_TIMEOUT_MS } from "../spec/defaults.js";
import type { LintContext } from "./lint-context.js";

/** `invalid-duration`, `timeout-too-long`, `step-timeout-exceeds-job` (warning). */
export function checkDurations(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const jobPath = ["jobs", name];
    const jobTimeout = timeout(ctx, job.timeout, [...jobPath, "timeout"]);
    const backoff = typeof job.retries === "object" ? job.retries.backoff : undefined;
    if (backoff !== undefined) duration(ctx, backoff, [...jobPath, "retries", "backoff"]);
    job.steps?.forEach((step, i) => {
      const path = [...jobPath, "steps", i, "timeout"];
      const ms = timeout(ctx, step.timeout, path);
      const limit = jobTimeout ?? DEFAULT_JOB_TIMEOUT_MS;
      if (ms !== undefined && ms > limit) {
        const message = `this step's timeout is longer than its job's (${limit / 60_000} min), which ends it first`;
        ctx.report("warning", "step-timeout-exceeds-job", message, { path });
      }
    });
  }
}

function timeout(ctx: LintContext, value: string | number | undefined, path: PropertyKey[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = duration(ctx, value, path);
  if (ms === 0) ctx.report("error", "invalid-duration", "a timeout must be longer than zero", { path });
  if (ms !== undefined && ms > MAX_TIMEOUT_MS) {
    ctx.report("error", "timeout-too-long", `timeout '${value}' is longer than the maximum of 24h`, { path });
  }
  return ms;
}

function duration(ctx: LintContext, value: string | number, path: PropertyKey[]): number | undefined {
  const parsed = parseDuration(value);
  if ("ms" in parsed) return parsed.ms;
  ctx.report("error", "invalid-duration", parsed.error, { path });
  return undefined;
}

/** `working-directory-escape`: absolute paths and `..` that leave the workspace are refused. */
export function checkWorkingDirectories(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const combos = ctx.matrices.get(name)!.combos.slice(0, 256);
    job.steps?.forEach((step, i) => {
      const dir = step["working-directory"];
      if (dir === undefined) return;
      const values = { inputs: {}, branch: "b", commit: "c", event: "push" };
      const bad = (combos.length ? combos : [{}])
        .map((matrix) => interpolate(dir, { ...values, matrix }))
        .find((d) => escapesWorkspace(d));
      if (bad === undefined) return;
      const shown = bad === dir ? `'${dir}'` : `'${dir}' (here '${bad}')`;
      const message = `working-directory ${shown} must be a relative path inside the workspace`;
      ctx.report("error", "working-directory-escape", message, {
        path: ["jobs", name, "steps", i, "working-directory"],
      });
    });
  }
}

/** True for absolute paths and paths that climb out of the workspace with `..`. */
function escapesWorkspace(dir: string): boolean {
  if (dir.startsWith("/") || dir.startsWith("~") || /^[A-Za-z]:[\\/]/.test(dir)) return true;
  const normal = posix.normalize(dir.replaceAll("\\", "/"));
  return normal === ".." || normal.startsWith("../");
}

/**
 * `path-escape`: artifact, report, cache and test file paths are workspace-relative; an absolute path or
 * one climbing out with `..` (such as `../../etc/x`) is refused before anything runs.
 */
export function checkWorkspacePaths(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const check = (value: string | undefined, path: PropertyKey[], what: string) => {
      if (value === undefined || !escapesWorkspace(value.replace(/^!/, ""))) return;
      ctx.report("error", "path-escape", `${what} '${value}' must be a relative path inside the workspace`, { path });
    };
    const base = ["jobs", name];
    job.artifacts?.forEach((p, i) => {
      check(p, [...base, "artifacts", i], "artifact path");
    });
    for (const kind of ["junit", "coverage"] as const) {
      const v = job.reports?.[kind];
      if (typeof v === "string") check(v, [...base, "reports", kind], `${kind} report path`);
      else
        v?.forEach((p, i) => {
          check(p, [...base, "reports", kind, i], `${kind} report path`);
        });
    }
    job.cache?.paths?.forEach((p, i) => {
      check(p, [...base, "cache", "paths", i], "cache path");
    });
    job.steps?.forEach((step, s) => {
      const files = step.tests?.files;
      const at = [...base, "steps", s, "tests", "files"];
      if (typeof files === "string") check(files, at, "test file glob");
      else
        files?.forEach((p, i) => {
          check(p, [...at, i], "test file glob");
        });
    });
  }
}

/**
 * `sandbox-not-disabled` (warning): a pipeline is untrusted code, so `sandbox: false` cannot take
 * its jobs out of the sandbox; only an admin can, per project (docs/security.md).
 */
export function checkSandbox(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    if (job.sandbox !== false) continue;
    const message =
      "`sandbox: false` has no effect: jobs run in the sandbox unless an admin turns it off for the project";
    ctx.report("warning", "sandbox-not-disabled", message, { path: ["jobs", name, "sandbox"] });
  }
}

/** `invalid-memory-size`: a job's `resources.memory` must be a size with a unit. */
export function checkResources(ctx: LintContext): void {
  for (const [name, job] of ctx.jobs) {
    const memory = job.resources?.memory;
    if (memory === undefined) continue;
    const parsed = parseMemorySize(memory);
    if ("error" in parsed)
      ctx.report("error", "invalid-memory-size", parsed.error, { path: ["jobs", name, "resources", "memory"] });
  }
}
