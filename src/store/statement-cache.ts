import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** Statements kept: the store's queries are a few hundred distinct texts at most (`in` lists vary). */
const MAX_STATEMENTS = 500;
/**
 * Longest SQL text kept (characters) and most parameters: above either the statement is a
 * multi-row insert or a long `in` list, whose text changes with its row count (log lines up to
 * 200 rows, spans up to 500, events up to 1000); each kept one holds its text and SQLite's compiled
 * program (hundreds of KB for hundreds of rows), and caching them held ~150 MB. The store's
 * fixed queries are far below both; a big statement's compilation is small beside its work.
 */
const MAX_CACHED_SQL_LENGTH = 2048;
const MAX_CACHED_PARAMETERS = 100;

/**
 * `sqlite` as Kysely's SqliteDialect sees it, with its prepared statements reused by SQL text
 * (most recently used kept, {@link MAX_STATEMENTS} at most): Kysely prepares every query it runs,
 * and SQLite compiling the same statement again is a large part of a small query's cost (a local
 * run's step makes a handful). A statement longer than {@link MAX_CACHED_SQL_LENGTH} or with more
 * than {@link MAX_CACHED_PARAMETERS} parameters is prepared every time, never kept. A statement still iterating (a streamed query) is not handed out
 * twice: a fresh one is prepared for the second caller.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      const cached = statements.get(sql);
      if (cached) {
        statements.delete(sql);
        statements.set(sql, cached);
        if (!cached.busy) return cached;
        return sqlite.prepare(sql);
      }
      const stmt = sqlite.prepare(sql);
      if (sql.length > MAX_CACHED_SQL_LENGTH || parameterCount(sql) > MAX_CACHED_PARAMETERS) return stmt;
      statements.set(sql, stmt);
      if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
      return stmt;
    },
  };
}

/** Placeholders (`?`) in `sql`; one inside quoted text counts too, which only skips caching. */
function parameterCount(sql: string): number {
  let count = 0;
  for (let i = sql.indexOf("?"); i >= 0; i = sql.indexOf("?", i + 1)) count++;
  return count;
}
