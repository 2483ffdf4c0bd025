/**
 * Test databases: every store test runs against both dialects (a temp SQLite file and a fresh
 * PostgreSQL database at 127.0.0.1:5432), migrated to latest.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/store/database.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { isReachable, serviceAvailable } from "./services.js";

/** Admin URL of the test PostgreSQL server (override with PITCREW_TEST_PG_URL). */
export const PG_ADMIN_URL = process.env.PITCREW_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgChecked: Promise<boolean> | undefined;
/** Whether PostgreSQL tests run (checked once per test file). */
export function postgresAvailable(): Promise<boolean> {
  pgChecked ??= serviceAvailable("PostgreSQL at 127.0.0.1:5432", () => isReachable("127.0.0.1", 5432));
  return pgChecked;
}

/** A migrated database plus how to dispose of it. */
export interface TestDatabase {
  database: Database;
  /** The database URL (for a server process sharing it). */
  url: string;
  dispose(): Promise<void>;
}

/** Creates a fresh, migrated SQLite database in a temp dir. */
export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-db-"));
  const database = await openDatabase(join(dir, "test.db"));
  await migrateToLatest(database.db);
  return {
    database,
    url: `sqlite:${join(dir, "test.db")}`,
    dispose: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, migrated PostgreSQL database (dropped on dispose). */
export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `pitcrew_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase(url.toString());
  await migrateToLatest(database.db);
  return {
    database,
    url: url.toString(),
    dispose: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** The dialects a store test loops over: `[name, factory]`; PostgreSQL only when reachable. */
export async function testDialects(): Promise<Array<[string, () => Promise<TestDatabase>]>> {
  const list: Array<[string, () => Promise<TestDatabase>]> = [["sqlite", createSqliteTestDatabase]];
  if (await postgresAvailable()) list.push(["postgres", createPostgresTestDatabase]);
  return list;
}
