import type { Kysely } from "kysely";
import { BIG, idType } from "./helpers.js";

/**
 * Agents (`pitcrew agent` processes) and the job attempts they hold: an agent row per
 * registration (labels, capacity, state, last heartbeat), and an agent lease per job attempt
 * handed to an agent. A lease's id is its fencing token: every call an agent makes about the job
 * carries it, and only the live lease's id is accepted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("agents")
    .addColumn("id", idType(db), (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_id", "integer", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull())
    .addColumn("capacity", "text", (c) => c.notNull())
    .addColumn("concurrency", "integer", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("registered_at", BIG, (c) => c.notNull())
    .addColumn("last_heartbeat_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("agents_state").on("agents").column("state").execute();
  await db.schema
    .createTable("agent_leases")
    .addColumn("id", idType(db), (c) => c.primaryKey())
    .addColumn("agent_id", "integer", (c) => c.notNull())
    .addColumn("job_id", "integer", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("leased_at", BIG, (c) => c.notNull())
    .addColumn("ended_at", BIG)
    .addColumn("end_reason", "text")
    .execute();
  await db.schema.createIndex("agent_leases_agent").on("agent_leases").columns(["agent_id", "ended_at"]).execute();
}

/** Drops the tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("agent_leases").execute();
  await db.schema.dropTable("agents").execute();
}
