import type { Kysely } from "kysely";

/**
 * The text of a failed test's `<failure>`/`<error>` (typically its stack trace, capped by the
 * report reader), kept beside its message: the forge's check annotations find the failing line
 * of the test file in it (docs/forge.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("test_results").addColumn("details", "text").execute();
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("test_results").dropColumn("details").execute();
}
