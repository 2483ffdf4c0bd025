import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/**
 * Learned model versions (docs/learning.md): one row per trained version of a model in a scope
 * (`project:3`, or `global`), with its JSON state, training window, data counts, evaluation
 * figures, reference feature profile (for drift), status and the reason of its last change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("model_versions")
    .addColumn("id", idType(db), (c) => c.primaryKey())
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("train_from", BIG, (c) => c.notNull())
    .addColumn("train_to", BIG, (c) => c.notNull())
    .addColumn("counts", "text", (c) => c.notNull())
    .addColumn("metrics", "text", (c) => c.notNull())
    .addColumn("profile", "text", (c) => c.notNull())
    .addColumn("code_version", "text", (c) => c.notNull())
    .addColumn("parent_version", "integer")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .addUniqueConstraint("model_versions_unique", ["model", "scope", "version"])
    .execute();
  await db.schema
    .createIndex("model_versions_status")
    .on("model_versions")
    .columns(["model", "scope", "status"])
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("model_versions").execute();
}
