/**
 * A queue item delivered while its attempt is still running: the process that took it lost the
 * item's queue lease (a killed replica). A server worker's attempt died with that replica, so
 * it is orphaned at once. An agent's attempt may outlive the replica that handed it out: the
 * agent moves to another replica and goes on with its lease there (agents/adopt-lease.ts). So
 * while a live agent (online or draining) holds an open lease of the attempt, the item is held
 * here, its queue lease renewed, until the attempt ends; if that agent is gone first, the attempt
 * is orphaned then. Holding the item keeps the rule that a running attempt has a queue item
 * leased by a live process, so it is recovered whichever replicas die.
 */
import { orphanJob } from "./recovery.js";
import type { JobTicket, RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/** How often a held item's attempt and agent are looked at (ms). */
const CHECK_MS = 500;

/**
 * Handles `ticket` if its attempt is running (see the comment at the top of this file) and
 * resolves true when it was (the caller does nothing more with the item); false when the
 * attempt is not running, so the ticket is begun as usual.
 */
export async function holdRunningAttempt(deps: RunnerDeps, ticket: JobTicket, signal: AbortSignal): Promise<boolean> {
  const { store } = deps;
  let first = true;
  while (!signal.aborted) {
    const job = await store.jobs.get(ticket.jobId);
    if (job.status !== "running" || job.attempt !== ticket.attempt) return !first;
    first = false;
    const lease = await store.agents.openLeaseOf(job.id, job.attempt);
    const agent = lease && (await store.agents.get(lease.agentId));
    if (agent?.state !== "online" && agent?.state !== "draining") {
      if (await orphanJob(deps, job, "lease-expired")) await advanceRun(deps, job.runId);
      return true;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CHECK_MS);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
  return true;
}
