import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * What the forge last accepted for each run's commit check (`state`: queued | in_progress |
 * completed, at `reported_at`, epoch ms), so a restarted server finds finished runs whose check
 * never got to `completed` and reports them again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("run_check_reports")
    .addColumn("run_id", BIG, (c) => c.primaryKey())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reported_at", BIG, (c) => c.notNull())
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("run_check_reports").execute();
}
