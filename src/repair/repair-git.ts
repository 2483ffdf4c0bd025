/**
 * Runs git for the repair chain: `execFile` with an argv array (never a shell), prompts off, a
 * timeout, optional stdin (for `git apply`), and inherited variables that would point git at
 * another repository dropped.
 */
import { execFile } from "node:child_process";
import { PitcrewError } from "../common/errors.js";

const DROPPED = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"];
const TIMEOUT_MS = 120_000;

/** A git command of the repair chain failed; `message` carries git's own words. */
export class RepairGitError extends PitcrewError {
  override name = "RepairGitError";
  constructor(args: readonly string[], stderr: string, options?: { cause?: unknown }) {
    super("git_failed", `git ${args[0] ?? ""} failed: ${stderr.trim()}`, { args }, options);
  }
}

/** Runs `git args` in `cwd` (with `input` on stdin when given) and resolves with stdout. */
export function repairGit(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
  for (const name of DROPPED) delete env[name];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      { cwd, env, timeout: TIMEOUT_MS, maxBuffer: 128 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) reject(new RepairGitError(args, stderr || err.message, { cause: err }));
        else resolve(stdout);
      },
    );
    // a git that exits before reading stdin must not crash us with EPIPE; its exit code tells
    child.stdin?.on("error", () => undefined);
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });
}
