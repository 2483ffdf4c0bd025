import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../../common/clock.js";
import type { DB, StepsTable } from "../schema.js";
import type { Status } from "../statuses.js";
import { insertEvents, type NewEvent, type StoredEvent } from "./events-repo.js";

/** One step of one job attempt. */
export interface Step {
  id: number;
  jobId: number;
  attempt: number;
  idx: number;
  name: string;
  status: Status;
  exitCode: number | null;
  reason: string | null;
  pid: number | null;
  startedAt: number | null;
  finishedAt: number | null;
}

function toStep(r: Selectable<StepsTable>): Step {
  return {
    id: r.id,
    jobId: r.job_id,
    attempt: r.attempt,
    idx: r.idx,
    name: r.name,
    status: r.status,
    exitCode: r.exit_code,
    reason: r.reason,
    pid: r.pid,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Persistence of steps. */
export class StepsRepo {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  /** Creates the steps of a job attempt, all `queued`. */
  async createForAttempt(jobId: number, attempt: number, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db
      .insertInto("steps")
      .values(
        names.map((name, idx) => ({
          job_id: jobId,
          attempt,
          idx,
          name,
          status: "queued",
          exit_code: null,
          reason: null,
          pid: null,
          started_at: null,
          finished_at: null,
        })),
      )
      .execute();
  }

  /** Steps of the given jobs (all attempts), ordered by job, attempt and index. */
  async listForJobs(jobIds: number[]): Promise<Step[]> {
    if (jobIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("steps")
      .selectAll()
      .where("job_id", "in", jobIds)
      .orderBy("job_id")
      .orderBy("attempt")
      .orderBy("idx")
      .execute();
    return rows.map(toStep);
  }

  /** Steps currently `running` (after a crash: the ones to reap). */
  async listRunning(): Promise<Step[]> {
    const rows = await this.db.selectFrom("steps").selectAll().where("status", "=", "running").execute();
    return rows.map(toStep);
  }

  /**
   * Marks a step running (its process group id follows, `setPid`), storing `announce` (the events
   * saying so) in the same transaction; returns them stored, to publish after the commit.
   */
  async start(jobId: number, attempt: number, idx: number, announce: NewEvent[] = []): Promise<StoredEvent[]> {
    return this.updateAnnounced(jobId, attempt, idx, { status: "running", started_at: this.clock.now() }, announce);
  }

  /** Records the process group of a running step. */
  async setPid(jobId: number, attempt: number, idx: number, pid: number): Promise<void> {
    await this.update(jobId, attempt, idx, { pid });
  }

  /** Finishes a step with its outcome, storing `announce` in the same transaction (as `start`). */
  async finish(
    jobId: number,
    attempt: number,
    idx: number,
    status: Status,
    exitCode: number | null,
    reason: string | null,
    announce: NewEvent[] = [],
  ): Promise<StoredEvent[]> {
    const patch = { status, exit_code: exitCode, reason, pid: null, finished_at: this.clock.now() };
    return this.updateAnnounced(jobId, attempt, idx, patch, announce);
  }

  /** Marks every not-yet-finished step of an attempt with `status` (e.g. skipped after a failure). */
  async finishRemaining(jobId: number, attempt: number, status: Status, reason: string | null): Promise<void> {
    await this.db
      .updateTable("steps")
      .set({ status, reason, pid: null, finished_at: this.clock.now() })
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("status", "in", ["queued", "running"])
      .execute();
  }

  /** One commit for a step's new state and its events (a step costs two transactions, not four). */
  private async updateAnnounced(
    jobId: number,
    attempt: number,
    idx: number,
    patch: Partial<Selectable<StepsTable>>,
    announce: NewEvent[],
  ): Promise<StoredEvent[]> {
    if (announce.length === 0) {
      await this.update(jobId, attempt, idx, patch);
      return [];
    }
    return this.db.transaction().execute(async (trx) => {
      await this.update(jobId, attempt, idx, patch, trx);
      return insertEvents(trx, announce);
    });
  }

  private async update(
    jobId: number,
    attempt: number,
    idx: number,
    patch: Partial<Selectable<StepsTable>>,
    db: Kysely<DB> = this.db,
  ) {
    await db
      .updateTable("steps")
      .set(patch)
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("idx", "=", idx)
      .execute();
  }
}
