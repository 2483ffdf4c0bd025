/**
 * The deploy-target port: runs the replicas of a release somewhere and reports them.
 * Implementations: `process/` (supervised local processes); later Kubernetes.
 *
 * Lifecycle:
 *   1. `start(release)` brings up `replicas` copies, each told its port in env `PORT` (and its
 *      OpenTelemetry identity in `OTEL_RESOURCE_ATTRIBUTES`, see releases/telemetry-env.ts), and
 *      resolves once every replica answers 2xx on `health.readinessPath`. If they are not all
 *      ready within the target's ready timeout, or give up crashing, everything started for the
 *      release is stopped and `start` rejects with `ReleaseFailedError`.
 *   2. While running, the target supervises: a crashed replica is restarted with exponential
 *      backoff (state `crashed` meanwhile) and marked `failed` after too many restarts; a replica
 *      failing `health.livenessPath` repeatedly is marked `unhealthy` and restarted.
 *   3. `stop(releaseId, { drainMs })` stops gracefully: SIGTERM (or the target's equivalent),
 *      up to `drainMs` to exit, then a hard kill. It resolves once nothing of the release runs.
 *   4. `close()` stops every release (drain 0) and makes further `start` calls reject.
 *   5. After pitcrew restarts, `reapLeftovers(releaseId, pids)` stops what the previous process
 *      left running of a release (the pids recorded when it started): each pid that still runs
 *      as a replica of that release (the target marks its replicas, e.g. with `REPLICA_OF_ENV`
 *      in their environment) is killed hard; a pid reused by an unrelated process is left alone.
 *
 * Concurrency: calls for different releases may overlap freely. Starting an id that is already
 * running rejects with `ConflictError`; `stop` of an unknown id is a no-op, so it is idempotent.
 *
 * Errors: bad specs → `ValidationError`; start failures → `ReleaseFailedError`. Replica output
 * is never thrown: it is delivered line by line to the `onLine` callback the target was made with.
 */

/** Health endpoints of a release, probed over HTTP on each replica. */
export interface HealthSpec {
  /** Path that answers 2xx once the replica can take traffic, e.g. `/ready`. */
  readinessPath: string;
  /** Path that answers 2xx while the replica is alive, e.g. `/healthz`. */
  livenessPath: string;
}

/** What to run for one release. */
export interface ReleaseSpec {
  /** Release id, unique among running releases of the target. */
  id: string;
  /** argv of the service (no shell): `[program, ...args]`. */
  command: string[];
  /** Environment of every replica; the target adds `PORT`, its own replica marker and `OTEL_RESOURCE_ATTRIBUTES` keys. */
  env: Record<string, string>;
  /** Working directory of the replicas. */
  cwd: string;
  /** Number of replicas, ≥ 1. */
  replicas: number;
  health: HealthSpec;
  /** Path of each replica's Prometheus metrics, announced per replica when set (replica-announcer.ts). */
  metricsPath?: string;
}

/** Life state of one replica (see the lifecycle above). */
export type ReplicaState = "starting" | "ready" | "unhealthy" | "crashed" | "failed" | "stopped";

/** One replica as the target sees it. */
export interface ReplicaStatus {
  index: number;
  /** `host:port` a router sends traffic to. */
  address: string;
  port: number;
  /** Process id of the replica, when the target has one. */
  pid?: number;
  state: ReplicaState;
  /** How many times the replica was restarted (crash or failed liveness). */
  restarts: number;
}

/** Replicas of one release. */
export interface ReleaseStatus {
  releaseId: string;
  replicas: ReplicaStatus[];
}

/** Which output stream a replica log line came from. */
export type ReplicaStream = "stdout" | "stderr";

/** Receives replica output, one line at a time, in order per stream. */
export type ReplicaLineSink = (line: {
  releaseId: string;
  replica: number;
  stream: ReplicaStream;
  text: string;
}) => void;

/** Runs and supervises releases (the protocol is in this file's header comment). */
export interface DeployTarget {
  /** Starts `release` and resolves with its status once every replica is ready. */
  start(release: ReleaseSpec): Promise<ReleaseStatus>;
  /** Stops a release gracefully; no-op for an unknown id. */
  stop(releaseId: string, opts?: { drainMs?: number }): Promise<void>;
  /** Replicas of every running release. */
  status(): Promise<ReleaseStatus[]>;
  /** Kills what an earlier pitcrew process left running of a release; resolves with how many were killed. */
  reapLeftovers(releaseId: string, pids: readonly number[]): Promise<number>;
  /** Stops everything; the target cannot be used afterwards. */
  close(): Promise<void>;
}

/** The variable a target sets in each replica's environment to the release id it runs (for `reapLeftovers`). */
export const REPLICA_OF_ENV = "PITCREW_REPLICA_OF";

/** The `host:port` list of a release's ready replicas, as routers take it. */
export function readyUpstreams(status: ReleaseStatus): string[] {
  return status.replicas.filter((r) => r.state === "ready").map((r) => r.address);
}
