import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * Failure explanations (docs/failures.md): why a failed job failed, one row per job attempt,
 * written after the job ends. `explanation` is the JSON of the ranked lines, class and evidence.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("failure_explanations")
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("confidence", "real", (c) => c.notNull())
    .addColumn("explanation", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addPrimaryKeyConstraint("failure_explanations_pk", ["job_id", "attempt"])
    .execute();
  await db.schema.createIndex("failure_explanations_run").on("failure_explanations").column("run_id").execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("failure_explanations").execute();
}
