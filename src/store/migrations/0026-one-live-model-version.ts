import { type Kysely, sql } from "kysely";

/**
 * At most one live version per model and scope (docs/learning.md): a unique partial index, so two
 * promotions or online updates at once cannot both go live. A database where that already
 * happened keeps the newest live version (highest number); the others are retired first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE model_versions
    SET status = 'retired',
        reason = 'retired: a newer version of the model was live at the same time'
    WHERE status = 'live'
      AND EXISTS (
        SELECT 1 FROM model_versions newer
        WHERE newer.model = model_versions.model
          AND newer.scope = model_versions.scope
          AND newer.status = 'live'
          AND newer.version > model_versions.version
      )
  `.execute(db);
  await db.schema
    .createIndex("model_versions_one_live")
    .on("model_versions")
    .columns(["model", "scope"])
    .unique()
    .where(sql.ref("status"), "=", "live")
    .execute();
}

/** Drops the index (the versions it retired stay retired). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("model_versions_one_live").execute();
}
