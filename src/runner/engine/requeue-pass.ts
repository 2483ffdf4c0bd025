/**
 * The requeue pass (leader only, every ~30 s): the scheduler adds a job's queue item once per
 * attempt (`jobs.enqueued_attempt`), so a queue item lost afterwards (a Redis flush or eviction,
 * an item failed or acked by a replica that stopped before the job began) would leave the job
 * queued for good. Each pass looks at the queued jobs; a job whose attempt has stayed marked as
 * queued for `staleMs` (a few queue lease periods) has its run advanced with `requeue` for it:
 * the item is added again (a no-op while it is queued or leased: enqueue dedupes per attempt; a
 * failed item is replaced) and the "no runner or live agent has these labels" check runs again,
 * so a job whose capable agents vanished fails with the reason. A queued job not marked has its run advanced as usual.
 */
import type { RunnerDeps } from "./runner-deps.js";
import { advanceRun } from "./scheduler.js";

/** How often the pass runs (ms). */
const EVERY_MS = 30_000;
/** Queue lease periods a marked job waits before its item is added again. */
const STALE_LEASES = 3;

/** Since when (epoch ms) each queued job has been seen marked, at which attempt. */
export type SeenMarks = Map<number, { attempt: number; since: number }>;

/** One pass (see the comment at the top of this file); `seen` carries over between passes. */
export async function requeuePass(deps: RunnerDeps, seen: SeenMarks, staleMs: number): Promise<void> {
  const now = deps.clock.now();
  const stale = new Map<number, Set<number>>();
  const unmarked = new Set<number>();
  const queued = await deps.store.jobs.listByStatus(["queued"]);
  const present = new Set<number>();
  for (const job of queued) {
    present.add(job.id);
    if (job.enqueuedAttempt !== job.attempt) {
      seen.delete(job.id);
      unmarked.add(job.runId);
      continue;
    }
    const mark = seen.get(job.id);
    if (!mark || mark.attempt !== job.attempt) {
      seen.set(job.id, { attempt: job.attempt, since: now });
      continue;
    }
    if (now - mark.since < staleMs) continue;
    mark.since = now;
    stale.set(job.runId, (stale.get(job.runId) ?? new Set()).add(job.id));
  }
  for (const id of seen.keys()) if (!present.has(id)) seen.delete(id);
  for (const [runId, jobIds] of stale) await advanceRun(deps, runId, { requeue: jobIds });
  for (const runId of unmarked) if (!stale.has(runId)) await advanceRun(deps, runId);
}

/** Starts the requeue pass (one at a time); returns the stop function. */
export function startRequeuePass(deps: RunnerDeps, opts: { everyMs?: number; staleMs?: number } = {}): () => void {
  const seen: SeenMarks = new Map();
  const staleMs = opts.staleMs ?? STALE_LEASES * deps.options.leaseMs;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    requeuePass(deps, seen, staleMs)
      .catch((err) => deps.log.warn({ err }, "requeue pass failed"))
      .finally(() => {
        running = false;
      });
  }, opts.everyMs ?? EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
