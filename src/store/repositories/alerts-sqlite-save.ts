/**
 * The embedded-SQLite fast path of `AlertsRepo.saveAnnounced`: the same statements as the Kysely
 * path (prior statuses, one upsert per fingerprint, the announced events), run synchronously
 * through cached prepared statements in one better-sqlite3 transaction. Statements are cached per
 * row count (1..PREPARED_ROWS), so a steady stream of 100-alert webhooks reuses three of them.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { Insertable } from "kysely";
import type { AlertsTable } from "../schema.js";
import type { AlertStatus } from "../statuses.js";
import type { Alert } from "./alerts-repo.js";
import type { NewEvent, StoredEvent } from "./events-repo.js";

/** Rows per prepared statement (larger batches run it several times). */
const PREPARED_ROWS = 100;

const ALERT_COLUMNS = [
  "fingerprint",
  "name",
  "status",
  "source",
  "labels",
  "annotations",
  "value",
  "active_at",
  "starts_at",
  "ends_at",
  "updated_at",
] as const;

/** The stored columns of an alert, in ALERT_COLUMNS order. */
function alertValues(a: Alert): unknown[] {
  return [
    a.fingerprint,
    a.name,
    a.status,
    a.source,
    JSON.stringify(a.labels),
    JSON.stringify(a.annotations),
    a.value === null || !Number.isFinite(a.value) ? null : a.value,
    a.activeAt,
    a.startsAt,
    a.endsAt,
    a.updatedAt,
  ];
}

/** The stored row of an alert (the same columns for the Kysely path). */
export function alertRow(a: Alert): Insertable<AlertsTable> {
  const values = alertValues(a);
  return Object.fromEntries(ALERT_COLUMNS.map((c, i) => [c, values[i]])) as unknown as Insertable<AlertsTable>;
}

/** What a save returns: the status each alert replaced, and the stored events. */
export interface AnnouncedSave {
  prior: Array<AlertStatus | undefined>;
  events: StoredEvent[];
}

/** Builds the synchronous save over `sqlite` (prepared lazily: the tables exist by the first call). */
export function sqliteAnnouncedSave(
  sqlite: BetterSqlite3.Database,
): (alerts: Alert[], announce: (prior: Array<AlertStatus | undefined>) => NewEvent[]) => AnnouncedSave {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const statement = (kind: "select" | "upsert" | "events", rows: number) => {
    const key = `${kind}${rows}`;
    let s = cache.get(key);
    if (!s) {
      s = sqlite.prepare(sqlOf(kind, rows));
      cache.set(key, s);
    }
    return s;
  };
  /** Runs `kind` over `items` in chunks of PREPARED_ROWS; returns the rows it read. */
  const inChunks = <T>(kind: "select" | "upsert" | "events", items: T[], values: (t: T) => unknown[]) => {
    const read: unknown[] = [];
    for (let i = 0; i < items.length; i += PREPARED_ROWS) {
      const chunk = items.slice(i, i + PREPARED_ROWS);
      const s = statement(kind, chunk.length);
      const params = chunk.flatMap(values);
      if (s.reader) read.push(...s.all(params));
      else s.run(params);
    }
    return read;
  };
  return sqlite.transaction((alerts: Alert[], announce: (prior: Array<AlertStatus | undefined>) => NewEvent[]) => {
    const before = new Map<string, AlertStatus>();
    const fps = [...new Set(alerts.map((a) => a.fingerprint))];
    for (const r of inChunks("select", fps, (f) => [f]) as { fingerprint: string; status: AlertStatus }[])
      before.set(r.fingerprint, r.status);
    const prior = alerts.map((a) => {
      const p = before.get(a.fingerprint);
      before.set(a.fingerprint, a.status);
      return p;
    });
    inChunks("upsert", [...new Map(alerts.map((a) => [a.fingerprint, a])).values()], alertValues);
    const events = announce(prior);
    const stored: StoredEvent[] = [];
    for (let i = 0; i < events.length; i += PREPARED_ROWS) {
      const chunk = events.slice(i, i + PREPARED_ROWS);
      const rows = inChunks("events", chunk, (e) => [e.type, e.subject, JSON.stringify(e.data), e.at]);
      // Ids are drawn row by row in VALUES order; RETURNING's own order is not promised.
      const ids = (rows as { id: number }[]).map((r) => r.id).sort((a, b) => a - b);
      for (const [j, e] of chunk.entries()) stored.push({ ...e, id: ids[j] as number });
    }
    return { prior, events: stored };
  });
}

function sqlOf(kind: "select" | "upsert" | "events", rows: number): string {
  const tuples = (width: number) =>
    Array(rows)
      .fill(`(${Array(width).fill("?").join(",")})`)
      .join(",");
  switch (kind) {
    case "select":
      return `SELECT fingerprint, status FROM alerts WHERE fingerprint IN (${Array(rows).fill("?").join(",")})`;
    case "upsert":
      return `INSERT INTO alerts (${ALERT_COLUMNS.join(", ")}) VALUES ${tuples(ALERT_COLUMNS.length)}
        ON CONFLICT (fingerprint) DO UPDATE SET ${ALERT_COLUMNS.slice(1)
          .map((c) => `${c} = excluded.${c}`)
          .join(", ")}`;
    case "events":
      return `INSERT INTO events (type, subject, data, at) VALUES ${tuples(4)} RETURNING id`;
  }
}
