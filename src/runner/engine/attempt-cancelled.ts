/**
 * Whether a running job attempt was cancelled, as the shared store says. A cancel aborts the queue
 * handler holding the attempt through the queue (a message to every replica); when that message is
 * lost (the queue's Redis away at the moment of the cancel), the store still says it: the run was
 * cancelled, or the job is no longer running at this attempt. Server workers read it on each
 * lease heartbeat (below), agents' replicas on each agent heartbeat (agents/attempt-cancelled.ts).
 */
import type { Job } from "../../store/index.js";
import type { RunnerDeps } from "./runner-deps.js";

/** True when the store says attempt `job.attempt` of `job` is over or its run was cancelled. */
export async function storeSaysCancelled(
  r: Pick<RunnerDeps, "store">,
  job: Pick<Job, "id" | "attempt">,
): Promise<boolean> {
  const now = await r.store.jobs.get(job.id);
  if (now.status !== "running" || now.attempt !== job.attempt) return true;
  return (await r.store.runs.get(now.runId)).status === "cancelled";
}

/**
 * A signal aborted when `signal` is, or when the store says the attempt was cancelled (checked
 * every lease heartbeat, `leaseMs / 3`); `stop()` ends the checks.
 */
export function watchAttemptCancelled(
  deps: Pick<RunnerDeps, "store" | "log" | "options">,
  job: Pick<Job, "id" | "attempt">,
  signal: AbortSignal,
): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });
  let checking = false;
  const timer = setInterval(
    async () => {
      if (checking || controller.signal.aborted) return;
      checking = true;
      try {
        if (await storeSaysCancelled(deps, job)) controller.abort(new Error("cancelled"));
      } catch (err) {
        deps.log.warn({ err, jobId: job.id }, "checking whether a running job was cancelled failed");
      } finally {
        checking = false;
      }
    },
    Math.max(100, deps.options.leaseMs / 3),
  );
  timer.unref();
  return {
    signal: controller.signal,
    stop() {
      clearInterval(timer);
      signal.removeEventListener("abort", forward);
    },
  };
}
