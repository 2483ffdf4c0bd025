import { type Kysely, sql } from "kysely";
import { BIG } from "./helpers.js";

const COLUMNS = [
  ["project_id", BIG],
  ["test_id", "text"],
  ["attempt", "integer"],
  ["commit_sha", "text"],
  ["branch", "text"],
  ["created_at", BIG],
] as const;

/**
 * Test history: every stored test case also carries its project, stable test id
 * (`classname.name`), job attempt, commit, branch and time, so per-test and per-project history
 * queries are index lookups instead of joins over every report. Existing rows are filled from
 * their run and job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable("test_results").addColumn(name, type).execute();
  await sql`
    UPDATE test_results SET
      test_id = CASE WHEN trim(classname) = '' THEN trim(name) WHEN trim(name) = '' THEN trim(classname)
                     ELSE trim(classname) || '.' || trim(name) END,
      project_id = (SELECT r.project_id FROM runs r WHERE r.id = test_results.run_id),
      commit_sha = (SELECT r.commit_sha FROM runs r WHERE r.id = test_results.run_id),
      branch = (SELECT r.branch FROM runs r WHERE r.id = test_results.run_id),
      created_at = (SELECT r.created_at FROM runs r WHERE r.id = test_results.run_id),
      attempt = (SELECT j.attempt FROM jobs j WHERE j.id = test_results.job_id)
  `.execute(db);
  await db.schema
    .createIndex("test_results_project_test")
    .on("test_results")
    .columns(["project_id", "test_id", "run_id"])
    .execute();
  await db.schema
    .createIndex("test_results_project_run")
    .on("test_results")
    .columns(["project_id", "run_id"])
    .execute();
}

/** Drops the history columns and their indexes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("test_results_project_run").execute();
  await db.schema.dropIndex("test_results_project_test").execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable("test_results").dropColumn(name).execute();
}
