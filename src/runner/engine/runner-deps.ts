import type { Limits } from "../../common/config/limits-schema.js";
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { Bus } from "../../events/index.js";
import type { EventLog } from "../../events/index.js";
import type { JobQueue } from "../../queue/index.js";
import type { BlobStore } from "../../storage/index.js";
import type { Store } from "../../store/index.js";
import type { TestDependencyRecorder, TestSelector } from "../../testintel/index.js";
import type { Executor } from "../executor.js";

/** The queue name job attempts travel on. */
export const JOBS_QUEUE = "jobs";

/** What a job queue item carries. */
export interface JobTicket {
  jobId: number;
  attempt: number;
}

/** Dedupe key of a job attempt's queue item (also how it is cancelled). */
export function ticketKey(t: JobTicket): string {
  return `job:${t.jobId}:${t.attempt}`;
}

/**
 * Adds the queue item of attempt `attempt` of `job` (deduplicated per attempt), then records in
 * the store that it is queued, so the scheduler does not add it again on its next passes. The
 * record comes after the add: a crash between them only means one more (deduplicated) add.
 */
export async function enqueueAttempt(
  deps: Pick<RunnerDeps, "queue" | "store">,
  job: { id: number; spec: { runsOn: string[] } },
  attempt: number,
  runAfter?: number,
): Promise<void> {
  const ticket: JobTicket = { jobId: job.id, attempt };
  await deps.queue.enqueue(JOBS_QUEUE, ticket, {
    dedupeKey: ticketKey(ticket),
    labels: job.spec.runsOn,
    ...(runAfter === undefined ? {} : { runAfter }),
  });
  await deps.store.jobs.markEnqueued(job.id, attempt);
}

/** Everything the CI engine needs, assembled by `app/`. */
export interface RunnerDeps {
  store: Store;
  events: EventLog;
  bus: Bus;
  queue: JobQueue;
  /** Where artifacts are kept (the data dir, or S3-compatible storage shared by replicas). */
  blobs: BlobStore;
  /** `local` always; `sandbox` when bubblewrap is usable. */
  executors: { local: Executor; sandbox?: Executor };
  dataDir: string;
  clock: Clock;
  log: Logger;
  /** Test intelligence for steps with `tests:`: the file selector, and the coverage recorder when there is one. */
  tests: { selector: TestSelector; recorder?: TestDependencyRecorder };
  options: {
    labels: string[];
    /** Whether this server runs jobs itself (`runner.local`); agents may run them instead. */
    local: boolean;
    concurrency: number;
    leaseMs: number;
    keepWorkspaces: boolean;
    /** What happens to jobs orphaned by a server crash. */
    orphanedJobs: "fail" | "retry";
    /** Log caps per step and run, and pipeline size limits (`limits:` in the config). */
    limits: Pick<Limits, "log" | "pipeline">;
    /** Run untrusted triggers even when bubblewrap is not usable (see `sandbox-policy.ts`). */
    allowUnsandboxed: boolean;
  };
}
