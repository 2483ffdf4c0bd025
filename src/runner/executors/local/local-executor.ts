/**
 * The local executor: runs a step as `bash --noprofile --norc -eo pipefail -c <script>` directly
 * on the host, in its own process group, with exactly the environment it is given. It has no
 * isolation beyond that: use the sandbox executor for untrusted code.
 */
import type { Executor } from "../../executor.js";
import { findExecutable } from "../find-executable.js";
import { DEFAULT_KILL_GRACE_MS, spawnStep } from "../spawn-step.js";

/** Options of the local executor. */
export interface LocalExecutorOptions {
  /** Time between SIGTERM and SIGKILL when a step times out or is cancelled (default 5000). */
  killGraceMs?: number;
}

/** Bash flags every step runs with: no rc files, exit on error, failing pipelines fail. */
export const BASH_FLAGS = ["--noprofile", "--norc", "-eo", "pipefail", "-c"] as const;

/** Creates an executor running steps as host processes. */
export function createLocalExecutor(opts: LocalExecutorOptions = {}): Executor {
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const bash = findExecutable("bash") ?? "/bin/bash";
  return {
    name: "local",
    runStep: (inv) => spawnStep(bash, [...BASH_FLAGS, inv.script], inv, killGraceMs),
  };
}
