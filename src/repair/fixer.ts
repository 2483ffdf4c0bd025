/**
 * The fixer port: a fixer reads a failure and the code, and proposes patches. It never writes
 * to a branch, a worktree or the user's files; `repair/validate` applies and proves patches in a
 * scratch worktree. Implementations: `fixers/patterns/<language>/` (tree-sitter), `fixers/config/`,
 * `fixers/revert/`, `fixers/llm/` (off unless configured).
 *
 * Protocol:
 *   1. `propose(ctx)` reads files under `ctx.repoDir` (read-only) and returns zero or more
 *      patches, best first. No patch is a normal answer ("not my kind of failure").
 *   2. Each patch is self-contained: whole-file before/after texts plus a unified diff of them,
 *      paths relative to `ctx.repoDir`, forward slashes. `before` must equal the file's current
 *      text; validation rejects a patch whose `before` no longer matches.
 *   3. Patches are minimal (only the lines the fix needs) and keep the file's formatting.
 *
 * Concurrency: fixers are stateless between calls; `propose` may run concurrently for different
 * contexts. Errors: a fixer that cannot read the code throws; the chain records the error and goes
 * on with the other fixers.
 */
import type { Diagnosis } from "../diagnose/index.js";
import type { ParsedTrace, Suspect } from "../diagnose/index.js";

/** The request that reached the failure over HTTP, when known (used for reproduction tests). */
export interface CapturedRequest {
  method: string;
  /** Path with query, e.g. `/cart/42?coupon=x`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Status the service answered (5xx for the failure). */
  status?: number;
}

/** Everything a fixer may look at. */
export interface FixContext {
  /** Checkout of the base commit (a scratch worktree); read-only for fixers. */
  repoDir: string;
  /** The failure's parsed stack trace, when the failure has one. */
  trace?: ParsedTrace;
  /** Ranked suspects (best first), repository-relative files where mapped. */
  suspects: Suspect[];
  /** The diagnosis, when one was made (config fixer and LLM fixer use it). */
  diagnosis?: Diagnosis;
  /** The failing request, when the failure came through an HTTP route. */
  request?: CapturedRequest;
}

/** One file changed by a patch. */
export interface FileEdit {
  /** Repository-relative path, forward slashes. */
  path: string;
  before: string;
  after: string;
}

/** Kinds of fixers. */
export type FixerKind = "pattern" | "config" | "revert" | "llm";

/** A proposed change with its reasoning. */
export interface Patch {
  /** Name of the fixer that made it, e.g. `pattern/null-guard`. */
  fixer: string;
  kind: FixerKind;
  /** One line for a commit subject / PR title, e.g. `Guard against null cart in total()`. */
  title: string;
  /** Plain-language reasoning and evidence, for the PR body. */
  explanation: string;
  edits: FileEdit[];
  /** Unified diff of all edits (`diff --git a/… b/…` format, applies with `git apply`). */
  diff: string;
  /** For revert patches: the commit reverted. */
  revertOf?: string;
}

/** Proposes patches for a failure (protocol in this file's header comment). */
export interface Fixer {
  /** Stable name, e.g. `pattern/javascript`. */
  readonly name: string;
  readonly kind: FixerKind;
  propose(ctx: FixContext): Promise<Patch[]>;
}
