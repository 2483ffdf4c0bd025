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
