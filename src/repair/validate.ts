/**
 * Proves a patch in a scratch git worktree of the base commit, never in the user's working tree:
 * the worktree is created detached at `base`, each edit's `before` is checked against the file at
 * that commit (a mismatch is refused with a PatchMismatchError), the patch's diff is applied with
 * `git apply`, extra files (a regression test) are written, the project's test command runs
 * there, and the worktree is removed whatever happened.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { ConflictError, ValidationError } from "../common/errors.js";
import type { Patch } from "./fixer.js";
import { git } from "../runner/index.js";
import { runCommand } from "./run-command.js";

/** A patch whose `before` texts no longer match the base commit. */
export class PatchMismatchError extends ConflictError {
  override name = "PatchMismatchError";
}

/** A file to add next to the patch (a generated regression test). */
export interface ExtraFile {
  path: string;
  text: string;
}

/** What to prove and how. */
export interface ValidateRequest {
  /** The repository (its working tree is never touched). */
  repoDir: string;
  /** Commit to start from (default HEAD). */
  base?: string;
  /** The patch to apply; leave out to run the command on the base commit (plus `extraFiles`). */
  patch?: Patch;
  extraFiles?: readonly ExtraFile[];
  /** The test command as an argv array, run in the worktree root (or `cwd` under it). */
  command: readonly string[];
  /** Directory under the worktree to run the command in (relative, default the root). */
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The outcome of one validation run. */
export interface ValidationResult {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The last few KiB of the command's output. */
  output: string;
  /** The commit validated against (full SHA). */
  base: string;
}

/** `path` inside `root`, refusing anything that escapes it. */
function inside(root: string, path: string): string {
  const full = resolve(root, path);
  if (!full.startsWith(root + sep)) throw new ValidationError(`path ${path} leaves the repository`);
  return full;
}

/** Checks that every edit's `before` equals the file in the worktree (missing file = ""). */
async function checkBefore(worktree: string, patch: Patch, base: string): Promise<void> {
  for (const edit of patch.edits) {
    const current = await readFile(inside(worktree, edit.path), "utf8").catch(() => "");
    if (current !== edit.before)
      throw new PatchMismatchError(
        `patch "${patch.title}" no longer applies: ${edit.path} at ${base.slice(0, 10)} differs from the text the patch was made from`,
        { path: edit.path, base },
      );
  }
}

/**
 * Runs `fn` in a fresh detached worktree of `base` (default HEAD) of `repoDir` and removes the
 * worktree afterwards; `fn` gets the worktree path and the full base SHA.
 */
export async function withScratchWorktree<T>(
  repoDir: string,
  base: string,
  fn: (worktree: string, sha: string) => Promise<T>,
): Promise<T> {
  const sha = (
    await git(["rev-parse", "--verify", "--end-of-options", `${base}^{commit}`], { cwd: repoDir, timeoutMs: 120_000 })
  ).trim();
  const parent = await mkdtemp(join(tmpdir(), "pitcrew-validate-"));
  const worktree = join(parent, "worktree");
  await git(["worktree", "add", "--detach", "--quiet", worktree, sha], { cwd: repoDir, timeoutMs: 120_000 });
  try {
    return await fn(worktree, sha);
  } finally {
    await git(["worktree", "remove", "--force", worktree], { cwd: repoDir, timeoutMs: 120_000 }).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    await git(["worktree", "prune"], { cwd: repoDir, timeoutMs: 120_000 }).catch(() => undefined);
  }
}

/** Applies the patch and extra files in a scratch worktree of the base commit and runs the command. */
export async function validatePatch(req: ValidateRequest): Promise<ValidationResult> {
  if (req.command.length === 0) throw new ValidationError("validatePatch: the test command is empty");
  return withScratchWorktree(req.repoDir, req.base ?? "HEAD", async (worktree, base) => {
    if (req.patch) {
      await checkBefore(worktree, req.patch, base);
      await git(["apply", "--whitespace=nowarn", "-"], { cwd: worktree, timeoutMs: 120_000, input: req.patch.diff });
      for (const edit of req.patch.edits)
        if ((await readFile(inside(worktree, edit.path), "utf8")) !== edit.after)
          throw new PatchMismatchError(
            `patch "${req.patch.title}": its diff does not produce its edit of ${edit.path}`,
          );
    }
    for (const file of req.extraFiles ?? []) {
      const full = inside(worktree, file.path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, file.text);
    }
    const run = await runCommand(req.command, {
      cwd: req.cwd ? inside(worktree, req.cwd) : worktree,
      env: req.env,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
    });
    return { passed: run.exitCode === 0, exitCode: run.exitCode, timedOut: run.timedOut, output: run.output, base };
  });
}
