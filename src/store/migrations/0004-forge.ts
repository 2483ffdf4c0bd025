import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/** Creates the local forge's pull requests with their comments and checks. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const pk = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await pk("pull_requests")
    .addColumn("repo", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("head_branch", "text", (c) => c.notNull())
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("base_branch", "text", (c) => c.notNull())
    .addColumn("base_sha", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("merge_commit", "text")
    .addColumn("merged_by", "text")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .addColumn("closed_at", BIG)
    .addUniqueConstraint("pull_requests_repo_number", ["repo", "number"])
    .execute();
  await db.schema.createIndex("pull_requests_head").on("pull_requests").columns(["repo", "head_branch"]).execute();

  await pk("pr_comments")
    .addColumn("pr_id", BIG, (c) => c.notNull())
    .addColumn("author", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("pr_comments_pr").on("pr_comments").column("pr_id").execute();

  await pk("pr_checks")
    .addColumn("pr_id", BIG, (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("summary", "text")
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .addUniqueConstraint("pr_checks_pr_name", ["pr_id", "name"])
    .execute();
}

/** Drops the forge tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["pr_checks", "pr_comments", "pull_requests"]) await db.schema.dropTable(t).execute();
}
