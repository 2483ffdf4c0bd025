import type { Kysely } from "kysely";

/**
 * Agent failover and enqueue-once:
 * - `agent_leases.last_seq`: the last event batch of the lease applied, kept in the store so a
 *   replica taking over a lease (its agent moved there) goes on from the right batch.
 * - `jobs.enqueued_attempt`: the attempt whose queue item the scheduler has added, so a waiting
 *   job is enqueued once per attempt instead of again on every pass over its run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("agent_leases")
    .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("jobs").addColumn("enqueued_attempt", "integer").execute();
}

/** Drops the columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("jobs").dropColumn("enqueued_attempt").execute();
  await db.schema.alterTable("agent_leases").dropColumn("last_seq").execute();
}
