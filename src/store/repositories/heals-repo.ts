import type { Kysely, Selectable } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { HealPolicy, HealState } from "../statuses.js";
import type { DB, HealsTable } from "../schema.js";
import { fromJson } from "./json.js";

/** A heal as stored. */
export interface Heal {
  id: number;
  incidentId: number;
  service: string;
  state: HealState;
  policy: HealPolicy;
  kind: string | null;
  attempts: number;
  version: number;
  data: Record<string, unknown>;
  reason: string | null;
  detectedAt: number;
  stateSince: number;
  resolvedAt: number | null;
  mttrMs: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One transition of a heal. */
export interface HealTimelineEntry {
  id: number;
  from: HealState | null;
  to: HealState;
  note: string;
  data: Record<string, unknown>;
  at: number;
}

/** What a transition changes besides the state. */
export interface HealChange {
  to: HealState;
  at: number;
  note: string;
  /** Merged into the heal's data. */
  data?: Record<string, unknown>;
  kind?: string;
  reason?: string | null;
  attempts?: number;
  mttrMs?: number;
}

/** Persistence of heals and their timelines; every transition bumps `version`. */
export class HealsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Creates the heal of an incident in state `detected`, or returns the existing one (idempotent). */
  async create(init: { incidentId: number; service: string; policy: HealPolicy; detectedAt: number; at: number }) {
    const existing = await this.findByIncident(init.incidentId);
    if (existing) return existing;
    try {
      await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto("heals")
          .values({
            incident_id: init.incidentId,
            service: init.service,
            state: "detected",
            policy: init.policy,
            kind: null,
            attempts: 0,
            version: 1,
            data: "{}",
            reason: null,
            detected_at: init.detectedAt,
            state_since: init.at,
            resolved_at: null,
            mttr_ms: null,
            created_at: init.at,
            updated_at: init.at,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("heal_timeline")
          .values({
            heal_id: row.id,
            from_state: null,
            to_state: "detected",
            note: `incident ${init.incidentId} on ${init.service}; policy ${init.policy}`,
            data: "{}",
            at: init.at,
          })
          .execute();
      });
    } catch (err) {
      const raced = await this.findByIncident(init.incidentId);
      if (raced) return raced;
      throw err;
    }
    return (await this.findByIncident(init.incidentId)) as Heal;
  }

  /** The heal of an incident, if one was started. */
  async findByIncident(incidentId: number): Promise<Heal | undefined> {
    const row = await this.db.selectFrom("heals").selectAll().where("incident_id", "=", incidentId).executeTakeFirst();
    return row ? toHeal(row) : undefined;
  }

  /** A heal by id. */
  async get(id: number): Promise<Heal> {
    const row = await this.db.selectFrom("heals").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("heal", id);
    return toHeal(row);
  }

  /** Heals not in one of `finalStates`, oldest first: what the orchestrator drives. */
  async listActive(finalStates: readonly HealState[]): Promise<Heal[]> {
    const rows = await this.db
      .selectFrom("heals")
      .selectAll()
      .where("state", "not in", [...finalStates])
      .orderBy("id")
      .execute();
    return rows.map(toHeal);
  }

  /** Heals newest first, optionally of one state or service; page with `beforeId`. */
  async list(q: { state?: HealState; service?: string; limit: number; beforeId?: number }): Promise<Heal[]> {
    let sel = this.db.selectFrom("heals").selectAll();
    if (q.state) sel = sel.where("state", "=", q.state);
    if (q.service) sel = sel.where("service", "=", q.service);
    if (q.beforeId) sel = sel.where("id", "<", q.beforeId);
    const rows = await sel.orderBy("id", "desc").limit(q.limit).execute();
    return rows.map(toHeal);
  }

  /** Resolved heals since `since` (for time-to-restore figures). */
  async resolvedSince(since: number): Promise<Heal[]> {
    const rows = await this.db
      .selectFrom("heals")
      .selectAll()
      .where("state", "=", "resolved")
      .where("resolved_at", ">=", since)
      .orderBy("id")
      .execute();
    return rows.map(toHeal);
  }

  /**
   * Compare-and-set transition: applies only when the heal is still at `expected` (state and
   * version), together with its timeline entry, in one transaction; returns the updated heal or
   * undefined when another writer won.
   */
  async transition(
    id: number,
    expected: { state: HealState; version: number },
    change: HealChange,
  ): Promise<Heal | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("heals").selectAll().where("id", "=", id).executeTakeFirst();
      if (!current || current.state !== expected.state || current.version !== expected.version) return undefined;
      const data = { ...fromJson<Record<string, unknown>>(current.data, {}), ...change.data };
      const res = await trx
        .updateTable("heals")
        .set({
          state: change.to,
          version: current.version + 1,
          data: JSON.stringify(data),
          state_since: change.at,
          updated_at: change.at,
          ...(change.kind !== undefined ? { kind: change.kind } : {}),
          ...(change.reason !== undefined ? { reason: change.reason } : {}),
          ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
          ...(change.to === "resolved" ? { resolved_at: change.at, mttr_ms: change.mttrMs ?? null } : {}),
        })
        .where("id", "=", id)
        .where("version", "=", expected.version)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return undefined;
      await trx
        .insertInto("heal_timeline")
        .values({
          heal_id: id,
          from_state: expected.state,
          to_state: change.to,
          note: change.note,
          data: JSON.stringify(change.data ?? {}),
          at: change.at,
        })
        .execute();
      return toHeal(await trx.selectFrom("heals").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
    });
  }

  /** Merges `data` into a heal without changing its state (an action's progress, e.g. a PR number). */
  async recordProgress(id: number, version: number, data: Record<string, unknown>, at: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("heals").selectAll().where("id", "=", id).executeTakeFirst();
      if (!current || current.version !== version) return false;
      await trx
        .updateTable("heals")
        .set({
          data: JSON.stringify({ ...fromJson<Record<string, unknown>>(current.data, {}), ...data }),
          updated_at: at,
        })
        .where("id", "=", id)
        .execute();
      return true;
    });
  }

  /** A heal's transitions, oldest first. */
  async timeline(id: number): Promise<HealTimelineEntry[]> {
    const rows = await this.db
      .selectFrom("heal_timeline")
      .selectAll()
      .where("heal_id", "=", id)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      from: r.from_state,
      to: r.to_state,
      note: r.note,
      data: fromJson<Record<string, unknown>>(r.data, {}),
      at: Number(r.at),
    }));
  }
}

function toHeal(r: Selectable<HealsTable>): Heal {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    service: r.service,
    state: r.state,
    policy: r.policy,
    kind: r.kind,
    attempts: Number(r.attempts),
    version: Number(r.version),
    data: fromJson<Record<string, unknown>>(r.data, {}),
    reason: r.reason,
    detectedAt: Number(r.detected_at),
    stateSince: Number(r.state_since),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    mttrMs: r.mttr_ms === null ? null : Number(r.mttr_ms),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
