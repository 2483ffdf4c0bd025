import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * Per-test-file dependencies: which repository files each test file exercised at a commit of a
 * project (from V8 coverage), newline-separated. The map of a commit is the newest row of each
 * test file, so a run that recorded only some test files updates the map incrementally.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("test_dependencies")
    .addColumn("project_id", BIG, (c) => c.notNull())
    .addColumn("test_file", "text", (c) => c.notNull())
    .addColumn("commit_sha", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("files", "text", (c) => c.notNull())
    .addColumn("recorded_at", BIG, (c) => c.notNull())
    .addPrimaryKeyConstraint("test_dependencies_pk", ["project_id", "test_file", "commit_sha"])
    .execute();
  await db.schema
    .createIndex("test_dependencies_project_recorded")
    .on("test_dependencies")
    .columns(["project_id", "recorded_at"])
    .execute();
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("test_dependencies").execute();
}
