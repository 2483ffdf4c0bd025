/**
 * Runs a project's command (its tests) as an argv array, never through a shell, in its own
 * process group so a timeout or an abort ends the command and everything it started. Output
 * (stdout and stderr interleaved) is kept as a bounded tail.
 */
import { spawn } from "node:child_process";

/** How a command ended. */
export interface CommandResult {
  /** Exit code; null when a signal ended it (timeout, abort). */
  exitCode: number | null;
  /** The last `tailBytes` of the combined output. */
  output: string;
  timedOut: boolean;
}

/** Options of `runCommand`. */
export interface RunCommandOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Default 300 000 ms. */
  timeoutMs?: number;
  /** Default 8192 bytes. */
  tailBytes?: number;
  signal?: AbortSignal;
}

/** Runs `argv` in `opts.cwd`; resolves when it ends (never rejects for a failing command). */
export function runCommand(argv: readonly string[], opts: RunCommandOptions): Promise<CommandResult> {
  const [command, ...args] = argv;
  if (!command) throw new Error("runCommand: empty command");
  const tail = opts.tailBytes ?? 8192;
  return new Promise((resolve) => {
    let output = Buffer.alloc(0);
    let timedOut = false;
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      output = Buffer.concat([output, chunk]);
      if (output.length > 2 * tail) output = output.subarray(output.length - tail);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs ?? 300_000);
    opts.signal?.addEventListener("abort", kill, { once: true });
    const finish = (exitCode: number | null, extra = "") => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", kill);
      const text = output.subarray(Math.max(0, output.length - tail)).toString("utf8") + extra;
      resolve({ exitCode, output: text, timedOut });
    };
    child.on("error", (err) => finish(null, `\n${command}: ${err.message}\n`));
    child.on("close", (code) => finish(code));
  });
}
