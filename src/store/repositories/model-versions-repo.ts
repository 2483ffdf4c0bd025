import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { DB, ModelVersionsTable } from "../schema.js";
import type { ModelStatus } from "../statuses.js";
import { isUniqueViolation } from "../unique-violation.js";

/** A stored version of a learned model. */
export interface ModelVersion {
  id: number;
  model: string;
  scope: string;
  version: number;
  status: ModelStatus;
  reason: string;
  /** The model's serialisable state (null once dropped from an old version: see `dropOldStates`). */
  state: unknown;
  trainFrom: number;
  trainTo: number;
  counts: Record<string, number>;
  metrics: Record<string, unknown>;
  profile: Record<string, unknown>;
  codeVersion: string;
  parentVersion: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What creating a version needs (the version number is the next one of its model and scope). */
export type NewModelVersion = Omit<ModelVersion, "id" | "version" | "createdAt" | "updatedAt"> & { at: number };

/** Persistence of learned model versions; status changes are compare-and-set. */
export class ModelVersionsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores a new version numbered after the latest of its model and scope. */
  async create(v: NewModelVersion): Promise<ModelVersion> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom("model_versions")
        .select((eb) => eb.fn.max("version").as("v"))
        .where("model", "=", v.model)
        .where("scope", "=", v.scope)
        .executeTakeFirst();
      const row = await trx
        .insertInto("model_versions")
        .values({
          model: v.model,
          scope: v.scope,
          version: Number(last?.v ?? 0) + 1,
          status: v.status,
          reason: v.reason,
          state: JSON.stringify(v.state),
          train_from: v.trainFrom,
          train_to: v.trainTo,
          counts: JSON.stringify(v.counts),
          metrics: JSON.stringify(v.metrics),
          profile: JSON.stringify(v.profile),
          code_version: v.codeVersion,
          parent_version: v.parentVersion,
          created_at: v.at,
          updated_at: v.at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toVersion(row);
    });
  }

  /** One version; NotFoundError when absent. */
  async get(model: string, scope: string, version: number): Promise<ModelVersion> {
    const row = await this.db
      .selectFrom("model_versions")
      .selectAll()
      .where("model", "=", model)
      .where("scope", "=", scope)
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("model version", `${model}@${scope}#${version}`);
    return toVersion(row);
  }

  /** Versions, newest first, optionally of one model, scope or status (at most `limit`, default 100). */
  async list(
    q: { model?: string; scope?: string; status?: ModelStatus; limit?: number } = {},
  ): Promise<ModelVersion[]> {
    let sel = this.db.selectFrom("model_versions").selectAll();
    if (q.model !== undefined) sel = sel.where("model", "=", q.model);
    if (q.scope !== undefined) sel = sel.where("scope", "=", q.scope);
    if (q.status !== undefined) sel = sel.where("status", "=", q.status);
    const rows = await sel
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(Math.max(1, Math.min(q.limit ?? 100, 1000)))
      .execute();
    return rows.map(toVersion);
  }

  /** The live version of a model in a scope, if any. */
  async live(model: string, scope: string): Promise<ModelVersion | undefined> {
    return (await this.list({ model, scope, status: "live", limit: 1 }))[0];
  }

  /**
   * Drops the state (to null) of the retired and refused versions of a model in a scope older
   * than its newest `keep` versions: their figures and reasons stay, they can no longer be
   * restored. Bounds what frequent online checkpoints store. Returns how many were dropped.
   */
  async dropOldStates(model: string, scope: string, keep: number): Promise<number> {
    const newest = await this.db
      .selectFrom("model_versions")
      .select((eb) => eb.fn.max("version").as("max"))
      .where("model", "=", model)
      .where("scope", "=", scope)
      .executeTakeFirst();
    const below = Number(newest?.max ?? 0) - keep;
    if (below < 1) return 0;
    const r = await this.db
      .updateTable("model_versions")
      .set({ state: "null" })
      .where("model", "=", model)
      .where("scope", "=", scope)
      .where("version", "<=", below)
      .where("status", "in", ["retired", "refused"])
      .where("state", "!=", "null")
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  /**
   * Moves a version to `to` when it is in one of `from` (compare-and-set), replacing its reason
   * and merging `metrics`; returns the updated version, or undefined when it was not in `from`
   * or, moving to `live`, another version of its model and scope is live (at most one is: a
   * unique index).
   */
  async transition(
    id: number,
    from: readonly ModelStatus[],
    change: { to: ModelStatus; reason: string; at: number; metrics?: Record<string, unknown> },
  ): Promise<ModelVersion | undefined> {
    try {
      return await this.#transition(id, from, change);
    } catch (err) {
      if (change.to === "live" && isUniqueViolation(err)) return undefined;
      throw err;
    }
  }

  #transition(
    id: number,
    from: readonly ModelStatus[],
    change: { to: ModelStatus; reason: string; at: number; metrics?: Record<string, unknown> },
  ): Promise<ModelVersion | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom("model_versions").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row || !from.includes(row.status)) return undefined;
      const metrics = change.metrics ? JSON.stringify({ ...JSON.parse(row.metrics), ...change.metrics }) : row.metrics;
      const updated = await trx
        .updateTable("model_versions")
        .set({ status: change.to, reason: change.reason, metrics, updated_at: change.at })
        .where("id", "=", id)
        .where("status", "=", row.status)
        .returningAll()
        .executeTakeFirst();
      return updated ? toVersion(updated) : undefined;
    });
  }
}

function toVersion(r: Selectable<ModelVersionsTable>): ModelVersion {
  return {
    id: Number(r.id),
    model: r.model,
    scope: r.scope,
    version: r.version,
    status: r.status,
    reason: r.reason,
    state: JSON.parse(r.state),
    trainFrom: Number(r.train_from),
    trainTo: Number(r.train_to),
    counts: JSON.parse(r.counts),
    metrics: JSON.parse(r.metrics),
    profile: JSON.parse(r.profile),
    codeVersion: r.code_version,
    parentVersion: r.parent_version,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
