import type { Kysely, Selectable } from "kysely";
import { ConflictError, NotFoundError, RolloutInProgressError } from "../../common/errors.js";
import { FINAL_ROLLOUT_STATES, type RolloutState, type RolloutStepStatus } from "../statuses.js";
import type { DB, RolloutStepsTable, RolloutsTable } from "../schema.js";
import { isUniqueViolation } from "../unique-violation.js";
import { fromJson } from "./json.js";

/** A rollout as stored. */
export interface Rollout {
  id: number;
  project: string;
  environment: string;
  releaseId: number;
  baselineReleaseId: number | null;
  kind: string;
  strategy: unknown;
  state: RolloutState;
  step: number;
  weight: number;
  message: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** One step of a rollout. */
export interface RolloutStepRecord {
  id: number;
  idx: number;
  kind: string;
  status: RolloutStepStatus;
  detail: Record<string, unknown>;
  startedAt: number;
  finishedAt: number | null;
}

/** Persistence of rollouts and their steps; state changes go through the rollout machine. */
export class RolloutsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Starts a rollout in `progressing`; at most one active rollout per project and environment, and
   * its baseline must be the live release there (none when nothing is live): a rollout that ended
   * meanwhile (a rollback) changed it, and a baseline no longer live has no replicas to route to.
   * Two creates at once on PostgreSQL both pass the check: the unique index of migration 0043
   * refuses the second, which gets the same `RolloutInProgressError`.
   */
  async create(r: {
    project: string;
    environment: string;
    releaseId: number;
    baselineReleaseId: number | null;
    kind: string;
    strategy: unknown;
    at: number;
  }): Promise<Rollout> {
    const id = await this.db
      .transaction()
      .execute(async (trx) => {
        const busy = await activeOf(trx, r.project, r.environment);
        if (busy !== undefined) throw new RolloutInProgressError(r.project, r.environment, busy);
        const live = await trx
          .selectFrom("releases")
          .select("id")
          .where("project", "=", r.project)
          .where("environment", "=", r.environment)
          .where("status", "=", "live")
          .orderBy("id", "desc")
          .executeTakeFirst();
        const liveId = live ? Number(live.id) : null;
        if (liveId !== r.baselineReleaseId) {
          const now = liveId === null ? "nothing is live" : `release ${liveId} is live`;
          throw new ConflictError(
            `${r.project} in ${r.environment}: the rollout's baseline is ${r.baselineReleaseId === null ? "no release" : `release ${r.baselineReleaseId}`} but ${now} (the live release changed meanwhile)`,
          );
        }
        const row = await trx
          .insertInto("rollouts")
          .values({
            project: r.project,
            environment: r.environment,
            release_id: r.releaseId,
            baseline_release_id: r.baselineReleaseId,
            kind: r.kind,
            strategy: JSON.stringify(r.strategy),
            state: "progressing",
            step: 0,
            weight: 0,
            message: "starting",
            created_at: r.at,
            updated_at: r.at,
            finished_at: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        return Number(row.id);
      })
      .catch(async (err) => {
        // another create committed its rollout since this one's check (migration 0043's unique index)
        const busy = isUniqueViolation(err) ? await activeOf(this.db, r.project, r.environment) : undefined;
        if (busy !== undefined) throw new RolloutInProgressError(r.project, r.environment, busy);
        throw err;
      });
    return this.get(id);
  }

  /** A rollout by id. */
  async get(id: number): Promise<Rollout> {
    const row = await this.db.selectFrom("rollouts").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("rollout", id);
    return toRollout(row);
  }

  /** Rollouts not yet final, oldest first. */
  async active(): Promise<Rollout[]> {
    const rows = await this.db
      .selectFrom("rollouts")
      .selectAll()
      .where("state", "not in", [...FINAL_ROLLOUT_STATES])
      .orderBy("id")
      .execute();
    return rows.map(toRollout);
  }

  /** Rollouts newest first, filtered by project and/or environment; page with `beforeId`. */
  async list(q: { project?: string; environment?: string; limit: number; beforeId?: number }): Promise<Rollout[]> {
    let sel = this.db.selectFrom("rollouts").selectAll();
    if (q.project) sel = sel.where("project", "=", q.project);
    if (q.environment) sel = sel.where("environment", "=", q.environment);
    if (q.beforeId) sel = sel.where("id", "<", q.beforeId);
    return (await sel.orderBy("id", "desc").limit(q.limit).execute()).map(toRollout);
  }

  /**
   * Moves a rollout to `to` if it is in one of the states `from` (the ones the rollout machine
   * allows to reach `to`); returns false (and changes nothing) otherwise, so concurrent writers
   * (an abort racing a step) cannot both win.
   */
  async transition(
    id: number,
    from: readonly RolloutState[],
    to: RolloutState,
    message: string,
    at: number,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const cur = await trx.selectFrom("rollouts").select(["state"]).where("id", "=", id).executeTakeFirst();
      if (!cur || !from.includes(cur.state)) return false;
      const res = await trx
        .updateTable("rollouts")
        .set({
          state: to,
          message,
          updated_at: at,
          ...(FINAL_ROLLOUT_STATES.includes(to) ? { finished_at: at } : {}),
        })
        .where("id", "=", id)
        .where("state", "=", cur.state)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    });
  }

  /** Records progress within `progressing`: the step index, traffic weight and a message. */
  async progress(id: number, p: { step?: number; weight?: number; message: string; at: number }): Promise<void> {
    await this.db
      .updateTable("rollouts")
      .set({
        ...(p.step !== undefined ? { step: p.step } : {}),
        ...(p.weight !== undefined ? { weight: p.weight } : {}),
        message: p.message,
        updated_at: p.at,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Writes (inserts or updates) the record of step `idx`. */
  async saveStep(
    rolloutId: number,
    s: { idx: number; kind: string; status: RolloutStepRecord["status"]; detail: unknown; at: number },
  ): Promise<void> {
    const done = s.status === "passed" || s.status === "failed" || s.status === "skipped";
    const existing = await this.db
      .selectFrom("rollout_steps")
      .select("id")
      .where("rollout_id", "=", rolloutId)
      .where("idx", "=", s.idx)
      .executeTakeFirst();
    const detail = JSON.stringify(s.detail ?? {});
    if (existing) {
      await this.db
        .updateTable("rollout_steps")
        .set({ status: s.status, detail, finished_at: done ? s.at : null })
        .where("id", "=", existing.id)
        .execute();
      return;
    }
    await this.db
      .insertInto("rollout_steps")
      .values({
        rollout_id: rolloutId,
        idx: s.idx,
        kind: s.kind,
        status: s.status,
        detail,
        started_at: s.at,
        finished_at: done ? s.at : null,
      })
      .execute();
  }

  /** The steps of a rollout, in order. */
  async steps(rolloutId: number): Promise<RolloutStepRecord[]> {
    const rows = await this.db
      .selectFrom("rollout_steps")
      .selectAll()
      .where("rollout_id", "=", rolloutId)
      .orderBy("idx")
      .execute();
    return rows.map(toStep);
  }
}

function toRollout(r: Selectable<RolloutsTable>): Rollout {
  return {
    id: Number(r.id),
    project: r.project,
    environment: r.environment,
    releaseId: Number(r.release_id),
    baselineReleaseId: r.baseline_release_id == null ? null : Number(r.baseline_release_id),
    kind: r.kind,
    strategy: fromJson<unknown>(r.strategy, {}),
    state: r.state,
    step: r.step,
    weight: r.weight,
    message: r.message,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: r.finished_at == null ? null : Number(r.finished_at),
  };
}

function toStep(r: Selectable<RolloutStepsTable>): RolloutStepRecord {
  return {
    id: Number(r.id),
    idx: r.idx,
    kind: r.kind,
    status: r.status,
    detail: fromJson<Record<string, unknown>>(r.detail, {}),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at == null ? null : Number(r.finished_at),
  };
}

/** The id of the active rollout of `project` in `environment`, if any. */
async function activeOf(db: Kysely<DB>, project: string, environment: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("rollouts")
    .select("id")
    .where("project", "=", project)
    .where("environment", "=", environment)
    .where("state", "not in", [...FINAL_ROLLOUT_STATES])
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}
