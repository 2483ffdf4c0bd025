import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/** Creates the CI engine's tables: projects, runs/jobs/steps, logs, reports, events, tokens, queue. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const pk = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await pk("projects")
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("repo_url", "text", (c) => c.notNull())
    .addColumn("default_branch", "text", (c) => c.notNull())
    .addColumn("pipeline_path", "text", (c) => c.notNull())
    .addColumn("sandbox", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("webhook_secret", "text")
    .addColumn("poll_interval_ms", BIG, (c) => c.notNull().defaultTo(0))
    .addColumn("branch_heads", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();

  await pk("secrets")
    .addColumn("project_id", BIG, (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("value_enc", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addUniqueConstraint("secrets_project_name", ["project_id", "name"])
    .execute();

  await pk("runs")
    .addColumn("project_id", BIG, (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("branch", "text", (c) => c.notNull())
    .addColumn("commit_sha", "text", (c) => c.notNull())
    .addColumn("base_branch", "text")
    .addColumn("inputs", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("changed_files", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("pipeline_name", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("triggered_by", "text", (c) => c.notNull())
    .addColumn("parent_run_id", BIG)
    .addColumn("gate_results", "text")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("started_at", BIG)
    .addColumn("finished_at", BIG)
    .addUniqueConstraint("runs_project_number", ["project_id", "number"])
    .execute();
  await db.schema.createIndex("runs_status").on("runs").column("status").execute();

  await pk("jobs")
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("exit_code", "integer")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("started_at", BIG)
    .addColumn("finished_at", BIG)
    .addUniqueConstraint("jobs_run_key", ["run_id", "key"])
    .execute();

  await pk("steps")
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("exit_code", "integer")
    .addColumn("reason", "text")
    .addColumn("pid", "integer")
    .addColumn("started_at", BIG)
    .addColumn("finished_at", BIG)
    .addUniqueConstraint("steps_job_attempt_idx", ["job_id", "attempt", "idx"])
    .execute();

  await pk("log_lines")
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("step_idx", "integer", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("stream", "text", (c) => c.notNull())
    .addColumn("line", "text", (c) => c.notNull())
    .addColumn("at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("log_lines_job_seq").on("log_lines").columns(["job_id", "attempt", "seq"]).execute();

  await pk("artifacts")
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("size", BIG, (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("artifacts_run").on("artifacts").column("run_id").execute();

  await pk("test_results")
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("suite", "text", (c) => c.notNull())
    .addColumn("classname", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("file", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("message", "text")
    .execute();
  await db.schema.createIndex("test_results_run").on("test_results").column("run_id").execute();

  await pk("coverage_files")
    .addColumn("run_id", BIG, (c) => c.notNull())
    .addColumn("job_id", BIG, (c) => c.notNull())
    .addColumn("file", "text", (c) => c.notNull())
    .addColumn("lines_total", "integer", (c) => c.notNull())
    .addColumn("lines_covered", "integer", (c) => c.notNull())
    .addColumn("branches_total", "integer", (c) => c.notNull())
    .addColumn("branches_covered", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("coverage_files_run").on("coverage_files").column("run_id").execute();

  await pk("events")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("events_subject").on("events").columns(["subject", "id"]).execute();

  await pk("api_tokens")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("last_used_at", BIG)
    .addColumn("revoked_at", BIG)
    .execute();

  await pk("queue_items")
    .addColumn("queue", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", BIG)
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("run_after", BIG, (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("queue_items_ready")
    .on("queue_items")
    .columns(["queue", "status", "run_after"])
    .execute();

  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}
