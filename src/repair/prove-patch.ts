/**
 * The acceptance rule of a patch: its reproduction test fails on the base commit the way the
 * incident failed — the replayed request answered 5xx, and when the failure's signature is known,
 * the output names its exception type and in-app frame file (the generated tests print the
 * service's output with a 5xx answer) — and the project's whole test suite, reproduction
 * included, passes with the patch. A test that fails for any other reason (it cannot load, an
 * API its runtime lacks, a missing dependency) reproduces nothing. Both runs happen in scratch
 * worktrees (`validate.ts`).
 */
import type { Patch } from "./fixer.js";
import type { Reproduction } from "./reproduce/reproduction.js";
import type { ServiceProject } from "./reproduce/service-project.js";
import { type ValidationResult, validatePatch } from "./validate.js";

/** What to prove. */
export interface ProveRequest {
  repoDir: string;
  base?: string;
  patch: Patch;
  /** The service's directory relative to the repository root ("" for the root). */
  serviceDir: string;
  project: ServiceProject;
  /** Without one, only the project's tests are run with the patch. */
  reproduction?: Reproduction;
  /** The failure's signature the reproduction must show on the base. */
  signature?: FailureSignature;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** What the incident's failure looks like: its exception type and the file of its top in-app frame. */
export interface FailureSignature {
  type: string;
  /** File name (no directory) of the top in-app frame. */
  file?: string;
}

/** The verdict with both runs' results. */
export interface ProveResult {
  proven: boolean;
  /** With a reproduction: false when it did not reproduce the failure on the base (passed, or failed otherwise). */
  reproduced?: boolean;
  /** Why it is not proven, or what was proven, in one sentence. */
  reason: string;
  onBase?: ValidationResult;
  withPatch: ValidationResult;
}

/** Proves `req.patch` (see the module comment). */
export async function provePatch(req: ProveRequest): Promise<ProveResult> {
  const prefix = req.serviceDir ? `${req.serviceDir.replace(/\/+$/, "")}/` : "";
  const repro = req.reproduction;
  const extraFiles = repro ? [{ path: prefix + repro.path, text: repro.text }] : [];
  const common = {
    repoDir: req.repoDir,
    base: req.base,
    extraFiles,
    cwd: req.serviceDir || undefined,
    timeoutMs: req.timeoutMs,
    signal: req.signal,
  };
  let onBase: ValidationResult | undefined;
  if (repro) {
    onBase = await validatePatch({ ...common, command: repro.command });
    const other = onBase.passed ? undefined : otherFailure(onBase.output, req.signature);
    if (onBase.passed || other)
      return {
        proven: false,
        reproduced: false,
        reason: onBase.passed
          ? `the reproduction test ${repro.path} passes without the patch`
          : `the reproduction test ${repro.path} fails on the base, but not with the incident's error: ${other}`,
        onBase,
        withPatch: onBase,
      };
  }
  const withPatch = await validatePatch({ ...common, patch: req.patch, command: req.project.test });
  const reason = withPatch.passed
    ? repro
      ? `${repro.path} fails on ${withPatch.base.slice(0, 10)} and the project's tests, it included, pass with the patch`
      : `the project's tests pass with the patch (no reproduction test)`
    : `the project's tests fail with the patch${withPatch.timedOut ? " (timed out)" : ""}`;
  return { proven: withPatch.passed, ...(repro ? { reproduced: true } : {}), reason, onBase, withPatch };
}

/** Why a failing reproduction's output is not the incident's failure, or undefined when it is. */
function otherFailure(output: string, signature: FailureSignature | undefined): string | undefined {
  const answered = / answered (5\d\d)\b/.exec(output);
  if (!answered) return `no 5xx answer in its output (${firstProblem(output)})`;
  if (!signature) return undefined;
  const missing = [signature.type, signature.file].filter((w): w is string => !!w && !output.includes(w));
  return missing.length
    ? `the service answered ${answered[1]} but its output does not name ${missing.join(" and ")}`
    : undefined;
}

/** The first line of `output` that reads like an error, for the reason (at most 200 characters). */
function firstProblem(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const line = lines.find((l) => /error|cannot|not defined|not found|failed/i.test(l)) ?? lines.find(Boolean) ?? "";
  return line.slice(0, 200) || "no output";
}
