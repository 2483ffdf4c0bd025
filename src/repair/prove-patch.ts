/**
 * The acceptance rule of a patch: its reproduction test fails on the base commit (the test
 * really reproduces the failure) and the project's whole test suite, reproduction included,
 * passes with the patch. Both runs happen in scratch worktrees (`validate.ts`).
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
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The verdict with both runs' results. */
export interface ProveResult {
  proven: boolean;
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
    if (onBase.passed) {
      const withPatch = onBase;
      return {
        proven: false,
        reason: `the reproduction test ${repro.path} passes without the patch`,
        onBase,
        withPatch,
      };
    }
  }
  const withPatch = await validatePatch({ ...common, patch: req.patch, command: req.project.test });
  const reason = withPatch.passed
    ? repro
      ? `${repro.path} fails on ${withPatch.base.slice(0, 10)} and the project's tests, it included, pass with the patch`
      : `the project's tests pass with the patch (no reproduction test)`
    : `the project's tests fail with the patch${withPatch.timedOut ? " (timed out)" : ""}`;
  return { proven: withPatch.passed, reason, onBase, withPatch };
}
