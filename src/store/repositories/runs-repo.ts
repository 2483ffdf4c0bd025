import type { Insertable, Kysely, Selectable } from "kysely";
import type { Clock } from "../../common/clock.js";
import { NotFoundError } from "../../common/errors.js";
import type { Plan, PlanJob, TriggerEvent } from "../../common/plan.js";
import type { DB, JobsTable, RunsTable } from "../schema.js";
import { RUN_TRUSTS, type RunTrust } from "../statuses.js";
import { fromJson } from "./json.js";
import type { Status } from "../statuses.js";

/** Run ids per query of `changedFilesOf` (bounded bind parameters). */
const IDS_PER_READ = 500;

/** One execution of a pipeline. */
export interface Run {
  id: number;
  projectId: number;
  number: number;
  event: TriggerEvent;
  branch: string;
  commit: string;
  baseBranch: string | null;
  inputs: Record<string, string>;
  changedFiles: string[] | null;
  status: Status;
  reason: string | null;
  pipelineName: string;
  plan: Plan;
  triggeredBy: string;
  parentRunId: number | null;
  /** What the run may use (secrets, caches): decided when it was triggered, see runner/trust.ts. */
  trust: RunTrust;
  gateResults: unknown[] | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** What a new run is made of; its jobs are created with it, all `queued`. */
export interface NewRun {
  projectId: number;
  event: TriggerEvent;
  branch: string;
  commit: string;
  baseBranch?: string | null;
  inputs?: Record<string, string>;
  changedFiles?: string[] | null;
  plan: Plan;
  triggeredBy: string;
  parentRunId?: number | null;
  /** Default `branch` (secrets, no protected caches). */
  trust?: RunTrust;
  /** For a run that cannot start (e.g. an invalid pipeline): created finished with this status. */
  status?: Status;
  reason?: string | null;
}

function toRun(r: Selectable<RunsTable>): Run {
  return {
    id: r.id,
    projectId: r.project_id,
    number: r.number,
    event: r.event as TriggerEvent,
    branch: r.branch,
    commit: r.commit_sha,
    baseBranch: r.base_branch,
    inputs: fromJson(r.inputs, {}),
    changedFiles: fromJson(r.changed_files, null),
    status: r.status,
    reason: r.reason,
    pipelineName: r.pipeline_name,
    plan: fromJson(r.plan, { name: "", env: {}, jobs: [], gates: {} }),
    triggeredBy: r.triggered_by,
    parentRunId: r.parent_run_id,
    trust: (RUN_TRUSTS as readonly string[]).includes(r.trust) ? (r.trust as RunTrust) : "fork",
    gateResults: fromJson(r.gate_results, null),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Filters and paging of run listings (newest first; `before` is an id cursor). */
export interface RunQuery {
  projectId?: number;
  status?: Status;
  branch?: string;
  limit?: number;
  before?: number;
}

/** Persistence of runs; creating a run creates its jobs in the same transaction. */
export class RunsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** Creates a run numbered after the project's last, with one `queued` job per plan job. */
  async create(input: NewRun): Promise<Run> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom("runs")
            .select((eb) => eb.fn.max("number").as("n"))
            .where("project_id", "=", input.projectId)
            .executeTakeFirst();
          const now = this.clock.now();
          const finished = input.status && input.status !== "queued";
          const row = await trx
            .insertInto("runs")
            .values({
              project_id: input.projectId,
              number: Number(last?.n ?? 0) + 1,
              event: input.event,
              branch: input.branch,
              commit_sha: input.commit,
              base_branch: input.baseBranch ?? null,
              inputs: JSON.stringify(input.inputs ?? {}),
              changed_files: input.changedFiles ? JSON.stringify(input.changedFiles) : null,
              status: input.status ?? "queued",
              reason: input.reason ?? null,
              pipeline_name: input.plan.name,
              plan: JSON.stringify(input.plan),
              triggered_by: input.triggeredBy,
              parent_run_id: input.parentRunId ?? null,
              trust: input.trust ?? "branch",
              gate_results: null,
              created_at: now,
              started_at: null,
              finished_at: finished ? now : null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          if (input.plan.jobs.length > 0 && !finished) {
            await trx
              .insertInto("jobs")
              .values(input.plan.jobs.map((j: PlanJob) => jobRow(row.id, j, now)))
              .execute();
          }
          return toRun(row);
        });
      } catch (err) {
        // Two runs of one project created at once on PostgreSQL: retry with the next number.
        if (tries < 5 && /unique|duplicate/i.test(String(err))) continue;
        throw err;
      }
    }
  }

  /** The run with `id`, or NotFoundError. */
  async get(id: number): Promise<Run> {
    const row = await this.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("run", id);
    return toRun(row);
  }

  /**
   * The changed files each of the runs `ids` recorded when it was triggered (runs that recorded
   * none, e.g. a manual run or a branch's first push, are absent), read 500 ids at a time.
   */
  async changedFilesOf(ids: readonly number[]): Promise<Map<number, string[]>> {
    const found = new Map<number, string[]>();
    for (let i = 0; i < ids.length; i += IDS_PER_READ) {
      const rows = await this.db
        .selectFrom("runs")
        .select(["id", "changed_files"])
        .where("id", "in", ids.slice(i, i + IDS_PER_READ))
        .where("changed_files", "is not", null)
        .execute();
      for (const r of rows) {
        const files = fromJson<unknown>(r.changed_files, null);
        if (Array.isArray(files))
          found.set(
            r.id,
            files.filter((f): f is string => typeof f === "string"),
          );
      }
    }
    return found;
  }

  /** Runs matching `q`, newest first. */
  async list(q: RunQuery = {}): Promise<Run[]> {
    let query = this.db
      .selectFrom("runs")
      .selectAll()
      .orderBy("id", "desc")
      .limit(Math.min(q.limit ?? 50, 500));
    if (q.projectId !== undefined) query = query.where("project_id", "=", q.projectId);
    if (q.status) query = query.where("status", "=", q.status);
    if (q.branch) query = query.where("branch", "=", q.branch);
    if (q.before !== undefined) query = query.where("id", "<", q.before);
    return (await query.execute()).map(toRun);
  }

  /** How many runs of a project finished after `since` (epoch ms). */
  async countFinished(projectId: number, since: number): Promise<number> {
    const row = await this.db
      .selectFrom("runs")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("project_id", "=", projectId)
      .where("finished_at", ">", since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Runs whose status is one of `statuses`, oldest first. */
  async listByStatus(statuses: Status[]): Promise<Run[]> {
    const rows = await this.db.selectFrom("runs").selectAll().where("status", "in", statuses).orderBy("id").execute();
    return rows.map(toRun);
  }

  /**
   * Moves a run to `status` only if it is currently in one of `from` (compare-and-set, so a
   * cancel and a finishing scheduler cannot both win); sets start/finish times as the status
   * implies. Returns whether it changed.
   */
  async transition(id: number, from: Status[], status: Status, reason: string | null = null): Promise<boolean> {
    const now = this.clock.now();
    const patch: Partial<Selectable<RunsTable>> = { status, reason };
    if (status === "running") patch.started_at = now;
    if (status === "queued") patch.finished_at = null;
    if (status !== "running" && status !== "queued") patch.finished_at = now;
    const res = await this.db
      .updateTable("runs")
      .set(patch)
      .where("id", "=", id)
      .where("status", "in", from)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Stores the evaluated quality gates of a run. */
  async setGateResults(id: number, results: unknown[]): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ gate_results: JSON.stringify(results) })
      .where("id", "=", id)
      .execute();
  }

  /**
   * The newest finished run of a project on `branch` before `beforeId` with status success;
   * `pushesOnly` leaves out pull requests' runs (their branch is the head's name, which a fork chooses).
   */
  async lastSuccessful(
    projectId: number,
    branch: string,
    beforeId: number,
    opts: { pushesOnly?: boolean } = {},
  ): Promise<Run | undefined> {
    let q = this.db
      .selectFrom("runs")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("branch", "=", branch)
      .where("status", "=", "success")
      .where("id", "<", beforeId);
    if (opts.pushesOnly) q = q.where("base_branch", "is", null).where("event", "!=", "pull_request");
    const row = await q.orderBy("id", "desc").executeTakeFirst();
    return row ? toRun(row) : undefined;
  }
}

function jobRow(runId: number, j: PlanJob, now: number): Insertable<JobsTable> {
  return {
    run_id: runId,
    key: j.key,
    name: j.name,
    status: "queued",
    reason: null,
    attempt: 1,
    spec: JSON.stringify(j),
    exit_code: null,
    created_at: now,
    started_at: null,
    finished_at: null,
  };
}
