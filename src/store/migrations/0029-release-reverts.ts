import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * The release reverter's record of each rolled-back rollout it handled (one row per rollout, so a
 * restart never opens a second pull request for one rollback): the releases and commits of the
 * range, its state (planned | open | merged | skipped | failed), the reason of a skip or failure,
 * the pull request once opened and the heal that follows it, if any. Times are epoch ms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("release_reverts")
    .addColumn("rollout_id", BIG, (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("good_commit", "text", (c) => c.notNull())
    .addColumn("bad_commit", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("repo", "text")
    .addColumn("pr_number", BIG)
    .addColumn("merge_commit", "text")
    .addColumn("heal_id", BIG)
    .addColumn("onset_at", BIG)
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("release_reverts").execute();
}
