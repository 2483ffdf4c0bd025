import type { Kysely } from "kysely";

/**
 * `test_results.quarantined`: 1 for a failure a test step reported without failing its job (a
 * test whose flakiness passes the bar under `quarantine: true`, or a failure its rerun passed),
 * so the tests_pass_rate gate leaves it out while the history keeps it as a failure.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("test_results")
    .addColumn("quarantined", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("test_results").dropColumn("quarantined").execute();
}
