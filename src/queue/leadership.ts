import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { LeasesRepo } from "../store/index.js";

/** What `startLeadership` needs. */
export interface LeadershipOptions {
  leases: LeasesRepo;
  clock: Clock;
  log: Logger;
  /** The lease's name (one per kind of decision). */
  name: string;
  /** How long a taken lease lasts without renewal; it is renewed every `ttlMs / 3`. */
  ttlMs: number;
  /** Starts the duties of the leader; returns how to stop them. */
  lead: () => () => void;
}

/** A running leadership loop. */
export interface Leadership {
  /** This process's holder id (`host:pid:random`). */
  readonly holder: string;
  /** Whether this process leads now. */
  isLeader(): boolean;
  /** Stops the duties (if leading), gives the lease up and stops trying. */
  stop(): Promise<void>;
}

/**
 * Run-once decisions across server replicas: every replica tries to take the store lease `name`
 * every `ttlMs / 3`; the one that holds it runs `lead()`'s duties (cron, polling), the others
 * wait. A leader that cannot renew (store unreachable) stops its duties before the lease can
 * expire, so two replicas never lead at once; a killed leader's lease expires and another replica
 * takes over within `ttlMs + ttlMs / 3`.
 */
export function startLeadership(o: LeadershipOptions): Leadership {
  const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const every = Math.max(50, Math.floor(o.ttlMs / 3));
  let stopDuties: (() => void) | undefined;
  let renewedAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const stepDown = (why: string) => {
    if (!stopDuties) return;
    stopDuties();
    stopDuties = undefined;
    o.log.warn({ lease: o.name, holder }, `no longer the leader: ${why}`);
  };
  const tick = async () => {
    const now = o.clock.now();
    try {
      const held = await o.leases.acquire(o.name, holder, now, o.ttlMs);
      if (stopped) return;
      if (held) {
        renewedAt = now;
        if (!stopDuties) {
          o.log.info({ lease: o.name, holder }, "took the leader lease");
          stopDuties = o.lead();
        }
      } else stepDown("another replica holds the lease");
    } catch (err) {
      o.log.warn({ err, lease: o.name }, "leader lease renewal failed");
      // Stop well before the lease could have expired and been taken by another replica.
      if (o.clock.now() - renewedAt > o.ttlMs - every) stepDown("the lease could not be renewed");
    }
  };
  const loop = () => {
    void tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, every);
    });
  };
  loop();
  return {
    holder,
    isLeader: () => stopDuties !== undefined,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      stopDuties?.();
      stopDuties = undefined;
      await o.leases.release(o.name, holder).catch(() => {});
    },
  };
}
