import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/**
 * Test selections: one row per `tests:` step of a job attempt, written when the server makes the
 * step's advice (for a server worker and for an agent alike): the mode, how many test files run of
 * how many, the test time the skipped files would have taken (from the stored history), and the
 * skipped files with their reasons (a bounded JSON list; `skipped_count` says how many in all).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("test_selections")
    .addColumn("id", idType(db), (c) => c.primaryKey())
    .addColumn("project_id", BIG, (c) => c.notNull())
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("step_idx", "integer", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("files_total", "integer", (c) => c.notNull())
    .addColumn("files_run", "integer", (c) => c.notNull())
    .addColumn("run_ms", BIG, (c) => c.notNull())
    .addColumn("saved_ms", BIG, (c) => c.notNull())
    .addColumn("unmeasured_skipped", "integer", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("fallback", "text")
    .addColumn("skipped", "text", (c) => c.notNull())
    .addColumn("skipped_count", "integer", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addUniqueConstraint("test_selections_step", ["job_id", "attempt", "step_idx"])
    .execute();
  await db.schema.createIndex("test_selections_project").on("test_selections").columns(["project_id", "id"]).execute();
  await db.schema.createIndex("test_selections_run").on("test_selections").column("run_id").execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("test_selections").execute();
}
