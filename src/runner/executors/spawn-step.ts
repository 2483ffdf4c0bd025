/**
 * The process supervision both executors share. Protocol of one step:
 *
 *   1. Already aborted → resolve `cancelled` without starting anything. Missing cwd → exit 127.
 *   2. Spawn `command args` detached (the child leads a new process group), stdin from /dev/null,
 *      env exactly as given. On `spawn`, report the pid (= the group id) through `onStart`.
 *      A spawn error resolves with exit code 127, the reason delivered as a stderr line.
 *   3. stdout/stderr go through a line splitter each, lines delivered as they arrive.
 *   4. Timeout or abort → SIGTERM to the group, SIGKILL after `killGraceMs` (see process-group).
 *   5. Main process exits → SIGKILL whatever is left of its group (background children), so
 *      nothing keeps the output pipes open. If the pipes are still open `DRAIN_MS` later (a
 *      process escaped the group with setsid), they are closed from our side.
 *   6. All pipes closed → flush partial lines, cancel pending kills, resolve.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { statSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import type { StepInvocation, StepOutcome } from "../executor.js";
import { killProcessGroup, terminateProcessGroup, type GroupTermination } from "../process-group.js";
import { createLineSplitter } from "./line-splitter.js";

/** Default time between SIGTERM and SIGKILL when a step is stopped. */
export const DEFAULT_KILL_GRACE_MS = 5000;

/** How long output pipes may stay open after the main process exited and its group was killed. */
const DRAIN_MS = 2000;

/** Runs `command args` for `inv` under the protocol above; never rejects. */
export function spawnStep(
  command: string,
  args: string[],
  inv: StepInvocation,
  killGraceMs: number,
): Promise<StepOutcome> {
  const started = performance.now();
  const outcome = outcomeSince(started);
  const refused = refusedStart(inv, inv.cwd, started);
  if (refused) return Promise.resolve(refused);

  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(command, args, { cwd: inv.cwd, env: inv.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    // e.g. a NUL byte in an argument or variable: Node refuses before any process exists.
    inv.onLine("stderr", `pitcrew: cannot start step: ${e instanceof Error ? e.message : String(e)}`);
    return Promise.resolve(outcome({ exitCode: 127 }));
  }
  return superviseStep(child, inv, killGraceMs, { started, spawned: false });
}

/** What happened to a child before {@link superviseStep} took it over (a staged step's). */
export interface ChildSoFar {
  /** `performance.now()` when the step's time starts. */
  started: number;
  /** The child's `spawn` event was seen. */
  spawned: boolean;
  /** The child's `error` before it spawned. */
  error?: Error;
  /** The child's `exit`, if seen. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** The child's `close` (it ended and its output pipes closed), if seen. */
  closed?: { code: number | null; signal: NodeJS.Signals | null };
  /** Output read before supervision began, delivered first. */
  held?: { stdout: Buffer[]; stderr: Buffer[] };
}

/** Supervises a spawned `child` for `inv`: steps 2–6 of the protocol above; never rejects. */
export function superviseStep(
  child: ChildProcessByStdio<null | Writable, Readable, Readable>,
  inv: StepInvocation,
  killGraceMs: number,
  seen: ChildSoFar,
): Promise<StepOutcome> {
  const outcome = outcomeSince(seen.started);
  return new Promise((resolve) => {
    const out = createLineSplitter((line) => inv.onLine("stdout", line));
    const err = createLineSplitter((line) => inv.onLine("stderr", line));
    let spawned = seen.spawned;
    let settled = false;
    let stopping: GroupTermination | undefined;
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const stop = (why: "timeout" | "abort") => {
      if (stopping || exit || !child.pid) return;
      if (why === "timeout") timedOut = true;
      else cancelled = true;
      stopping = terminateProcessGroup(child.pid, killGraceMs);
    };
    const onAbort = () => stop("abort");
    const timer =
      inv.timeoutMs !== undefined ? setTimeout(() => stop("timeout"), Math.max(0, inv.timeoutMs)) : undefined;
    inv.signal?.addEventListener("abort", onAbort, { once: true });

    const finish = (o: StepOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      stopping?.cancel();
      inv.signal?.removeEventListener("abort", onAbort);
      resolve(o);
    };
    const failedToStart = (e: Error) => {
      inv.onLine("stderr", `pitcrew: cannot start step: ${e.message}`);
      finish(outcome({ exitCode: 127 }));
    };
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      exit = { code, signal };
      if (child.pid) killProcessGroup(child.pid, "SIGKILL");
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, DRAIN_MS);
    };

    for (const chunk of seen.held?.stdout ?? []) out.write(chunk);
    for (const chunk of seen.held?.stderr ?? []) err.write(chunk);
    child.stdout.on("data", (chunk: Buffer) => out.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.write(chunk));
    child.on("spawn", () => {
      spawned = true;
      if (child.pid) inv.onStart?.(child.pid);
    });
    if (spawned && child.pid) inv.onStart?.(child.pid);
    child.on("error", (e) => {
      if (spawned) return; // a failed kill after start: the exit/close path still settles
      failedToStart(e);
    });
    if (seen.error && !spawned) failedToStart(seen.error);
    child.on("exit", exited);
    if (seen.exit) exited(seen.exit.code, seen.exit.signal);
    const closed = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!spawned) return;
      out.end();
      err.end();
      const ended = exit ?? { code, signal };
      finish(outcome({ exitCode: ended.code, signal: ended.signal, timedOut, cancelled }));
    };
    child.on("close", closed);
    if (seen.closed) closed(seen.closed.code, seen.closed.signal);
  });
}

/** Builds a step's outcome: nothing happened unless `o` says so, timed from `started` (`performance.now()`). */
export function outcomeSince(started: number): (o: Partial<StepOutcome>) => StepOutcome {
  return (o) => ({
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    durationMs: performance.now() - started,
    ...o,
  });
}

/**
 * The outcome of a step that must not start (cancelled already, or its working directory `cwd`
 * missing, said on its stderr), or undefined when it may.
 */
export function refusedStart(inv: StepInvocation, cwd: string, started: number): StepOutcome | undefined {
  const outcome = outcomeSince(started);
  if (inv.signal?.aborted) return outcome({ cancelled: true });
  if (isDirectory(cwd)) return undefined;
  inv.onLine("stderr", `pitcrew: cannot start step: working directory ${cwd} does not exist`);
  return outcome({ exitCode: 127 });
}

/** True when `path` is an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
