/**
 * How a job attempt held for an agent ends, on the replica serving its lease: finished by the
 * agent (its uploaded outputs collected, then the attempt ended with the agent's outcome), or
 * abandoned (handed back, its agent lost or no longer running it: the attempt fails and the job is
 * queued again, a bounded number of times). Claiming the held job first makes the two exclude each
 * other; the lease and the job are compare-and-set in the store, so another replica cannot end
 * them twice either.
 */
import { rm } from "node:fs/promises";
import { ConflictError } from "../common/errors.js";
import { advanceRun, collectOutputs, endAttempt, orphanJob, type RunnerDeps } from "../runner/index.js";
import type { HeldJob } from "./held-job.js";
import type { HeldJobs } from "./held-jobs.js";
import { excusedIds } from "./held-tests.js";

/** Times a job is queued again after losing its agent, besides its own `retries`. */
const LOST_RETRIES = 2;

/** What an agent says when a job ended. */
export interface AgentOutcome {
  lastSeq: number;
  status: "success" | "failure" | "cancelled";
  reason: string | null;
  exitCode: number | null;
  /** Test ids whose failures failed no step, as the agent says (only those the server called flaky count). */
  quarantined: string[];
}

/**
 * Ends held job `h` with the agent's outcome; ConflictError when its lease had already ended. The
 * outputs are stored while the lease still holds the job (state before side effects): a replica
 * killed meanwhile leaves a live lease the agent finishes again elsewhere, never an ended lease
 * over a job nobody will end.
 */
export async function finishHeldJob(r: RunnerDeps, held: HeldJobs, h: HeldJob, outcome: AgentOutcome): Promise<void> {
  await h.checkComplete(outcome.lastSeq);
  // taken out before any wait: a concurrent abandon leaves it alone
  if (!held.claim(h)) throw new ConflictError(`job lease ${h.lease} has already ended`);
  const sys = (line: string) => h.begun.logs.write(-1, "system", line);
  let ended: boolean;
  try {
    if (!h.outputsCollected) await collectHeldOutputs(r, h, outcome, sys);
    h.outputsCollected = true;
    ended = await r.store.agents.endLease(h.lease, outcome.status, r.clock.now());
  } catch (err) {
    held.add(h); // the store failed: held again, so the agent's retry can finish it
    throw err;
  }
  if (!ended) {
    h.end();
    throw new ConflictError(`job lease ${h.lease} has already ended`);
  }
  try {
    await rm(h.uploadDir, { recursive: true, force: true });
    await endAttempt(r, h.begun, { status: outcome.status, reason: outcome.reason, exitCode: outcome.exitCode });
  } finally {
    h.end();
  }
}

/**
 * Ends held attempt `h` the agent will not finish; the job is queued again (bounded) or fails.
 * Its lease may have been ended elsewhere already: the job's compare-and-set still decides.
 */
export async function abandonHeldJob(
  r: RunnerDeps,
  held: HeldJobs,
  h: HeldJob,
  reason: string,
  why: string,
): Promise<void> {
  if (!held.claim(h)) return;
  try {
    await r.store.agents.endLease(h.lease, reason, r.clock.now());
    const { job, logs } = h.begun;
    logs.write(-1, "system", `pitcrew: ${why}; this attempt ends (${reason})`);
    await logs.flush();
    await rm(h.uploadDir, { recursive: true, force: true });
    const retry = job.attempt <= job.spec.retries.count + LOST_RETRIES;
    if (await orphanJob(r, job, reason, { retry })) await advanceRun(r, job.runId);
  } finally {
    h.end();
  }
}

/** Stores the outputs the agent uploaded for `h`, with its quarantined failures the server's advice called flaky. */
async function collectHeldOutputs(r: RunnerDeps, h: HeldJob, outcome: AgentOutcome, sys: (line: string) => void) {
  const excused = await excusedIds(h, outcome.quarantined);
  if (excused.dropped > 0)
    sys(
      `pitcrew: ${excused.dropped} test failure(s) the agent called quarantined are not: the server's advice never called them flaky`,
    );
  // outputs the agent sent are its own (untrusted) files: one that cannot be stored must not
  // keep the attempt from ending, nor the queue slot from freeing
  await collectOutputs(r, h.begun.run, h.begun.job, h.uploadDir, sys, excused.kept).catch((err) => {
    r.log.warn({ err, lease: h.lease }, "agent job: collecting its outputs failed");
    sys(`pitcrew: the job's outputs could not be collected: ${(err as Error).message}`);
  });
}
