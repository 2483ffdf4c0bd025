import type { Kysely, Transaction } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { DB } from "../schema.js";
import type { StoredEvent } from "./events-repo.js";
import type { IncidentStatus, SignalKind, SignalStatus } from "../statuses.js";
import { fromJson } from "./json.js";

/** An incident as stored. */
export interface Incident {
  id: number;
  status: IncidentStatus;
  title: string;
  service: string;
  services: string[];
  severity: string;
  version: number;
  openedAt: number;
  lastSignalAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  updatedAt: number;
}

/** An alert or anomaly that belongs to an incident. */
export interface IncidentSignal {
  kind: SignalKind;
  key: string;
  service: string;
  status: SignalStatus;
  data: Record<string, unknown>;
  at: number;
}

/** One entry of an incident's timeline. */
export interface TimelineEntry {
  id: number;
  type: string;
  data: Record<string, unknown>;
  eventId: number | null;
  at: number;
}

/** A timeline entry to append (the domain event it came from makes it idempotent). */
export type NewTimelineEntry = Omit<TimelineEntry, "id">;

/** What changes when a signal joins an incident. */
export interface IncidentPatch {
  services: string[];
  severity: string;
  lastSignalAt: number;
}

/** Persistence of incidents, their signals and timelines; every change bumps `version`. */
export class IncidentsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** True when an event has already been applied to some incident. */
  async seenEvent(eventId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom("incident_timeline")
      .select("id")
      .where("event_id", "=", eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Events of the given types after `afterId`, in id order: the inbox incidents catch up from. */
  async eventsAfter(afterId: number, types: readonly string[], limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("id", ">", afterId)
      .where("type", "in", types)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, data: fromJson<Record<string, unknown>>(r.data, {}) }));
  }

  /** Opens an incident with its first signal; `entries` go to its timeline. */
  async open(
    init: { title: string; service: string; severity: string; at: number },
    signal: IncidentSignal,
    entries: NewTimelineEntry[],
  ): Promise<Incident> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("incidents")
        .values({
          status: "open",
          title: init.title,
          service: init.service,
          services: JSON.stringify([init.service]),
          severity: init.severity,
          version: 1,
          opened_at: init.at,
          last_signal_at: signal.at,
          updated_at: init.at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await upsertSignal(trx, row.id, signal);
      await appendEntries(trx, row.id, entries);
      return toIncident(
        await trx.selectFrom("incidents").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow(),
      );
    });
  }

  /** Adds (or refreshes) a signal of an incident, applies `patch`, appends `entries`; one transaction. */
  async addSignal(
    id: number,
    signal: IncidentSignal,
    patch: IncidentPatch,
    entries: NewTimelineEntry[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await upsertSignal(trx, id, signal);
      await trx
        .updateTable("incidents")
        .set((eb) => ({
          services: JSON.stringify(patch.services),
          severity: patch.severity,
          last_signal_at: patch.lastSignalAt,
          updated_at: patch.lastSignalAt,
          version: eb("version", "+", 1),
        }))
        .where("id", "=", id)
        .execute();
      await appendEntries(trx, id, entries);
    });
  }

  /**
   * Compare-and-set of the status: applies only when the incident is still at `expected.version`
   * (so two concurrent transitions cannot both win); returns whether it applied.
   */
  async transition(
    id: number,
    expected: { status: IncidentStatus; version: number },
    change: { status: IncidentStatus; at: number; by: string },
    entries: NewTimelineEntry[],
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable("incidents")
        .set((eb) => ({
          status: change.status,
          updated_at: change.at,
          version: eb("version", "+", 1),
          ...(change.status === "acknowledged" ? { acknowledged_at: change.at, acknowledged_by: change.by } : {}),
          ...(change.status === "resolved" ? { resolved_at: change.at, resolved_by: change.by } : {}),
        }))
        .where("id", "=", id)
        .where("status", "=", expected.status)
        .where("version", "=", expected.version)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await appendEntries(trx, id, entries);
      return true;
    });
  }

  /** Appends timeline entries on their own (e.g. a signal resolved). */
  async appendTimeline(id: number, entries: NewTimelineEntry[]): Promise<void> {
    await appendEntries(this.db, id, entries);
  }

  /** An incident by id. */
  async get(id: number): Promise<Incident> {
    const row = await this.db.selectFrom("incidents").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError("incident", id);
    return toIncident(row);
  }

  /** Incidents not resolved yet, oldest first. */
  async listUnresolved(): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom("incidents")
      .selectAll()
      .where("status", "!=", "resolved")
      .orderBy("id")
      .execute();
    return rows.map(toIncident);
  }

  /** Incidents newest first, filtered by status and by a service among their signals; page with `beforeId`. */
  async list(q: { status?: IncidentStatus; service?: string; limit: number; beforeId?: number }): Promise<Incident[]> {
    let sel = this.db.selectFrom("incidents").selectAll();
    if (q.status) sel = sel.where("status", "=", q.status);
    if (q.beforeId) sel = sel.where("id", "<", q.beforeId);
    if (q.service) {
      const service = q.service;
      sel = sel.where((eb) =>
        eb.exists(
          eb
            .selectFrom("incident_signals")
            .select("incident_signals.id")
            .whereRef("incident_signals.incident_id", "=", "incidents.id")
            .where("incident_signals.service", "=", service),
        ),
      );
    }
    const rows = await sel.orderBy("id", "desc").limit(q.limit).execute();
    return rows.map(toIncident);
  }

  /** The signals of an incident, oldest first. */
  async signals(id: number): Promise<IncidentSignal[]> {
    const rows = await this.db
      .selectFrom("incident_signals")
      .selectAll()
      .where("incident_id", "=", id)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      kind: r.kind,
      key: r.key,
      service: r.service,
      status: r.status,
      data: fromJson<Record<string, unknown>>(r.data, {}),
      at: r.at,
    }));
  }

  /** Unresolved incidents holding a signal with this kind and key. */
  async unresolvedWithSignal(kind: IncidentSignal["kind"], key: string): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom("incidents")
      .innerJoin("incident_signals", "incident_signals.incident_id", "incidents.id")
      .selectAll("incidents")
      .where("incidents.status", "!=", "resolved")
      .where("incident_signals.kind", "=", kind)
      .where("incident_signals.key", "=", key)
      .orderBy("incidents.id")
      .execute();
    return rows.map(toIncident);
  }

  /** Marks one signal of an incident resolved and appends `entries`. */
  async resolveSignal(
    id: number,
    kind: IncidentSignal["kind"],
    key: string,
    entries: NewTimelineEntry[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("incident_signals")
        .set({ status: "resolved" })
        .where("incident_id", "=", id)
        .where("kind", "=", kind)
        .where("key", "=", key)
        .execute();
      await trx
        .updateTable("incidents")
        .set((eb) => ({ version: eb("version", "+", 1) }))
        .where("id", "=", id)
        .execute();
      await appendEntries(trx, id, entries);
    });
  }

  /** The timeline of an incident, in order. */
  async timeline(id: number): Promise<TimelineEntry[]> {
    const rows = await this.db
      .selectFrom("incident_timeline")
      .selectAll()
      .where("incident_id", "=", id)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      data: fromJson<Record<string, unknown>>(r.data, {}),
      eventId: r.event_id,
      at: r.at,
    }));
  }
}

async function upsertSignal(trx: Transaction<DB>, incidentId: number, s: IncidentSignal): Promise<void> {
  await trx
    .insertInto("incident_signals")
    .values({
      incident_id: incidentId,
      kind: s.kind,
      key: s.key,
      service: s.service,
      status: s.status,
      data: JSON.stringify(s.data),
      at: s.at,
    })
    .onConflict((oc) =>
      oc
        .columns(["incident_id", "kind", "key"])
        .doUpdateSet({ status: s.status, data: JSON.stringify(s.data), at: s.at }),
    )
    .execute();
}

async function appendEntries(db: Kysely<DB>, incidentId: number, entries: NewTimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto("incident_timeline")
    .values(
      entries.map((e) => ({
        incident_id: incidentId,
        type: e.type,
        data: JSON.stringify(e.data),
        event_id: e.eventId,
        at: e.at,
      })),
    )
    .execute();
}

function toIncident(r: {
  id: number;
  status: IncidentStatus;
  title: string;
  service: string;
  services: string;
  severity: string;
  version: number;
  opened_at: number;
  last_signal_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  updated_at: number;
}): Incident {
  return {
    id: r.id,
    status: r.status,
    title: r.title,
    service: r.service,
    services: fromJson<string[]>(r.services, []),
    severity: r.severity,
    version: r.version,
    openedAt: r.opened_at,
    lastSignalAt: r.last_signal_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    updatedAt: r.updated_at,
  };
}
