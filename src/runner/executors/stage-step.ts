/**
 * A step process started ahead of its turn and held at a gate: the command is spawned at once
 * with a pipe on fd 3, which it must block on before running any of the step's code (bubblewrap's
 * `--block-fd 3`: the sandbox is set up, then it waits). While the previous step runs, the fork
 * from pitcrew's large process and the sandbox set-up happen off the critical path.
 *
 *   staged ──run──► (aborted → cancelled; cwd missing → 127; both kill it unseen)
 *                   gate opened (one byte on fd 3), then supervised as spawn-step.ts steps 2–6,
 *                   its time and timeout counted from `run`
 *   staged ──discard──► SIGKILL to its group; the gate stays shut until it exited, so the held
 *                       command never reads the byte it waits for (nor end of file)
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { StagedStep, StepInvocation, StepOutcome } from "../executor.js";
import { killProcessGroup } from "../process-group.js";
import { type ChildSoFar, isDirectory, spawnStep, superviseStep } from "./spawn-step.js";

/** The file descriptor a staged command gets its gate on. */
export const GATE_FD = 3;

/**
 * Spawns `command args` (which must wait on fd {@link GATE_FD} before running the step) in host
 * directory `spawnCwd` with environment `env`; the step itself runs in `cwd` (checked at `run`).
 * When Node refuses to spawn, `run` falls back to {@link spawnStep} of the same command, which
 * reports why.
 */
export function stageStep(
  command: string,
  args: string[],
  opts: { spawnCwd: string; cwd: string; env: Record<string, string> },
  killGraceMs: number,
): StagedStep {
  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(command, args, {
      cwd: opts.spawnCwd,
      env: opts.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    }) as ChildProcessByStdio<null, Readable, Readable>;
  } catch {
    return {
      run: (inv) => spawnStep(command, args, { ...inv, cwd: opts.spawnCwd, env: opts.env }, killGraceMs),
      discard: () => {},
    };
  }
  const gate = child.stdio[GATE_FD] as Writable;
  const seen: Omit<ChildSoFar, "started"> = { spawned: false };
  let used = false;
  gate.on("error", () => {}); // EPIPE when the command died before its gate opened: its exit says why
  child.on("spawn", () => {
    seen.spawned = true;
  });
  child.on("error", (e) => {
    if (!seen.spawned) seen.error = e;
  });
  child.on("exit", (code, signal) => {
    seen.exit = { code, signal };
  });
  const release = () => {
    gate.destroy();
    child.stdout.destroy();
    child.stderr.destroy();
  };
  const discard = () => {
    if (used) return;
    used = true;
    if (seen.exit) return release();
    if (child.pid) killProcessGroup(child.pid, "SIGKILL");
    child.once("exit", release);
  };
  return {
    discard,
    run(inv: StepInvocation): Promise<StepOutcome> {
      const started = performance.now();
      const unstarted = (o: Partial<StepOutcome>): StepOutcome => ({
        exitCode: null,
        signal: null,
        timedOut: false,
        cancelled: false,
        durationMs: performance.now() - started,
        ...o,
      });
      if (used) throw new Error("a staged step runs once");
      if (inv.signal?.aborted) {
        discard();
        return Promise.resolve(unstarted({ cancelled: true }));
      }
      if (!isDirectory(opts.cwd)) {
        discard();
        inv.onLine("stderr", `pitcrew: cannot start step: working directory ${opts.cwd} does not exist`);
        return Promise.resolve(unstarted({ exitCode: 127 }));
      }
      used = true;
      const done = superviseStep(child, inv, killGraceMs, { ...seen, started });
      if (!seen.exit) gate.end("x");
      return done;
    },
  };
}
