import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/** Creates heals (one per incident, a persisted state machine) and their timelines. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const pk = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await pk("heals")
    .addColumn("incident_id", BIG, (c) => c.notNull().unique())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("policy", "text", (c) => c.notNull())
    .addColumn("kind", "text")
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("detected_at", BIG, (c) => c.notNull())
    .addColumn("state_since", BIG, (c) => c.notNull())
    .addColumn("resolved_at", BIG)
    .addColumn("mttr_ms", BIG)
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("heals_state").on("heals").column("state").execute();

  await pk("heal_timeline")
    .addColumn("heal_id", BIG, (c) => c.notNull())
    .addColumn("from_state", "text")
    .addColumn("to_state", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("heal_timeline_heal").on("heal_timeline").column("heal_id").execute();
}

/** Drops the heal tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ["heal_timeline", "heals"]) await db.schema.dropTable(t).execute();
}
