/**
 * Whether a held job's attempt was cancelled, as the shared store says. A cancel aborts the queue
 * handler of the one replica holding the job's queue item, which marks its own HeldJob; a replica
 * that took the lease over (the agent moved there) learns it only from the store: the run was
 * cancelled, or the job is no longer running at this attempt. Read on each heartbeat and when a
 * lease is taken over, so the agent hears it whichever replica it talks to.
 */
import { type RunnerDeps, storeSaysCancelled } from "../runner/index.js";
import type { HeldJob } from "./held-job.js";

/** True when the store says the attempt `h` serves is over or its run was cancelled. */
export function attemptCancelled(r: Pick<RunnerDeps, "store">, h: HeldJob): Promise<boolean> {
  return storeSaysCancelled(r, h.begun.job);
}
