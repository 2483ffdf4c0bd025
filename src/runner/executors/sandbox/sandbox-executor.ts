/**
 * The sandbox executor: runs each step under bubblewrap. Inside, the host filesystem is read-only,
 * `/tmp` is a private tmpfs, each of `hidePaths` (pitcrew's data dir: database, other jobs) is
 * covered by an empty tmpfs, and only the job's workspace is bound writable. All namespaces are
 * unshared (pid, net, ipc, uts, user, cgroup); the network is shared back only when the step asks
 * for it. The step sees exactly the environment it was given.
 *
 * Stopping: the bwrap process leads the step's process group. Signalling that group kills bwrap;
 * with `--die-with-parent` its sandboxed child then gets SIGKILL, and as the init of its own pid
 * namespace takes every other sandboxed process with it. So a stopped sandboxed step is killed
 * outright: it does not see the SIGTERM the local executor's steps get first.
 */
import { execFile } from "node:child_process";
import type { Executor } from "../../executor.js";
import { BASH_FLAGS } from "../local/local-executor.js";
import { findExecutable } from "../find-executable.js";
import { DEFAULT_KILL_GRACE_MS, spawnStep } from "../spawn-step.js";
import { bwrapArgs } from "./bwrap-args.js";

/** Options of the sandbox executor. */
export interface SandboxExecutorOptions {
  /** Host paths steps must not see (each gets an empty tmpfs over it), e.g. pitcrew's data dir. */
  hidePaths?: string[];
  /** Time between SIGTERM and SIGKILL when a step times out or is cancelled (default 5000). */
  killGraceMs?: number;
}

/** Creates an executor running steps inside a bubblewrap sandbox. */
export function createSandboxExecutor(opts: SandboxExecutorOptions = {}): Executor {
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const bwrap = findExecutable("bwrap") ?? "bwrap";
  const bash = findExecutable("bash") ?? "/bin/bash";
  const hidePaths = opts.hidePaths ?? [];
  return {
    name: "sandbox",
    runStep: (inv) => {
      const args = bwrapArgs({ ...inv, hidePaths }, [bash, ...BASH_FLAGS, inv.script]);
      // bwrap itself gets an empty environment: `--setenv` gives the step its variables.
      return spawnStep(bwrap, args, { ...inv, env: {} }, killGraceMs);
    },
  };
}

/**
 * True when bubblewrap is installed and can create the sandbox steps get on this machine. The
 * probe uses the same namespaces and mounts as a step (not just `--ro-bind / /`): in some
 * containers bwrap starts but cannot mount a procfs or unshare the user namespace.
 */
export function isSandboxAvailable(): Promise<boolean> {
  const bwrap = findExecutable("bwrap");
  if (!bwrap) return Promise.resolve(false);
  const args = bwrapArgs({ workspace: "/tmp", cwd: "/", env: {}, hidePaths: [] }, ["true"]);
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: 10_000, env: {} }, (err) => resolve(!err));
  });
}
