/**
 * Job workspaces. Each job attempt gets its own directory under the workspaces root:
 *
 *   <root>/<runId>-<safe job key>-<hash>-a<attempt>/   `root`: the executor's writable workspace
 *     src/    the checkout (`dir`): PITCREW_WORKSPACE and the steps' default cwd
 *     home/   the job's HOME (persists between its steps)
 *     tmp/    the job's TMPDIR
 *   <root>/<same name>.out/                        `output`: pitcrew's own files about the job
 *                                                  (rewritten test reports); no step can reach it
 *
 * The directory name is derived from the job key but never contains anything a filesystem or
 * a shell could interpret (`../../x` and `$(touch /tmp/pwned)` become harmless slugs); a short
 * hash of the exact key keeps keys that slug alike apart.
 */
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ValidationError } from "../common/errors.js";

/** A prepared job workspace. */
export interface Workspace {
  /** The job directory holding `dir`, `home` and `tmp`: what an executor may write to. */
  root: string;
  /** The checkout: `PITCREW_WORKSPACE` and the steps' default cwd. */
  dir: string;
  /** The job's HOME, next to `dir`. */
  home: string;
  /** The job's TMPDIR, next to `dir`. */
  tmp: string;
  /**
   * pitcrew's own files about the job (the rewritten test reports), next to `root` and never
   * handed to a step: nothing the job controls can redirect what is written here.
   */
  output: string;
  /** Removes the whole job directory (also files a step made read-only). */
  cleanup(): Promise<void>;
}

/** Which job attempt a workspace is for. */
export interface WorkspaceOwner {
  runId: number;
  jobKey: string;
  attempt: number;
}

/** Creates a fresh, empty workspace for one job attempt (a leftover from a crash is wiped). */
export function createWorkspace(root: string, owner: WorkspaceOwner): Workspace {
  const jobDir = join(resolve(root), workspaceName(owner));
  const output = `${jobDir}.out`;
  removeSync(jobDir);
  removeSync(output);
  const ws = { root: jobDir, dir: join(jobDir, "src"), home: join(jobDir, "home"), tmp: join(jobDir, "tmp"), output };
  for (const d of [ws.dir, ws.home, ws.tmp, ws.output]) mkdirSync(d, { recursive: true, mode: 0o700 });
  return {
    ...ws,
    cleanup: async () => {
      await removeAsync(jobDir);
      await removeAsync(output);
    },
  };
}

/** The directory name of a job attempt's workspace: only `[A-Za-z0-9._-]`, never `.`/`..`. */
export function workspaceName({ runId, jobKey, attempt }: WorkspaceOwner): string {
  if (!Number.isSafeInteger(runId) || runId < 0) throw new ValidationError(`invalid run id: ${runId}`);
  if (!Number.isSafeInteger(attempt) || attempt < 0) throw new ValidationError(`invalid attempt: ${attempt}`);
  const slug =
    jobKey
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._-]+/, "")
      .slice(0, 60) || "job";
  const hash = createHash("sha256").update(jobKey).digest("hex").slice(0, 8);
  return `${runId}-${slug}-${hash}-a${attempt}`;
}

/**
 * The absolute path of `rel` inside `workspace`, e.g. a step's `working-directory`. Throws a
 * ValidationError for absolute paths and for paths that leave the workspace, through `..` or
 * through a symlink (resolved as far as the path exists).
 */
export function resolveInside(workspace: string, rel: string): string {
  if (rel.includes("\0")) throw new ValidationError("path contains a NUL byte", { path: rel });
  if (isAbsolute(rel)) throw new ValidationError(`path must be relative to the workspace: ${rel}`, { path: rel });
  const root = resolve(workspace);
  const target = resolve(root, rel);
  if (!isWithin(root, target)) throw new ValidationError(`path leaves the workspace: ${rel}`, { path: rel });
  const realRoot = realpathSync(root);
  if (!isWithin(realRoot, realpathOfExisting(target))) {
    throw new ValidationError(`path leaves the workspace through a symlink: ${rel}`, { path: rel });
  }
  return target;
}

function isWithin(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !isAbsolute(r));
}

/** realpath of `path`, or of its deepest existing ancestor joined with the missing rest. */
function realpathOfExisting(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(realpathOfExisting(parent), relative(parent, path));
  }
}

function removeSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    makeWritable(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function removeAsync(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    makeWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Gives the owner write access to every directory below `dir` (tools like Go make them read-only). */
function makeWritable(dir: string): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return;
  chmodSync(dir, stat.mode | 0o700);
  for (const entry of readdirSync(dir)) makeWritable(join(dir, entry));
}
