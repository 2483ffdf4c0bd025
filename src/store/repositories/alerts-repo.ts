import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import { NotFoundError } from "../../common/errors.js";
import type { AlertsTable, DB } from "../schema.js";
import type { AlertSource, AlertStatus } from "../statuses.js";
import { insertEvents, type NewEvent } from "./events-repo.js";
import { fromJson } from "./json.js";
import { type AnnouncedSave, alertRow, sqliteAnnouncedSave } from "./alerts-sqlite-save.js";

/** An alert as stored, keyed by its fingerprint (a hash of its labels). Times are epoch ms. */
export interface Alert {
  fingerprint: string;
  name: string;
  status: AlertStatus;
  source: AlertSource;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Last evaluated value (rules) or null. */
  value: number | null;
  /** When the condition first held (rules: start of pending; Alertmanager: startsAt). */
  activeAt: number;
  startsAt: number;
  endsAt: number | null;
  updatedAt: number;
}

const CHUNK = 500;

const toAlert = (r: AlertsTable): Alert => ({
  fingerprint: r.fingerprint,
  name: r.name,
  status: r.status,
  source: r.source,
  labels: fromJson(r.labels, {}),
  annotations: fromJson(r.annotations, {}),
  value: r.value === null ? null : Number(r.value),
  activeAt: Number(r.active_at),
  startsAt: Number(r.starts_at),
  endsAt: r.ends_at === null ? null : Number(r.ends_at),
  updatedAt: Number(r.updated_at),
});

/**
 * Persistence of alerts: one row per fingerprint, updated in place as its status changes. On
 * embedded SQLite, saves go through cached prepared statements on the raw connection
 * (`alerts-sqlite-save.ts`); they fall back to Kysely while another transaction holds that
 * connection, so they never join it.
 */
export class AlertsRepo {
  readonly #db: Kysely<DB>;
  readonly #sqlite?: BetterSqlite3.Database;
  #fast?: ReturnType<typeof sqliteAnnouncedSave>;

  constructor(db: Kysely<DB>, sqlite?: BetterSqlite3.Database) {
    this.#db = db;
    this.#sqlite = sqlite;
  }

  /**
   * Writes `alerts` in one transaction (insert or replace by fingerprint) and returns, for each,
   * the status stored before (undefined when new), so callers can tell which ones changed.
   */
  async save(alerts: Alert[]): Promise<Array<AlertStatus | undefined>> {
    return (await this.saveAnnounced(alerts, () => [])).prior;
  }

  /**
   * Like `save`, and appends the events that `announce` derives from the prior statuses to the
   * event log in the same transaction: the alerts and their announcements commit together.
   */
  async saveAnnounced(
    alerts: Alert[],
    announce: (prior: Array<AlertStatus | undefined>) => NewEvent[],
  ): Promise<AnnouncedSave> {
    if (alerts.length === 0) return { prior: [], events: [] };
    if (this.#sqlite && !this.#sqlite.inTransaction) {
      this.#fast ??= sqliteAnnouncedSave(this.#sqlite);
      return this.#fast(alerts, announce);
    }
    return this.#db.transaction().execute(async (trx) => {
      const before = new Map<string, AlertStatus>();
      const fps = [...new Set(alerts.map((a) => a.fingerprint))];
      for (let i = 0; i < fps.length; i += CHUNK) {
        const rows = await trx
          .selectFrom("alerts")
          .select(["fingerprint", "status"])
          .where("fingerprint", "in", fps.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) before.set(r.fingerprint, r.status);
      }
      const prior = alerts.map((a) => {
        const p = before.get(a.fingerprint);
        before.set(a.fingerprint, a.status);
        return p;
      });
      const last = new Map(alerts.map((a) => [a.fingerprint, a]));
      const rows = [...last.values()].map(alertRow);
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto("alerts")
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.column("fingerprint").doUpdateSet((eb) => ({
              name: eb.ref("excluded.name"),
              status: eb.ref("excluded.status"),
              source: eb.ref("excluded.source"),
              labels: eb.ref("excluded.labels"),
              annotations: eb.ref("excluded.annotations"),
              value: eb.ref("excluded.value"),
              active_at: eb.ref("excluded.active_at"),
              starts_at: eb.ref("excluded.starts_at"),
              ends_at: eb.ref("excluded.ends_at"),
              updated_at: eb.ref("excluded.updated_at"),
            })),
          )
          .execute();
      }
      return { prior, events: await insertEvents(trx, announce(prior)) };
    });
  }

  /** Deletes the alerts with these fingerprints (a pending alert whose condition stopped holding). */
  async remove(fingerprints: string[]): Promise<void> {
    for (let i = 0; i < fingerprints.length; i += CHUNK) {
      await this.#db
        .deleteFrom("alerts")
        .where("fingerprint", "in", fingerprints.slice(i, i + CHUNK))
        .execute();
    }
  }

  /** The alert with `fingerprint`; NotFoundError when unknown. */
  async get(fingerprint: string): Promise<Alert> {
    const row = await this.#db
      .selectFrom("alerts")
      .selectAll()
      .where("fingerprint", "=", fingerprint)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("alert", fingerprint);
    return toAlert(row);
  }

  /** Alerts filtered by status and source, most recently updated first. */
  async list(opts: { status?: AlertStatus[]; source?: AlertSource; limit?: number } = {}): Promise<Alert[]> {
    let q = this.#db
      .selectFrom("alerts")
      .selectAll()
      .orderBy("updated_at", "desc")
      .orderBy("fingerprint")
      .limit(opts.limit ?? 10_000);
    if (opts.status?.length) q = q.where("status", "in", opts.status);
    if (opts.source) q = q.where("source", "=", opts.source);
    return (await q.execute()).map(toAlert);
  }
}
