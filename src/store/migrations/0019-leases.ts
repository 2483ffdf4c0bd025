import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * Named leases: a decision that must be taken by one server replica at a time (cron, polling)
 * belongs to whoever holds the lease `name` until `expires_at` (epoch ms); the holder renews it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", BIG, (c) => c.notNull())
    .addColumn("acquired_at", BIG, (c) => c.notNull())
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("leases").execute();
}
