import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * Pending deploys: at most one per (project, environment), the newest successful protected run the
 * pipeline's deploy stage must still ship there, recorded before each attempt and kept while the
 * deploy waits (another rollout in progress). `waiting` says why it is not live yet. Times are epoch ms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("pending_deploys")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("run_number", "integer", (c) => c.notNull())
    .addColumn("commit", "text", (c) => c.notNull())
    .addColumn("waiting", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .addPrimaryKeyConstraint("pending_deploys_pk", ["project", "environment"])
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("pending_deploys").execute();
}
