/**
 * The job leases this server replica serves: the ones it handed out (hand-job.ts) and the ones it
 * took over from another replica when their agents moved here (adopt-lease.ts). Taking a lease
 * out (`claim`) is how finish, release and loss exclude each other; a lease the store says has
 * ended elsewhere is let go (`pruneEnded`).
 */
import { rm } from "node:fs/promises";
import { ConflictError } from "../common/errors.js";
import type { RunnerDeps } from "../runner/index.js";
import type { Agent } from "../store/index.js";
import { adoptLease } from "./adopt-lease.js";
import type { HeldJob } from "./held-job.js";

/** The held job leases of one replica, by lease id. */
export class HeldJobs {
  private readonly byLease = new Map<number, HeldJob>();
  /** Adoptions under way, so two calls naming one lease at once take it up once. */
  private readonly adopting = new Map<number, Promise<HeldJob | undefined>>();

  constructor(private readonly r: RunnerDeps) {}

  /** How many leases are held here. */
  get size(): number {
    return this.byLease.size;
  }

  /** Every held job. */
  values(): HeldJob[] {
    return [...this.byLease.values()];
  }

  /** Whether lease `lease` is held here. */
  has(lease: number): boolean {
    return this.byLease.has(lease);
  }

  /** Holds `h` (a job just handed out here). */
  add(h: HeldJob): void {
    this.byLease.set(h.lease, h);
  }

  /**
   * Lease `lease` of `agent`, held here (caught up with the store when another replica served it
   * meanwhile: the agent came back) or taken over now; undefined when the store does not give it
   * to that agent.
   */
  async find(agent: Agent, lease: number): Promise<HeldJob | undefined> {
    const here = this.byLease.get(lease);
    if (here) {
      if (here.agentId !== agent.id) return undefined;
      // a lease ended or an attempt no longer running: the callers' own checks fence the agent off
      await here.catchUp().catch((err) => {
        if (!(err instanceof ConflictError)) throw err;
      });
      return here;
    }
    let adoption = this.adopting.get(lease);
    if (!adoption) {
      adoption = adoptLease(this.r, agent, lease)
        .then((h) => {
          if (h && !this.byLease.has(lease)) this.byLease.set(lease, h);
          return this.byLease.get(lease);
        })
        .finally(() => this.adopting.delete(lease));
      this.adopting.set(lease, adoption);
    }
    const h = await adoption;
    return h?.agentId === agent.id ? h : undefined;
  }

  /** {@link find}, or a 409 (a fenced-off or unknown lease). */
  async get(agent: Agent, lease: number): Promise<HeldJob> {
    const h = await this.find(agent, lease);
    if (!h) throw new ConflictError(`agent ${agent.id} does not hold job lease ${lease} (ended, lost or never given)`);
    return h;
  }

  /** Takes `h` out; false when it was no longer held (another end claimed it first). */
  claim(h: HeldJob): boolean {
    if (this.byLease.get(h.lease) !== h) return false;
    this.byLease.delete(h.lease);
    return true;
  }

  /**
   * Lets go of the held leases the store says have ended: another replica the agent moved to
   * finished or ended them, so the queue item held here for the attempt is released and the
   * files uploaded here are removed.
   */
  async pruneEnded(): Promise<number> {
    let pruned = 0;
    for (const h of this.values()) {
      const l = await this.r.store.agents.lease(h.lease);
      if (l && l.endedAt === null) continue;
      if (!this.claim(h)) continue;
      try {
        // the files the agent uploaded here were sent again to the replica that ended the lease
        await rm(h.uploadDir, { recursive: true, force: true });
      } catch (err) {
        this.r.log.warn({ err: (err as Error).message, lease: h.lease }, "could not remove an ended lease's uploads");
      } finally {
        // the queue item held for the attempt is let go whatever became of the files
        h.end();
      }
      pruned++;
    }
    return pruned;
  }
}
