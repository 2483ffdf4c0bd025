/**
 * Supervises one replica process. State machine:
 *
 *   starting ──readiness 2xx──► ready ──liveness fails `livenessFailures` times──► unhealthy
 *      │                          │                                                  │ kill group
 *      └──── process exits ───────┴──────────────► crashed ◄─────────────────────────┘
 *   crashed ──backoff (initial·2^n, capped)──► starting      (restarts += 1)
 *   crashed ──restarts = maxRestarts──► failed (terminal)
 *   any ──stop()──► stopped (terminal): SIGTERM to the group, SIGKILL after drainMs
 *
 * The process leads its own process group (spawned detached), so killing `-pid` reaches every
 * child it started. The port stays the same across restarts, so router upstreams stay valid.
 * Its environment is the release's plus `PORT`, the replica marker and the replica's
 * OpenTelemetry resource attributes (releases/telemetry-env.ts).
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import {
  type ReleaseSpec,
  REPLICA_OF_ENV,
  type ReplicaLineSink,
  type ReplicaState,
  type ReplicaStatus,
} from "../deploy-target.js";
import { OTEL_RESOURCE_ATTRIBUTES, replicaResourceAttributes } from "../../releases/telemetry-env.js";
import { releaseIdOf } from "../../rollouts/fresh-baseline.js";
import { httpProbe } from "./http-probe.js";

/** Supervision timings and limits. */
export interface SupervisionOptions {
  /** First restart delay; doubles per restart up to `backoffMaxMs`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Restarts allowed before the replica is marked `failed`. */
  maxRestarts: number;
  /** Interval of readiness polls while starting. */
  readinessIntervalMs: number;
  /** Interval of liveness probes while ready. */
  livenessIntervalMs: number;
  /** Consecutive liveness failures that make a replica unhealthy (and restarted). */
  livenessFailures: number;
  /** Timeout of one probe. */
  probeTimeoutMs: number;
}

/** One supervised replica; `onChange` fires on every state change. */
export class Replica {
  #state: ReplicaState = "starting";
  #restarts = 0;
  #child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  #exited: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #livenessMisses = 0;

  constructor(
    readonly release: ReleaseSpec,
    readonly index: number,
    readonly port: number,
    private readonly opts: SupervisionOptions,
    private readonly onLine: ReplicaLineSink,
    private readonly onChange: (r: Replica) => void,
  ) {
    this.#spawn();
  }

  /** Current state. */
  get state(): ReplicaState {
    return this.#state;
  }

  /** Snapshot for `status()`. */
  status(): ReplicaStatus {
    return {
      index: this.index,
      address: `127.0.0.1:${this.port}`,
      port: this.port,
      pid: this.#child?.pid,
      state: this.#state,
      restarts: this.#restarts,
    };
  }

  /** Stops for good: SIGTERM to the group, SIGKILL after `drainMs`; resolves once it exited. */
  async stop(drainMs: number): Promise<void> {
    if (this.#state === "stopped") return this.#exited;
    this.#set("stopped");
    clearTimeout(this.#timer);
    const pid = this.#child?.pid;
    if (pid === undefined || this.#child?.exitCode !== null || this.#child.signalCode !== null) {
      return this.#exited;
    }
    signalGroup(pid, "SIGTERM");
    const kill = setTimeout(() => signalGroup(pid, "SIGKILL"), drainMs);
    await this.#exited;
    clearTimeout(kill);
  }

  #set(state: ReplicaState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.onChange(this);
  }

  #spawn(): void {
    const { command, env, cwd, id } = this.release;
    const child = spawn(command[0] ?? "", command.slice(1), {
      cwd,
      env: {
        ...env,
        PORT: String(this.port),
        [REPLICA_OF_ENV]: id,
        [OTEL_RESOURCE_ATTRIBUTES]: replicaResourceAttributes(env[OTEL_RESOURCE_ATTRIBUTES], {
          address: `127.0.0.1:${this.port}`,
          release: releaseIdOf(id),
          index: this.index,
        }),
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    for (const stream of ["stdout", "stderr"] as const) {
      createInterface({ input: child[stream], crlfDelay: Number.POSITIVE_INFINITY }).on("line", (text) =>
        this.onLine({ releaseId: id, replica: this.index, stream, text }),
      );
    }
    this.#exited = new Promise((resolve) => {
      child.once("error", (e) => {
        this.onLine({
          releaseId: id,
          replica: this.index,
          stream: "stderr",
          text: `pitcrew: cannot start: ${e.message}`,
        });
        if (child.pid === undefined) resolve(this.#onExit());
      });
      child.once("exit", () => {
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL"); // leftovers of the group
        resolve(this.#onExit());
      });
    });
    this.#livenessMisses = 0;
    this.#schedule(() => this.#pollReadiness(), this.opts.readinessIntervalMs);
  }

  #onExit(): void {
    clearTimeout(this.#timer);
    if (this.#state === "stopped") return;
    if (this.#restarts >= this.opts.maxRestarts) {
      this.#set("failed");
      return;
    }
    this.#set("crashed");
    const delay = Math.min(this.opts.backoffInitialMs * 2 ** this.#restarts, this.opts.backoffMaxMs);
    this.#schedule(() => {
      this.#restarts += 1;
      this.#set("starting");
      this.#spawn();
    }, delay);
  }

  #schedule(fn: () => void | Promise<void>, ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void fn(), ms);
  }

  async #pollReadiness(): Promise<void> {
    const child = this.#child;
    const ok = await httpProbe(this.port, this.release.health.readinessPath, this.opts.probeTimeoutMs);
    if (this.#state !== "starting" || child !== this.#child) return;
    if (ok) {
      this.#set("ready");
      this.#schedule(() => this.#probeLiveness(), this.opts.livenessIntervalMs);
    } else {
      this.#schedule(() => this.#pollReadiness(), this.opts.readinessIntervalMs);
    }
  }

  async #probeLiveness(): Promise<void> {
    const child = this.#child;
    const ok = await httpProbe(this.port, this.release.health.livenessPath, this.opts.probeTimeoutMs);
    if (this.#state !== "ready" || child !== this.#child) return;
    this.#livenessMisses = ok ? 0 : this.#livenessMisses + 1;
    if (this.#livenessMisses >= this.opts.livenessFailures && child?.pid !== undefined) {
      this.#set("unhealthy");
      signalGroup(child.pid, "SIGKILL"); // the exit handler restarts it
      return;
    }
    this.#schedule(() => this.#probeLiveness(), this.opts.livenessIntervalMs);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
}
