import { type Kysely, sql } from "kysely";
import { BIG, idType } from "./helpers.js";

/** Creates the tables of service logs, trace spans and incidents (with their signals and timeline). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const pk = (t: string) =>
    db.schema
      .createTable(t)
      .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()));

  await pk("log_records")
    .addColumn("at", BIG, (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("trace_id", "text")
    .addColumn("span_id", "text")
    .addColumn("attributes", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("log_records_at").on("log_records").columns(["at", "id"]).execute();
  await db.schema.createIndex("log_records_service_at").on("log_records").columns(["service", "at"]).execute();
  // Partial indexes: most lines are info/debug and many have no trace id; those skip the index work.
  await db.schema
    .createIndex("log_records_level_at")
    .on("log_records")
    .columns(["level", "at"])
    .where(sql.ref("level"), "not in", ["trace", "debug", "info"])
    .execute();
  await db.schema
    .createIndex("log_records_trace")
    .on("log_records")
    .column("trace_id")
    .where(sql.ref("trace_id"), "is not", null)
    .execute();

  await pk("spans")
    .addColumn("trace_id", "text", (c) => c.notNull())
    .addColumn("span_id", "text", (c) => c.notNull())
    .addColumn("parent_span_id", "text")
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("start_at", BIG, (c) => c.notNull())
    .addColumn("duration_us", BIG, (c) => c.notNull())
    .addColumn("error", "integer", (c) => c.notNull())
    .addColumn("peer_service", "text")
    .addColumn("attributes", "text", (c) => c.notNull())
    .addUniqueConstraint("spans_trace_span", ["trace_id", "span_id"])
    .execute();
  await db.schema.createIndex("spans_start").on("spans").column("start_at").execute();
  await db.schema.createIndex("spans_service_start").on("spans").columns(["service", "start_at"]).execute();

  await pk("incidents")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("services", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("opened_at", BIG, (c) => c.notNull())
    .addColumn("last_signal_at", BIG, (c) => c.notNull())
    .addColumn("acknowledged_at", BIG)
    .addColumn("acknowledged_by", "text")
    .addColumn("resolved_at", BIG)
    .addColumn("resolved_by", "text")
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("incidents_status").on("incidents").columns(["status", "id"]).execute();
  await db.schema.createIndex("incidents_service").on("incidents").columns(["service", "id"]).execute();

  await pk("incident_signals")
    .addColumn("incident_id", BIG, (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("service", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("at", BIG, (c) => c.notNull())
    .addUniqueConstraint("incident_signals_key", ["incident_id", "kind", "key"])
    .execute();
  await db.schema.createIndex("incident_signals_lookup").on("incident_signals").columns(["kind", "key"]).execute();

  await pk("incident_timeline")
    .addColumn("incident_id", BIG, (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("event_id", BIG, (c) => c.unique())
    .addColumn("at", BIG, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("incident_timeline_incident")
    .on("incident_timeline")
    .columns(["incident_id", "id"])
    .execute();
}
