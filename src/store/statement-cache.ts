import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase } from "kysely";

/** Statements kept: the store's queries are a few hundred distinct texts at most (`in` lists vary). */
const MAX_STATEMENTS = 500;

/**
 * `sqlite` as Kysely's SqliteDialect sees it, with its prepared statements reused by SQL text
 * (most recently used kept, {@link MAX_STATEMENTS} at most): Kysely prepares every query it runs,
 * and SQLite compiling the same statement again is a large part of a small query's cost (a local
 * run's step makes a handful). A statement still iterating (a streamed query) is not handed out
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
      statements.set(sql, stmt);
      if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value as string);
      return stmt;
    },
  };
}
