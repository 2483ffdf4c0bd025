import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/** Creates releases (what runs where), rollouts (how a release goes live) and their steps. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const pk = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await pk("releases")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("run_id", BIG)
    .addColumn("commit_sha", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("spec", "text", (c) => c.notNull())
    .addColumn("pids", "text", (c) => c.notNull())
    .addColumn("triggered_by", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("live_at", BIG)
    .addColumn("ended_at", BIG)
    .execute();
  await db.schema.createIndex("releases_place").on("releases").columns(["project", "environment"]).execute();

  await pk("rollouts")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("release_id", BIG, (c) => c.notNull())
    .addColumn("baseline_release_id", BIG)
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("strategy", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("step", "integer", (c) => c.notNull())
    .addColumn("weight", "integer", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .addColumn("finished_at", BIG)
    .execute();
  await db.schema.createIndex("rollouts_state").on("rollouts").column("state").execute();

  await pk("rollout_steps")
    .addColumn("rollout_id", BIG, (c) => c.notNull())
    .addColumn("idx", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("started_at", BIG, (c) => c.notNull())
    .addColumn("finished_at", BIG)
    .execute();
  await db.schema.createIndex("rollout_steps_rollout").on("rollout_steps").column("rollout_id").execute();
}

/** Drops the deploy tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["rollout_steps", "rollouts", "releases"]) await db.schema.dropTable(t).execute();
}
