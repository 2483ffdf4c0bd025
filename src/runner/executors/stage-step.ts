/**
 * A step process started ahead of its turn and held at a gate: the command is spawned at once
 * with a pipe on fd 3, which it must block on before running any of the step's code (bubblewrap's
 * `--block-fd 3`: the sandbox is set up, then it waits). While the previous step runs, the fork
 * from pitcrew's large process and the sandbox set-up happen off the critical path.
 *
 * End of file on fd 3 lets bubblewrap go on like the byte does, so fd 3 alone would run a held
 * step when pitcrew dies. Hence a second pipe, fd 4: the step's command starts through
 * {@link gateChecked}, which runs it only after reading the byte `x` there and otherwise exits
 * 125. At the step's turn pitcrew writes `x` to both; if pitcrew dies, both read end of file
 * and the held step exits without running any of its code.
 *
 *   staged ──run──► (aborted → cancelled; cwd missing → 127; both kill it unseen)
 *                   already ended (set-up failure, killed) → its exit status and output at once
 *                   gates opened (one byte on fd 3 and fd 4), then supervised as spawn-step.ts
 *                   steps 2–6, its time and timeout counted from `run`
 *   staged ──discard──► SIGKILL to its group; the gates stay shut until it exited, so the held
 *                       command never reads the byte it waits for (nor end of file)
 *
 * Output and the end of the held process are watched from staging on: what it prints before its
 * turn (bubblewrap's set-up error) is kept, up to {@link HELD_OUTPUT_BYTES}, and delivered at `run`.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { StagedStep, StepInvocation, StepOutcome } from "../executor.js";
import { killProcessGroup } from "../process-group.js";
import { type ChildSoFar, refusedStart, spawnStep, superviseStep } from "./spawn-step.js";

/** The file descriptor a staged command blocks on (bubblewrap's `--block-fd`). */
export const GATE_FD = 3;

/** The file descriptor {@link gateChecked} reads the go-ahead byte from. */
export const GO_FD = 4;

/** Output a held process may print before its turn that is kept (per stream). */
const HELD_OUTPUT_BYTES = 64 * 1024;

/**
 * `command` started by `bash` only once the byte `x` arrives on fd {@link GO_FD} (exit 125 on end
 * of file: pitcrew died); fd 4 is closed before `command` starts. The command's words stay
 * separate arguments (`"$0" "$@"`): nothing of them is parsed by this shell.
 */
export function gateChecked(bash: string, command: string[]): string[] {
  const check = `read -r -n1 -u${GO_FD} go && [ "$go" = x ] || exit 125; exec "$0" "$@" ${GO_FD}<&-`;
  return [bash, "--noprofile", "--norc", "-c", check, ...command];
}

/**
 * Spawns `command args` (which must wait on fd {@link GATE_FD} and check fd {@link GO_FD} before
 * running the step) in host directory `spawnCwd` with environment `env`; the step itself runs in
 * `cwd` (checked at `run`). When Node refuses to spawn, `run` falls back to {@link spawnStep} of
 * the same command, which reports why.
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
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
    }) as ChildProcessByStdio<null, Readable, Readable>;
  } catch {
    return {
      run: (inv) => spawnStep(command, args, { ...inv, cwd: opts.spawnCwd, env: opts.env }, killGraceMs),
      discard: () => {},
    };
  }
  const gates = [child.stdio[GATE_FD] as Writable, child.stdio[GO_FD] as Writable];
  const seen: Omit<ChildSoFar, "started"> = { spawned: false, held: { stdout: [], stderr: [] } };
  const keep = (stream: "stdout" | "stderr") => {
    let kept = 0;
    return (chunk: Buffer) => {
      const room = HELD_OUTPUT_BYTES - kept;
      if (room <= 0) return;
      seen.held?.[stream].push(chunk.subarray(0, room));
      kept += Math.min(room, chunk.length);
    };
  };
  const keepStdout = keep("stdout");
  const keepStderr = keep("stderr");
  let used = false;
  // EPIPE when the command died before its gate opened: its exit says why
  for (const gate of gates) gate.on("error", () => {});
  child.stdout.on("data", keepStdout);
  child.stderr.on("data", keepStderr);
  child.on("spawn", () => {
    seen.spawned = true;
  });
  child.on("error", (e) => {
    if (!seen.spawned) seen.error = e;
  });
  child.on("exit", (code, signal) => {
    seen.exit = { code, signal };
  });
  child.on("close", (code, signal) => {
    seen.closed = { code, signal };
  });
  const release = () => {
    for (const gate of gates) gate.destroy();
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
      if (used) throw new Error("a staged step runs once");
      const refused = refusedStart(inv, opts.cwd, started);
      if (refused) {
        discard();
        return Promise.resolve(refused);
      }
      used = true;
      child.stdout.off("data", keepStdout);
      child.stderr.off("data", keepStderr);
      const done = superviseStep(child, inv, killGraceMs, { ...seen, started });
      if (!seen.exit) for (const gate of gates) gate.end("x");
      else for (const gate of gates) gate.destroy();
      return done;
    },
  };
}
