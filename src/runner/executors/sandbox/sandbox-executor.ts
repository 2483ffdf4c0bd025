/**
 * The sandbox executor: runs each step under bubblewrap. Inside, the host filesystem is read-only,
 * `/tmp` is a private tmpfs, each of `hidePaths` (pitcrew's data dir: database, keys, other jobs;
 * its config and log files) is covered by an empty tmpfs or /dev/null, and only the job's
 * workspace is bound writable. The pid, net, ipc, uts and cgroup namespaces are unshared; the
 * network is shared back only when the step asks for it. With `runAs` (pitcrew runs as root) the
 * step runs as that unprivileged host user, and `prepare` hands the workspace over to it; without
 * it the step runs in a user namespace of its own, as pitcrew's user. The step sees exactly the
 * environment it was given.
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
import { GATE_FD, gateChecked, stageStep } from "../stage-step.js";
import { bwrapArgs, type StepUser } from "./bwrap-args.js";
import { cachedSandboxProbe, sandboxProbeKey } from "./probe-cache.js";
import { handOver } from "./step-user.js";

/** Options of the sandbox executor. */
export interface SandboxExecutorOptions {
  /** Host paths steps must not see (an empty tmpfs over a directory, `blankFile` over a file). */
  hidePaths?: string[];
  /** An empty file with mode 0000 mounted over hidden files, so reading them fails (default /dev/null). */
  blankFile?: string;
  /** Time between SIGTERM and SIGKILL when a step times out or is cancelled (default 5000). */
  killGraceMs?: number;
  /** Run steps as this host user (pitcrew must be root; see `bwrap-args.ts`). */
  runAs?: StepUser;
}

/** Creates an executor running steps inside a bubblewrap sandbox. */
export function createSandboxExecutor(opts: SandboxExecutorOptions = {}): Executor {
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const bwrap = findExecutable("bwrap") ?? "bwrap";
  const bash = findExecutable("bash") ?? "/bin/bash";
  const hidePaths = opts.hidePaths ?? [];
  const runAs = stepIdentity(opts.runAs);
  return {
    name: "sandbox",
    prepare: async (workspace) => {
      if (opts.runAs) await handOver(workspace, opts.runAs);
    },
    runStep: (inv) => {
      const args = bwrapArgs({ ...inv, hidePaths, runAs, blankFile: opts.blankFile }, [
        bash,
        ...BASH_FLAGS,
        inv.script,
      ]);
      // bwrap itself gets an empty environment: `--setenv` gives the step its variables.
      return spawnStep(bwrap, args, { ...inv, env: {} }, killGraceMs);
    },
    // The sandbox is set up ahead and waits on its gate before `--chdir`; the step's command then
    // starts only on the go-ahead byte (end of file when pitcrew died: it exits unrun).
    stage: (launch) => {
      const input = { ...launch, hidePaths, runAs, blankFile: opts.blankFile, blockFd: GATE_FD };
      const args = bwrapArgs(input, gateChecked(bash, [bash, ...BASH_FLAGS, launch.script]));
      const spawnCwd = launch.workspace;
      return stageStep(bwrap, args, { spawnCwd, cwd: launch.cwd, env: {} }, killGraceMs);
    },
  };
}

/** `runAs` with the absolute path of `setpriv`, which drops the step to it. */
function stepIdentity(user: StepUser | undefined) {
  return user && { ...user, setpriv: findExecutable("setpriv") ?? "setpriv" };
}

/**
 * True when bubblewrap is installed and can create the sandbox steps get on this machine. The
 * probe uses the same namespaces, mounts and identity as a step (not just `--ro-bind / /`): in
 * some containers bwrap starts but cannot mount a procfs or unshare the user namespace. With
 * `cacheFile`, a usable result is remembered there (probe-cache.ts: keyed by the binaries, ids,
 * kernel and namespaces; a day at most) and the probe processes are not started again.
 */
export function isSandboxAvailable(runAs?: StepUser, opts: { cacheFile?: string } = {}): Promise<boolean> {
  const bwrap = findExecutable("bwrap");
  if (!bwrap) return Promise.resolve(false);
  const identity = stepIdentity(runAs);
  if (runAs && !findExecutable("setpriv")) return Promise.resolve(false);
  const probe = { workspace: "/tmp", cwd: "/", env: {}, hidePaths: [], runAs: identity };
  // With `runAs`, the probe also proves the drop worked: it fails unless it runs as that uid.
  const check = runAs ? ["/bin/sh", "-c", `test "$(id -u)" = ${runAs.uid}`] : ["true"];
  const args = bwrapArgs(probe, check);
  const run = () =>
    new Promise<boolean>((resolve) => {
      execFile(bwrap, args, { timeout: 10_000, env: {} }, (err) => resolve(!err));
    });
  if (!opts.cacheFile) return run();
  const binaries = [bwrap, ...(identity ? [identity.setpriv, "/bin/sh", findExecutable("id") ?? "id"] : [])];
  const key = sandboxProbeKey(binaries, args, runAs ? [runAs.uid, runAs.gid] : []);
  return cachedSandboxProbe(opts.cacheFile, key, run);
}
