/**
 * The process deploy target: each replica is a supervised local process on a free loopback
 * port (protocol in `../deploy-target.ts`, per-replica state machine in `replica.ts`).
 */
import { ConflictError, ValidationError } from "../../../common/errors.js";
import { ReleaseFailedError } from "../../deploy-error.js";
import { freePort } from "../../../common/free-port.js";
import { readFileSync } from "node:fs";
import {
  type DeployTarget,
  REPLICA_OF_ENV,
  type ReleaseSpec,
  type ReleaseStatus,
  type ReplicaLineSink,
} from "../deploy-target.js";
import type { ReplicaAnnouncer } from "../replica-announcer.js";
import { Replica, type SupervisionOptions } from "./replica.js";

/** Options of `createProcessTarget`; every timing has a default. */
export interface ProcessTargetOptions extends Partial<SupervisionOptions> {
  /** Receives replica output lines (default: dropped). */
  onLine?: ReplicaLineSink;
  /** How long `start` waits for every replica to be ready (default 30 s). */
  readyTimeoutMs?: number;
  /** Told where each ready replica of a release with a metrics path can be scraped, and when it is gone. */
  announcer?: ReplicaAnnouncer;
}

const DEFAULTS: SupervisionOptions = {
  backoffInitialMs: 200,
  backoffMaxMs: 10_000,
  maxRestarts: 5,
  readinessIntervalMs: 100,
  livenessIntervalMs: 2000,
  livenessFailures: 3,
  probeTimeoutMs: 1000,
};

/** Creates a process target (see the port's lifecycle). */
export function createProcessTarget(options: ProcessTargetOptions = {}): DeployTarget {
  const { onLine = () => {}, readyTimeoutMs = 30_000, announcer, ...timings } = options;
  const announced = new Set<Replica>();
  /** Announces a replica's first readiness and its end (stopped or failed) to the announcer. */
  const announce = (r: Replica) => {
    const path = r.release.metricsPath;
    if (!announcer || !path) return;
    const id = { releaseId: r.release.id, replica: r.index };
    if (r.state === "ready" && !announced.has(r)) {
      announced.add(r);
      announcer.ready({ ...id, metricsUrl: `http://127.0.0.1:${r.port}${path}` });
    } else if ((r.state === "stopped" || r.state === "failed") && announced.delete(r)) announcer.gone(id);
  };
  const supervision: SupervisionOptions = { ...DEFAULTS, ...definedOnly(timings) };
  const releases = new Map<string, Replica[]>();
  let closed = false;

  const snapshot = (id: string, replicas: Replica[]): ReleaseStatus => ({
    releaseId: id,
    replicas: replicas.map((r) => r.status()),
  });

  const stop = async (releaseId: string, opts: { drainMs?: number } = {}) => {
    const replicas = releases.get(releaseId);
    if (!replicas) return;
    releases.delete(releaseId);
    await Promise.all(replicas.map((r) => r.stop(opts.drainMs ?? 10_000)));
  };

  return {
    async start(release) {
      if (closed) throw new ConflictError("the process target is closed");
      validate(release);
      if (releases.has(release.id)) throw new ConflictError(`release ${JSON.stringify(release.id)} is already running`);
      const replicas: Replica[] = [];
      releases.set(release.id, replicas);
      const ports = await Promise.all(Array.from({ length: release.replicas }, freePort));
      const settled = new Promise<string | undefined>((resolve) => {
        const check = () => {
          if (replicas.some((r) => r.state === "failed")) resolve("a replica crashed too often");
          else if (replicas.length === release.replicas && replicas.every((r) => r.state === "ready"))
            resolve(undefined);
        };
        const timer = setTimeout(() => resolve(`not ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
        timer.unref();
        for (let i = 0; i < release.replicas; i++) {
          replicas.push(
            new Replica(release, i, ports[i] ?? 0, supervision, onLine, (r) => {
              announce(r);
              check();
            }),
          );
        }
      });
      return settled.then(async (reason) => {
        if (reason === undefined) return snapshot(release.id, replicas);
        const details = snapshot(release.id, replicas);
        await stop(release.id, { drainMs: 0 });
        throw new ReleaseFailedError(release.id, reason, details);
      });
    },
    stop,
    async status() {
      return [...releases].map(([id, replicas]) => snapshot(id, replicas));
    },
    async reapLeftovers(releaseId, pids) {
      let killed = 0;
      for (const pid of pids) {
        if ([...releases.values()].some((rs) => rs.some((r) => r.status().pid === pid))) continue;
        if (!runsAsReplicaOf(pid, releaseId)) continue;
        try {
          process.kill(-pid, "SIGKILL");
          killed++;
        } catch {
          // gone in the meantime
        }
      }
      return killed;
    },
    async close() {
      closed = true;
      await Promise.all([...releases.keys()].map((id) => stop(id, { drainMs: 0 })));
    },
  };
}

/** Whether process `pid` is a replica of `releaseId` (its environment carries the target's marker). */
function runsAsReplicaOf(pid: number, releaseId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${REPLICA_OF_ENV}=${releaseId}`);
  } catch {
    return false; // gone, or not ours to read
  }
}

function validate(r: ReleaseSpec): void {
  const problems: string[] = [];
  if (!r.id) problems.push("id is empty");
  if (r.command.length === 0 || !r.command[0]) problems.push("command is empty");
  if (!Number.isInteger(r.replicas) || r.replicas < 1)
    problems.push(`replicas must be an integer ≥ 1, got ${r.replicas}`);
  for (const key of ["readinessPath", "livenessPath"] as const) {
    if (!r.health[key].startsWith("/")) problems.push(`health.${key} must start with "/"`);
  }
  if (r.metricsPath !== undefined && !r.metricsPath.startsWith("/")) problems.push('metricsPath must start with "/"');
  if (problems.length > 0) throw new ValidationError(`invalid release: ${problems.join("; ")}`, { problems });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
