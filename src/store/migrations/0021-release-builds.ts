import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * Release builds (docs/deploy.md, `build:` in `.pitcrew/deploy.yaml`): one row per release whose
 * build phase ran, with its status, reason and the bounded tail of its output.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("release_builds")
    .addColumn("release_id", BIG, (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("log", "text", (c) => c.notNull())
    .addColumn("started_at", BIG, (c) => c.notNull())
    .addColumn("ended_at", BIG)
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("release_builds").execute();
}
