import type BetterSqlite3 from "better-sqlite3";
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { ValidationError } from "../../common/errors.js";
import type { DB } from "../schema.js";
import { fromJson } from "./json.js";

/** A service log record, normalised (see observe/logs). */
export interface LogRecord {
  at: number;
  service: string;
  level: string;
  message: string;
  traceId: string | null;
  spanId: string | null;
  attributes: Record<string, unknown>;
  source: "http" | "otlp" | "file";
}

/** A stored log record. */
export interface StoredLogRecord extends LogRecord {
  id: number;
}

/** Filters of a log search; `cursor` is the opaque `next` of the previous page. */
export interface LogQuery {
  service?: string;
  levels?: string[];
  since?: number;
  until?: number;
  traceId?: string;
  /** Case-insensitive substring of the message. */
  q?: string;
  limit: number;
  cursor?: string;
}

/** Rows per INSERT: 8 parameters each stays under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 1000;
/** Rows per cached prepared statement of the SQLite fast path. */
const PREPARED_ROWS = 100;
/** Levels the partial level index leaves out (see migration 0003). */
const QUIET_LEVELS = ["trace", "debug", "info"];
const COLUMNS = "at, service, level, message, trace_id, span_id, attributes, source";

/**
 * Persistence of service logs: batched all-or-nothing inserts and newest-first cursor paging.
 * On embedded SQLite, inserts go through cached multi-row prepared statements on the raw
 * connection (several times faster than building a large INSERT per batch); they fall back to
 * Kysely while another transaction holds that connection, so they never join it.
 */
export class LogRecordsRepo {
  readonly #like: "like" | "ilike";
  #fast?: (records: LogRecord[]) => void;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly sqlite?: BetterSqlite3.Database,
  ) {
    this.#like = db.getExecutor().adapter instanceof PostgresAdapter ? "ilike" : "like";
  }

  /** Stores every record in one transaction (multi-row INSERTs), or none; returns the count. */
  async insertMany(records: LogRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    if (this.sqlite && !this.sqlite.inTransaction) {
      this.#fast ??= preparedInsert(this.sqlite); // prepared on first use: the table exists by then
      this.#fast(records);
      return records.length;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        await trx
          .insertInto("log_records")
          .values(
            records.slice(i, i + CHUNK).map((r) => ({
              at: r.at,
              service: r.service,
              level: r.level,
              message: r.message,
              trace_id: r.traceId,
              span_id: r.spanId,
              attributes: JSON.stringify(r.attributes),
              source: r.source,
            })),
          )
          .execute();
      }
    });
    return records.length;
  }

  /** Records matching `query`, newest first (by time, then id), and the cursor of the next page. */
  async search(query: LogQuery): Promise<{ records: StoredLogRecord[]; next: string | null }> {
    let q = this.db.selectFrom("log_records").selectAll();
    if (query.service) q = q.where("service", "=", query.service);
    if (query.levels) {
      q = q.where("level", "in", query.levels);
      // Repeating the partial index's condition lets both engines use it for warn and worse.
      if (!query.levels.some((l) => QUIET_LEVELS.includes(l))) q = q.where("level", "not in", QUIET_LEVELS);
    }
    if (query.since !== undefined) q = q.where("at", ">=", query.since);
    if (query.until !== undefined) q = q.where("at", "<", query.until);
    if (query.traceId) q = q.where("trace_id", "=", query.traceId);
    if (query.q) {
      const pattern = `%${query.q.replace(/[%_\\]/g, "\\$&")}%`;
      q = q.where(sql<boolean>`message ${sql.raw(this.#like)} ${pattern} escape '\\'`);
    }
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      q = q.where((eb) => eb.or([eb("at", "<", c.at), eb.and([eb("at", "=", c.at), eb("id", "<", c.id)])]));
    }
    const rows = await q.orderBy("at", "desc").orderBy("id", "desc").limit(query.limit).execute();
    const records = rows.map((r) => ({
      id: r.id,
      at: r.at,
      service: r.service,
      level: r.level,
      message: r.message,
      traceId: r.trace_id,
      spanId: r.span_id,
      attributes: fromJson<Record<string, unknown>>(r.attributes, {}),
      source: r.source as LogRecord["source"],
    }));
    const last = records.at(-1);
    return { records, next: records.length === query.limit && last ? encodeCursor(last.at, last.id) : null };
  }
}

/** A synchronous all-or-nothing insert of records through two cached statements (100 rows, 1 row). */
function preparedInsert(sqlite: BetterSqlite3.Database): (records: LogRecord[]) => void {
  const values = (n: number) => Array(n).fill("(?,?,?,?,?,?,?,?)").join(",");
  const many = sqlite.prepare(`INSERT INTO log_records (${COLUMNS}) VALUES ${values(PREPARED_ROWS)}`);
  const one = sqlite.prepare(`INSERT INTO log_records (${COLUMNS}) VALUES ${values(1)}`);
  const row = (r: LogRecord) => [
    r.at,
    r.service,
    r.level,
    r.message,
    r.traceId,
    r.spanId,
    JSON.stringify(r.attributes),
    r.source,
  ];
  return sqlite.transaction((records: LogRecord[]) => {
    let i = 0;
    for (; i + PREPARED_ROWS <= records.length; i += PREPARED_ROWS) {
      many.run(records.slice(i, i + PREPARED_ROWS).flatMap(row));
    }
    for (; i < records.length; i++) one.run(row(records[i]!));
  });
}

function encodeCursor(at: number, id: number): string {
  return Buffer.from(`${at}.${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: number; id: number } {
  const m = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) throw new ValidationError("invalid cursor: pass the 'next' value of the previous page unchanged");
  return { at: Number(m[1]), id: Number(m[2]) };
}
