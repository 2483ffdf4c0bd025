import type { Kysely } from "kysely";

/**
 * Each failure explanation's signature (src/failures/failure-signature.ts: a hash of the cause
 * class and the masked best line), indexed, so the failures with one signature are found across
 * runs and projects with one query. Explanations stored before have none (they are not grouped).
 * Also the indexes a job's history needs (failure correlation, flaky reclassification): jobs by
 * key in id order, and agent leases by job attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("failure_explanations").addColumn("signature", "text").execute();
  await db.schema
    .createIndex("failure_explanations_signature")
    .on("failure_explanations")
    .columns(["signature", "created_at"])
    .execute();
  await db.schema.createIndex("jobs_key_id").on("jobs").columns(["key", "id"]).execute();
  await db.schema.createIndex("agent_leases_job").on("agent_leases").columns(["job_id", "attempt"]).execute();
}

/** Drops the indexes and the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("agent_leases_job").execute();
  await db.schema.dropIndex("jobs_key_id").execute();
  await db.schema.dropIndex("failure_explanations_signature").execute();
  await db.schema.alterTable("failure_explanations").dropColumn("signature").execute();
}
