import type { Kysely } from "kysely";

/**
 * Each failure explanation's signature (src/failures/failure-signature.ts: a hash of the cause
 * class and the masked best line), indexed, so the failures with one signature are found across
 * runs and projects with one query. Explanations stored before have none (they are not grouped).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("failure_explanations").addColumn("signature", "text").execute();
  await db.schema
    .createIndex("failure_explanations_signature")
    .on("failure_explanations")
    .columns(["signature", "created_at"])
    .execute();
}

/** Drops the index and the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("failure_explanations_signature").execute();
  await db.schema.alterTable("failure_explanations").dropColumn("signature").execute();
}
