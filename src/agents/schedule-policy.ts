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
  /**
   * `fifo`: the oldest first. `priority`: the highest score first, where a job's score is its
   * class's weight × its response ratio, (wait + predicted duration) / predicted duration: short
   * jobs go first, and every job's score grows while it waits, so none waits forever.
   */
  order: "fifo" | "priority";
  /** How much each class counts (`priority` order): a class of weight 2 goes before one of 1 until the latter has waited its own predicted duration. */
  weight: Record<JobClass, number>;
  /** Each job's score is divided by 1 + the jobs its project runs now (counting the ones this call places). */
  fairShare: boolean;
  /** Predictions below this count as this (a job's start-up alone takes seconds; a 0 ms estimate would outrank everything). */
  minEstimateMs: number;
  /**
   * A job that has waited this long and fits no agent's free capacity reserves the agent that
   * could hold it: no later job is placed there until it fits (Infinity: never).
   */
  reserveAfterMs: number;
}

/**
 * pitcrew's default: heal fixes count 4, default-branch jobs 2, other branches and pull requests
 * 1 (each class twice the one below); fair share; estimates of at least 10 s; a job fitting no
 * agent's free capacity reserves one after 10 minutes (two runs of a typical 5-minute job).
 */
export const DEFAULT_SCHEDULE_POLICY: SchedulePolicy = {
  order: "priority",
  weight: { heal: 4, "default-branch": 2, branch: 1, "pull-request": 1 },
  fairShare: true,
  minEstimateMs: 10_000,
  reserveAfterMs: 600_000,
};

/** First come, first served (each free agent takes the oldest job it can run): the baseline. */
export const FIFO_POLICY: SchedulePolicy = {
  order: "fifo",
  weight: { heal: 1, "default-branch": 1, branch: 1, "pull-request": 1 },
  fairShare: false,
  minEstimateMs: 10_000,
  reserveAfterMs: Number.POSITIVE_INFINITY,
};

/** The server's policy from its `agents:` settings: the default with the weights and fair share given. */
export function schedulePolicy(settings: {
  priority?: { heal?: number; default_branch?: number; branch?: number; pull_request?: number };
  fair_share?: boolean;
}): SchedulePolicy {
  const d = DEFAULT_SCHEDULE_POLICY;
  const p = settings.priority ?? {};
  return {
    ...d,
    weight: {
      heal: p.heal ?? d.weight.heal,
      "default-branch": p.default_branch ?? d.weight["default-branch"],
      branch: p.branch ?? d.weight.branch,
      "pull-request": p.pull_request ?? d.weight["pull-request"],
    },
    fairShare: settings.fair_share ?? d.fairShare,
  };
}
