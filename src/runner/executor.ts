/**
 * The executor port: runs one shell step of a job in a prepared workspace.
 *
 * Lifecycle, per step:
 *   1. The runner prepares the workspace (checkout, cache restore), calls `prepare` once per job
 *      attempt, then `runStep` per step.
 *   2. The executor starts the step's process(es) in a fresh process group, with exactly the
 *      environment given (no inheritance from pitcrew's own environment), in `cwd`.
 *   3. Every complete line of stdout/stderr is passed to `onLine` as it arrives, in order per
 *      stream; a trailing partial line is flushed when the stream ends. Lines are raw: masking
 *      is the caller's job (see `runner/masker.ts`).
 *   4. On `timeoutMs` expiry or when `signal` aborts, the whole process group gets SIGTERM, then
 *      SIGKILL after `killGraceMs`; the promise still resolves (never rejects) with the outcome.
 *   5. `runStep` resolves only once the process group has exited and all output was delivered.
 *   6. Optionally (`stage`), a step's process is started ahead of its turn, while the step before
 *      it runs, and held before any of the step's code runs: `run` then lets it go under 2–5 (its
 *      time and timeout counted from `run`), `discard` kills it unseen. Each staged step is
 *      either run or discarded, once. A held process never runs the step's code unless `run`
 *      let it go (not when pitcrew dies holding it); one that ended before its turn makes `run`
 *      resolve at once with its status and what it printed.
 * Concurrency: an executor instance may run many steps at once (one per job); it keeps no
 * per-step state outside the call. Errors starting the process resolve as exitCode 127 with
 * the reason written through `onLine` on stderr.
 */

/** Which stream a log line came from. */
export type LogStream = "stdout" | "stderr";

/** Everything an executor needs to run one step. */
export interface StepInvocation {
  /** Bash script; run as `bash --noprofile --norc -eo pipefail -c <script>`. */
  script: string;
  /** Absolute working directory (inside `workspace`). */
  cwd: string;
  /** Absolute job workspace root (the only writable path under the sandbox). */
  workspace: string;
  /** The complete environment of the process. */
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  onLine: (stream: LogStream, line: string) => void;
  /** Called once the process started, with its pid (= its process group id). */
  onStart?: (pid: number) => void;
  /** Grant network access (sandbox executor only; the local executor always has it). */
  network?: boolean;
}

/** What a staged step's process is started with, before its turn. */
export type StepLaunch = Pick<StepInvocation, "script" | "cwd" | "workspace" | "env" | "network">;

/** A step started ahead of its turn and held (lifecycle step 6). */
export interface StagedStep {
  /**
   * Lets the step run, as `runStep` would with the launch given to `stage` (the invocation's
   * script, cwd, workspace, env and network must be the same).
   */
  run(invocation: StepInvocation): Promise<StepOutcome>;
  /** Kills the held process; the step's code never runs. No effect after `run`. */
  discard(): void;
}

/** How a step ended. */
export interface StepOutcome {
  /** Process exit code; null when killed by a signal. */
  exitCode: number | null;
  /** Terminating signal, if any. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** Runs shell steps; implementations: `local` (process group) and `sandbox` (bubblewrap). */
export interface Executor {
  readonly name: string;
  /**
   * Called once per job attempt after checkout and cache restore, before its first step, with
   * the job's workspace root: e.g. hands it over to the user the steps run as.
   */
  prepare?(workspace: string): Promise<void>;
  runStep(invocation: StepInvocation): Promise<StepOutcome>;
  /** Starts a step ahead of its turn and holds it (lifecycle step 6); absent: steps start at `runStep`. */
  stage?(launch: StepLaunch): StagedStep;
}
