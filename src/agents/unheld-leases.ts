/**
 * Open job leases of gone (lost or offline) agents that no server replica will end itself. The
 * replica holding a lease ends it when it drops the agent; one that died cannot, and another
 * replica must not end a lease a live replica holds (that replica could then never queue the job
 * again). The store does not say which replica holds a lease, so the job decides: while the
 * lease's attempt is still running, its holder (live, renewing the job's queue item) ends it, or
 * the queue hands the item elsewhere once the dead holder's queue lease runs out and that attempt
 * is orphaned (runner/attempt.ts); once the attempt is no longer running, nobody holds the lease.
 */
import type { RunnerDeps } from "../runner/index.js";

/**
 * Ends the open leases of gone agents (of `agentId` only, when given) that are not held here and
 * whose attempt is no longer running, with `reason`; returns how many it ended.
 */
export async function endUnheldLeases(
  r: RunnerDeps,
  heldHere: (lease: number) => boolean,
  reason: string,
  agentId?: number,
): Promise<number> {
  const gone = new Map<number, boolean>();
  let ended = 0;
  for (const l of await r.store.agents.openLeases(agentId)) {
    if (heldHere(l.id)) continue;
    if (!gone.has(l.agentId)) {
      const state = (await r.store.agents.get(l.agentId))?.state;
      gone.set(l.agentId, state !== "online" && state !== "draining");
    }
    if (!gone.get(l.agentId)) continue;
    const job = await r.store.jobs.get(l.jobId);
    if (job.status === "running" && job.attempt === l.attempt) continue;
    if (await r.store.agents.endLease(l.id, reason, r.clock.now())) ended++;
  }
  return ended;
}
