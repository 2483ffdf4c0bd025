/**
 * pitcrew's one git runner (CI checkouts, the forges, diagnosis and repair all use it):
 * `execFile` with an argv array, never a shell, so branch names, URLs and
 * messages from outside reach git as single arguments. Prompts are disabled (a missing
 * credential fails fast instead of hanging a worker), inherited variables that would point git
 * at another repository are dropped, and a failure carries git's stderr in its message.
 */
import { execFile } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import { PitcrewError, ValidationError } from "../common/errors.js";

/** Options of one git invocation. */
export interface GitOptions {
  cwd: string;
  /** Variables added to pitcrew's environment for this call (e.g. GIT_DIR). */
  env?: Record<string, string>;
  /** Kill git after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Written to git's stdin (e.g. a patch for `git apply -`); stdin is closed either way. */
  input?: string;
  /** Kill git and fail when it writes more than this to stdout (default 256 MiB). */
  maxBytes?: number;
}

/** A git command failed; `stderr` is what git said. */
export class GitError extends PitcrewError {
  override name = "GitError";
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
    options?: { cause?: unknown },
  ) {
    super(
      "git_failed",
      `git ${args[0] ?? ""} failed: ${stderr.trim() || `exit code ${exitCode}`}`,
      { args, exitCode },
      options,
    );
  }
}

/**
 * Inherited variables that would make git work on some other repository than `cwd`'s: dropped
 * from every git call (a security property: a job's or the server's environment cannot redirect
 * pitcrew's git to another repository, index or object store).
 */
export const SCRUBBED_GIT_ENV: readonly string[] = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
];

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** Runs `git args` in `cwd` and resolves with its stdout (untrimmed); rejects with a GitError. */
export function git(args: string[], opts: GitOptions): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of SCRUBBED_GIT_ENV) delete env[name];
  // gc.autoDetach=false: an automatic gc runs inside the command, so no git process outlives it
  // (a detached gc writing into a checkout that is being removed makes the removal fail)
  Object.assign(
    env,
    { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "gc.autoDetach", GIT_CONFIG_VALUE_0: "false" },
    opts.env,
    { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
  );
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd: opts.cwd,
        env,
        timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: opts.maxBytes ?? 256 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = typeof err.code === "number" ? err.code : null;
        const why = err.killed
          ? `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
          : err.code === "ENOENT"
            ? `cannot run git in ${opts.cwd} (is git installed, does the directory exist?)`
            : stderr || err.message;
        reject(new GitError(args, why, code, { cause: err }));
      },
    );
    // a git that exits before reading stdin must not crash us with EPIPE; its exit code tells
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input);
  });
}

/*
 * Which repository locations pitcrew fetches from. Accepted: a local path, `file://`,
 * `http(s)://`, `ssh://`, `git://` and scp-like `[user@]host:path`. Refused: anything starting with
 * `-` (it would be read as an option) and git's `<transport>::` remote helpers such as `ext::`,
 * which run arbitrary commands. `GIT_ALLOW_PROTOCOL` repeats the rule inside git itself, so
 * redirects and submodules cannot bring `ext::` back.
 */

/** Value for `GIT_ALLOW_PROTOCOL` on every fetch. */
export const ALLOWED_PROTOCOLS = "file:git:http:https:ssh";

const URL_SCHEME = /^(file|https?|ssh|git):\/\//i;
const SCP_LIKE = /^([A-Za-z0-9._~-]+@)?[A-Za-z0-9][A-Za-z0-9.-]*:[^\s]/;

/** Returns `url` ready to pass to git (local paths made absolute); throws ValidationError if refused. */
export function checkRepoUrl(url: string): string {
  const bad = (why: string) => new ValidationError(`repository URL refused: ${why}`, { url });
  if (!url || url.trim() !== url) throw bad("empty or surrounded by whitespace");
  if (/[\0\n\r]/.test(url)) throw bad("contains control characters");
  if (url.startsWith("-")) throw bad("starts with '-'");
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) throw bad("remote helper transports (such as ext::) are not allowed");
  if (/^[a-z]+:\/\/([^/@]*@)?-/i.test(url)) throw bad("host starts with '-'");
  if (URL_SCHEME.test(url)) return url;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) throw bad(`unsupported scheme in ${url}`);
  if (SCP_LIKE.test(url)) return url;
  return isAbsolute(url) ? url : resolve(url);
}
