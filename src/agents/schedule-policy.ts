/**
 * The scheduler's inputs and its configuration: what a waiting job and an agent look like to
 * `placeJobs` (place-jobs.ts), and the policy that orders the jobs. Pure data, no I/O.
 */

/** What a job asks of the agent that runs it; `memory` in bytes, 0 when the job asks for none. */
export interface Resources {
  cpus: number;
  memory: number;
}

/** Why a job runs, which decides its priority class. */
export type JobClass = "heal" | "default-branch" | "branch" | "pull-request";

/** All classes, in the order of the default priorities. */
export const JOB_CLASSES: readonly JobClass[] = ["heal", "default-branch", "branch", "pull-request"];

/** A job waiting for an agent. */
export interface PendingJob {
  /** Opaque to the scheduler (the queue item's id, a job id). */
  id: string;
  project: string;
  class: JobClass;
  /** The job's `runs-on`: an agent must carry every one. */
  labels: readonly string[];
  resources: Resources;
  /** When it started waiting (epoch ms). */
  queuedAt: number;
  /** Its predicted duration (duration-predictor.ts). */
  estimateMs: number;
}

/** An agent as the scheduler sees it: what it advertises and what its running jobs take. */
export interface AgentSlots {
  id: string;
  name: string;
  labels: readonly string[];
  /** Jobs it runs at once (`--concurrency`). */
  concurrency: number;
  /** Advertised `--capacity`; an absent figure does not limit. */
  capacity: { cpus?: number; memory?: number };
  /** Jobs running on it now and what they asked for. */
  running: number;
  used: Resources;
}

/** How waiting jobs are ordered. */
export interface SchedulePolicy {
  /** Rank of each class: a lower rank goes first. */
  priority: Record<JobClass, number>;
  /**
   * A waiting job moves up one rank per `agingMs` waited, so no class waits forever behind a
   * stream of higher ones (0: no aging).
   */
  agingMs: number;
  /** Within a rank, the project with the fewest running jobs goes first. */
  fairShare: boolean;
  /** Within a rank and share, the shortest predicted job goes first. */
  shortestFirst: boolean;
  /**
   * A job that has waited this long and fits no agent's free capacity reserves the agent that
   * could hold it: no later job is placed there until it fits (Infinity: never).
   */
  reserveAfterMs: number;
}

/**
 * pitcrew's default: heal fixes, then the default branch, then other branches and pull requests;
 * fair share; shortest predicted first. Aging and reservation after 10 minutes: two runs of a
 * typical job (the predictor's 5-minute default), so a pull request waits at most about 20
 * minutes longer than a default-branch job arriving after it, whatever the load.
 */
export const DEFAULT_SCHEDULE_POLICY: SchedulePolicy = {
  priority: { heal: 0, "default-branch": 1, branch: 2, "pull-request": 2 },
  agingMs: 600_000,
  fairShare: true,
  shortestFirst: true,
  reserveAfterMs: 600_000,
};

/** First come, first served (each free agent takes the oldest job it can run): the baseline. */
export const FIFO_POLICY: SchedulePolicy = {
  priority: { heal: 0, "default-branch": 0, branch: 0, "pull-request": 0 },
  agingMs: 0,
  fairShare: false,
  shortestFirst: false,
  reserveAfterMs: Number.POSITIVE_INFINITY,
};
