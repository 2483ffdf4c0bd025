/**
 * Runs git for the locate step: `execFile` with an argv array (never a shell), prompts off, a
 * timeout, and inherited variables that would point git at another repository dropped.
 */
import { execFile } from "node:child_process";
import { PitcrewError } from "../../common/errors.js";

const DROPPED = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
];
const TIMEOUT_MS = 60_000;

/** A git command run while locating suspects failed. */
export class LocateGitError extends PitcrewError {
  override name = "LocateGitError";
  constructor(args: readonly string[], stderr: string, options?: { cause?: unknown }) {
    super("git_failed", `git ${args[0] ?? ""} failed: ${stderr.trim()}`, { args }, options);
  }
}

/** Runs `git args` in `repo` and resolves with stdout. */
export function runGit(repo: string, args: readonly string[]): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  for (const name of DROPPED) delete env[name];
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...args],
      { cwd: repo, env, timeout: TIMEOUT_MS, maxBuffer: 128 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) reject(new LocateGitError(args, stderr || err.message, { cause: err }));
        else resolve(stdout);
      },
    );
  });
}
