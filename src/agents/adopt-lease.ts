/**
 * Taking over a job lease another server replica handed out: the agent holding it moved here
 * (its replica died or stopped answering) and names the lease in a heartbeat or a call about the
 * job. The lease is fenced in the shared store, so this replica hears the agent only for a lease
 * that is open there, belongs to that agent, and whose attempt is still running; a lease that has
 * ended (the job moved on) is never taken up again. The attempt's log goes on after the lines
 * stored, and its event batches after the last one the store records as applied. A cancel heard
 * by the replica the agent left is read from the store (attempt-cancelled.ts).
 */
import { resumeAttempt, type RunnerDeps } from "../runner/index.js";
import type { Agent } from "../store/index.js";
import { attemptCancelled } from "./attempt-cancelled.js";
import { type HeldJob, holdAttempt } from "./held-job.js";

/** Lease `leaseId` of `agent` as held here, or undefined when the store does not give it to that agent any more. */
export async function adoptLease(r: RunnerDeps, agent: Agent, leaseId: number): Promise<HeldJob | undefined> {
  const lease = await r.store.agents.lease(leaseId);
  if (!lease || lease.endedAt !== null || lease.agentId !== agent.id) return undefined;
  const begun = await resumeAttempt(r, lease.jobId, lease.attempt);
  if (!begun) return undefined;
  const project = await r.store.projects.get(begun.run.projectId);
  begun.logs.write(-1, "system", `agent '${agent.name}' goes on with this job through another server replica`);
  const held = await holdAttempt(r, agent.id, begun, project.name, lease.id, lease.leasedAt);
  // a cancel heard by the replica the agent left reached only that replica's HeldJob
  held.cancelled = await attemptCancelled(r, held);
  return held;
}
