/**
 * Versioned migrations. Each migration is a module in `migrations/` named `NNNN-what.ts`;
 * they are listed here statically (no directory scanning, so the compiled build needs nothing
 * else) and applied in name order inside a lock by Kysely's Migrator. A database that already has
 * exactly these migrations is recognised with one query, without the Migrator (whose table checks
 * introspect every table: a cost every `pitcrew` start would pay).
 */
import { type Kysely, type Migration, Migrator, sql } from "kysely";
import { PitcrewError } from "../common/errors.js";
import * as m0001 from "./migrations/0001-ci-engine.js";
import * as m0002 from "./migrations/0002-metrics-alerts.js";
import * as m0003 from "./migrations/0003-logs-traces-incidents.js";
import * as m0004 from "./migrations/0004-forge.js";
import * as m0007 from "./migrations/0007-heal.js";
import * as m0008 from "./migrations/0008-deploy.js";
import * as m0009 from "./migrations/0009-projects-sandboxed.js";
import * as m0010 from "./migrations/0010-trust.js";
import * as m0014 from "./migrations/0014-test-history.js";
import * as m0015 from "./migrations/0015-failure-explanations.js";
import * as m0019 from "./migrations/0019-leases.js";
import * as m0020 from "./migrations/0020-model-versions.js";
import * as m0021 from "./migrations/0021-release-builds.js";
import * as m0023 from "./migrations/0023-agents.js";
import * as m0025 from "./migrations/0025-test-failure-details.js";
import * as m0026 from "./migrations/0026-one-live-model-version.js";
import * as m0028 from "./migrations/0028-run-check-reports.js";
import * as m0029 from "./migrations/0029-release-reverts.js";
import * as m0034 from "./migrations/0034-failure-signatures.js";
import * as m0035 from "./migrations/0035-test-quarantine.js";
import * as m0036 from "./migrations/0036-test-dependencies.js";
import * as m0040 from "./migrations/0040-agent-failover.js";
import * as m0041 from "./migrations/0041-test-selections.js";
import * as m0042 from "./migrations/0042-pending-deploys.js";
import * as m0043 from "./migrations/0043-one-active-rollout.js";
import type { DB } from "./schema.js";

/** All migrations, by name. Add new ones at the end. */
export const migrations: Record<string, Migration> = {
  "0001-ci-engine": m0001,
  "0002-metrics-alerts": m0002,
  "0003-logs-traces-incidents": m0003,
  "0004-forge": m0004,
  "0007-heal": m0007,
  "0008-deploy": m0008,
  "0009-projects-sandboxed": m0009,
  "0010-trust": m0010,
  "0014-test-history": m0014,
  "0015-failure-explanations": m0015,
  "0019-leases": m0019,
  "0020-model-versions": m0020,
  "0021-release-builds": m0021,
  "0023-agents": m0023,
  "0025-test-failure-details": m0025,
  "0026-one-live-model-version": m0026,
  "0028-run-check-reports": m0028,
  "0029-release-reverts": m0029,
  "0034-failure-signatures": m0034,
  "0035-test-quarantine": m0035,
  "0036-test-dependencies": m0036,
  "0040-agent-failover": m0040,
  "0041-test-selections": m0041,
  "0042-pending-deploys": m0042,
  "0043-one-active-rollout": m0043,
};

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  if (await isUpToDate(db)) return [];
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new PitcrewError("migration_failed", `migration ${failed} failed: ${String(error)}`, undefined, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * True when the applied migrations are exactly the known ones. Anything else (a new database,
 * pending migrations, a migration this build does not know) goes through the Migrator, which
 * applies or reports it.
 */
async function isUpToDate(db: Kysely<DB>): Promise<boolean> {
  const names = Object.keys(migrations);
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const applied = new Set(rows.map((r) => r.name));
    return applied.size === names.length && names.every((n) => applied.has(n));
  } catch {
    return false; // no migration table yet
  }
}
