import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../../common/clock.js";
import { NotFoundError } from "../../common/errors.js";
import type { PlanJob } from "../../common/plan.js";
import type { DB, JobsTable } from "../schema.js";
import type { Status } from "../statuses.js";
import { fromJson } from "./json.js";

/** A job of a run (one plan job; `attempt` counts retries). */
export interface Job {
  id: number;
  runId: number;
  key: string;
  name: string;
  status: Status;
  reason: string | null;
  attempt: number;
  spec: PlanJob;
  exitCode: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The attempt whose queue item the scheduler added (null: none yet). */
  enqueuedAttempt: number | null;
}

function toJob(r: Selectable<JobsTable>): Job {
  return {
    id: r.id,
    runId: r.run_id,
    key: r.key,
    name: r.name,
    status: r.status,
    reason: r.reason,
    attempt: r.attempt,
    spec: JSON.parse(r.spec) as PlanJob,
    exitCode: r.exit_code,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    enqueuedAttempt: r.enqueued_attempt ?? null,
  };
}

/** One finished attempt of a job key in a project's runs, with the facts failure correlation compares. */
/** A finished job's duration with what is known of it before it runs (`finishedDurations`). */
export interface JobDuration {
  jobId: number;
  key: string;
  branch: string;
  /**
   * One path its run's commit changed per top-level directory (the first seen; `changedAreas` of
   * these equals that of all the paths), from the first {@link MAX_AREA_SCAN} changed paths, at most
   * {@link MAX_AREAS}; empty when unknown. The jobs of a run share the array.
   */
  areaPaths: readonly string[];
  startedAt: number;
  finishedAt: number;
}

export interface JobHistoryEntry {
  jobId: number;
  attempt: number;
  status: "success" | "failure";
  runId: number;
  runNumber: number;
  commit: string;
  branch: string;
  event: string;
  triggeredBy: string;
  finishedAt: number;
  /** The `pitcrew agent` that ran the attempt; null when the server ran it. */
  agent: string | null;
  /** That agent's labels, sorted; empty when the server ran it. */
  agentLabels: string[];
}

/** A history row as the history query selects it. */
interface HistoryRow {
  job_id: number | string;
  attempt: number;
  status: Status;
  finished_at: number | string | null;
  run_id: number | string;
  number: number;
  commit_sha: string;
  branch: string;
  event: string;
  triggered_by: string;
  agent: string | null;
  agent_labels: string | null;
}

/** History rows as entries; a job attempt handed to two agents in turn (one lost) is one entry. */
function toHistory(rows: readonly HistoryRow[]): JobHistoryEntry[] {
  const seen = new Set<number>();
  return rows
    .filter((r) => !seen.has(Number(r.job_id)) && seen.add(Number(r.job_id)))
    .map((r) => ({
      jobId: Number(r.job_id),
      attempt: r.attempt,
      status: r.status as "success" | "failure",
      runId: Number(r.run_id),
      runNumber: r.number,
      commit: r.commit_sha,
      branch: r.branch,
      event: r.event,
      triggeredBy: r.triggered_by,
      finishedAt: Number(r.finished_at ?? 0),
      agent: r.agent ?? null,
      agentLabels: labelsOf(r.agent_labels),
    }));
}

/** An agent's stored labels (a JSON array), sorted; empty for none or a malformed value. */
function labelsOf(json: string | null): string[] {
  if (!json) return [];
  try {
    const labels: unknown = JSON.parse(json);
    return Array.isArray(labels) ? labels.filter((l): l is string => typeof l === "string").sort() : [];
  } catch {
    return [];
  }
}

/** Persistence of jobs. */
export class JobsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** The job with `id`, or NotFoundError. */
  async get(id: number): Promise<Job> {
    const row = await this.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("job", id);
    return toJob(row);
  }

  /** A run's jobs in plan order. */
  async listForRun(runId: number): Promise<Job[]> {
    const rows = await this.db.selectFrom("jobs").selectAll().where("run_id", "=", runId).orderBy("id").execute();
    return rows.map(toJob);
  }

  /**
   * The latest `limit` successful jobs with `key` in the project's runs before `beforeJobId`,
   * newest first: the history a failed job is compared with.
   */
  async recentSuccesses(projectId: number, key: string, beforeJobId: number, limit: number): Promise<Job[]> {
    const rows = await this.db
      .selectFrom("jobs")
      .innerJoin("runs", "runs.id", "jobs.run_id")
      .selectAll("jobs")
      .where("runs.project_id", "=", projectId)
      .where("jobs.key", "=", key)
      .where("jobs.status", "=", "success")
      .where("jobs.id", "<", beforeJobId)
      .orderBy("jobs.id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toJob);
  }

  /**
   * The latest `limit` jobs with `key` in the project's runs that ended `success` or `failure`,
   * up to and including `untilJobId`, newest first, each with its run's facts and its agent.
   */
  async history(projectId: number, key: string, untilJobId: number, limit: number): Promise<JobHistoryEntry[]> {
    const rows = await this.historyQuery(projectId, key)
      .where("jobs.status", "in", ["success", "failure"])
      .where("jobs.id", "<=", untilJobId)
      .orderBy("jobs.id", "desc")
      .limit(limit)
      .execute();
    return toHistory(rows);
  }

  /**
   * The first job with `key` in the project's runs on `branch` after `afterJobId` that ended
   * `success`: what ended a failure that began at `afterJobId`.
   */
  async firstSuccessAfter(
    projectId: number,
    key: string,
    branch: string,
    afterJobId: number,
  ): Promise<JobHistoryEntry | undefined> {
    const rows = await this.historyQuery(projectId, key)
      .where("jobs.status", "=", "success")
      .where("runs.branch", "=", branch)
      .where("jobs.id", ">", afterJobId)
      .orderBy("jobs.id", "asc")
      .limit(1)
      .execute();
    return toHistory(rows)[0];
  }

  /**
   * Jobs of the project's runs that ran to `success` or `failure` and finished in [`from`, `to`],
   * oldest first (by finish, then id), at most `limit` (the newest when there are more), each with
   * its run's branch and changed areas: the history durations are learnt from. A run's changed
   * paths are read and reduced once, however many of its jobs there are.
   */
  async finishedDurations(projectId: number, from: number, to: number, limit: number): Promise<JobDuration[]> {
    const rows = await this.db
      .selectFrom("jobs")
      .innerJoin("runs", "runs.id", "jobs.run_id")
      .select(["jobs.id", "jobs.key", "jobs.run_id", "jobs.started_at", "jobs.finished_at", "runs.branch"])
      .where("runs.project_id", "=", projectId)
      .where("jobs.status", "in", ["success", "failure"])
      .where("jobs.started_at", "is not", null)
      .where("jobs.finished_at", ">=", from)
      .where("jobs.finished_at", "<=", to)
      .orderBy("jobs.finished_at", "desc")
      .orderBy("jobs.id", "desc")
      .limit(limit)
      .execute();
    const areas = new Map<number, readonly string[]>();
    const runIds = [...new Set(rows.map((r) => r.run_id))];
    for (let i = 0; i < runIds.length; i += RUNS_PER_READ) {
      const runs = await this.db
        .selectFrom("runs")
        .select(["id", "changed_files"])
        .where("id", "in", runIds.slice(i, i + RUNS_PER_READ))
        .execute();
      for (const run of runs) areas.set(run.id, areaPaths(fromJson<unknown>(run.changed_files, null)));
    }
    return rows.reverse().map((r) => ({
      jobId: r.id,
      key: r.key,
      branch: r.branch,
      areaPaths: areas.get(r.run_id) ?? [],
      startedAt: r.started_at!,
      finishedAt: r.finished_at!,
    }));
  }

  /** Jobs with `key` in the project's runs, joined with their run and the agent of their attempt. */
  private historyQuery(projectId: number, key: string) {
    return this.db
      .selectFrom("jobs")
      .innerJoin("runs", "runs.id", "jobs.run_id")
      .leftJoin("agent_leases", (j) =>
        j.onRef("agent_leases.job_id", "=", "jobs.id").onRef("agent_leases.attempt", "=", "jobs.attempt"),
      )
      .leftJoin("agents", "agents.id", "agent_leases.agent_id")
      .select([
        "jobs.id as job_id",
        "jobs.attempt",
        "jobs.status",
        "jobs.finished_at",
        "runs.id as run_id",
        "runs.number",
        "runs.commit_sha",
        "runs.branch",
        "runs.event",
        "runs.triggered_by",
        "agents.name as agent",
        "agents.labels as agent_labels",
      ])
      .where("runs.project_id", "=", projectId)
      .where("jobs.key", "=", key);
  }

  /** Jobs in one of `statuses` across all runs. */
  async listByStatus(statuses: Status[]): Promise<Job[]> {
    const rows = await this.db.selectFrom("jobs").selectAll().where("status", "in", statuses).orderBy("id").execute();
    return rows.map(toJob);
  }

  /**
   * Moves a job to `status` only if it is currently in `from` (compare-and-set, so a cancel and
   * a finishing worker cannot both win). Returns whether it changed.
   */
  async transition(
    id: number,
    from: Status[],
    to: Status,
    extra: { reason?: string | null; exitCode?: number | null; attempt?: number } = {},
  ): Promise<boolean> {
    const now = this.clock.now();
    const patch: Partial<Selectable<JobsTable>> = { status: to };
    if (extra.reason !== undefined) patch.reason = extra.reason;
    if (extra.exitCode !== undefined) patch.exit_code = extra.exitCode;
    if (extra.attempt !== undefined) patch.attempt = extra.attempt;
    if (to === "running") patch.started_at = now;
    if (to === "queued") {
      patch.started_at = null;
      patch.finished_at = null;
    }
    if (to !== "running" && to !== "queued") patch.finished_at = now;
    const res = await this.db
      .updateTable("jobs")
      .set(patch)
      .where("id", "=", id)
      .where("status", "in", from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Records that attempt `attempt` of job `id` is in the queue (the scheduler enqueues it once);
   * false when the job has moved to another attempt meanwhile.
   */
  async markEnqueued(id: number, attempt: number): Promise<boolean> {
    const res = await this.db
      .updateTable("jobs")
      .set({ enqueued_attempt: attempt })
      .where("id", "=", id)
      .where("attempt", "=", attempt)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /**
   * Forgets that attempt `attempt` of job `id` is in the queue, while the job still waits at that
   * attempt (compare-and-set): its item was dropped before the job began (a replica stopping), so
   * the scheduler adds it again; false when the job has moved on.
   */
  async clearEnqueued(id: number, attempt: number): Promise<boolean> {
    const res = await this.db
      .updateTable("jobs")
      .set({ enqueued_attempt: null })
      .where("id", "=", id)
      .where("attempt", "=", attempt)
      .where("enqueued_attempt", "=", attempt)
      .where("status", "=", "queued")
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}

/** Changed paths of a run read for its areas (a huge commit's first ones). */
const MAX_AREA_SCAN = 10_000;
/** Most top-level directories kept of a run's changes. */
const MAX_AREAS = 64;
/** Runs whose changed paths one query reads. */
const RUNS_PER_READ = 500;

/** The first path of each top-level directory (`.` for files at the root) in `paths`, bounded. */
function areaPaths(paths: unknown): string[] {
  if (!Array.isArray(paths)) return [];
  const first = new Map<string, string>();
  for (const p of paths.slice(0, MAX_AREA_SCAN)) {
    if (typeof p !== "string") continue;
    const area = p.includes("/") ? p.slice(0, p.indexOf("/")) : ".";
    if (!first.has(area)) first.set(area, p);
    if (first.size === MAX_AREAS) break;
  }
  return [...first.values()];
}
