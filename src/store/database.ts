/**
 * Opens pitcrew's database: an embedded SQLite file (better-sqlite3, WAL) by default, or
 * PostgreSQL when a `postgres://` URL is configured. Both speak the same schema (see schema.ts),
 * so repositories are written once against Kysely.
 */
import { mkdirSync } from "node:fs";
import type BetterSqlite3 from "better-sqlite3";
import { dirname } from "node:path";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import { ValidationError } from "../common/errors.js";
import type { DB } from "./schema.js";
import { withStatementCache } from "./statement-cache.js";

/** Which SQL engine is behind a database. */
export type DialectName = "sqlite" | "postgres";

/** An open database: the Kysely handle plus what callers need to know about it. */
export interface Database {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Human description without credentials, e.g. `sqlite:/data/pitcrew.db`. */
  description: string;
  /** The embedded SQLite connection, for hot paths needing cached prepared statements (undefined on PostgreSQL). */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

/**
 * Opens the database at `url` (`postgres://…`, `sqlite:<path>`, or a plain file path). Only the
 * driver in use is loaded, which keeps CLI start-up fast.
 */
export async function openDatabase(url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  if (!path) throw new ValidationError("database.url: empty SQLite path");
  return openSqlite(path);
}

/** WAL frames (pages, 4 KiB by default) after which a commit checkpoints the WAL into the database. */
const WAL_CHECKPOINT_PAGES = 8000;

async function openSqlite(path: string): Promise<Database> {
  const { default: SQLite } = await import("better-sqlite3");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  // Checkpoint every ~32 MB of WAL rather than SQLite's 4 MB: a page rewritten by many commits
  // (index pages under a stream of inserts) is copied back to the database file once per
  // checkpoint, so fewer checkpoints cut write work per commit (bench/ingest/RESULTS-alerts.md).
  sqlite.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: "sqlite", description: `sqlite:${path}`, sqlite, close: () => db.destroy() };
}

const INT8_OID = 20;

async function openPostgres(url: string): Promise<Database> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Epoch-ms timestamps and bigserial ids fit in a double; parse them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as never,
    },
  });
  // An idle pooled connection that the server closes (restart, admin termination) emits 'error' on
  // the pool; without a listener that would crash the process. The pool drops that client, and the
  // next query opens a new connection or fails with its own error, so nothing is lost by ignoring it.
  pool.on("error", () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  safe.password = "";
  return { db, dialect: "postgres", description: safe.toString(), close: () => db.destroy() };
}
