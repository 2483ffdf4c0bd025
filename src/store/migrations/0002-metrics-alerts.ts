import { type Kysely, sql } from "kysely";
import { BIG, idType, isPostgres } from "./helpers.js";

/**
 * Creates the registered services, the built-in TSDB (series + samples) and alerts.
 * Sample values are `double precision`; NaN is stored as NULL (SQLite cannot hold NaN) and
 * read back as NaN; ±Inf are stored as themselves on both dialects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const id = idType(db);
  const double = isPostgres(db) ? "double precision" : "real";

  await db.schema
    .createTable("services")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("environment", "text", (c) => c.notNull())
    .addColumn("metrics_url", "text")
    .addColumn("scrape_interval_ms", BIG, (c) => c.notNull())
    .addColumn("log_source", "text")
    .addColumn("repository", "text")
    .addColumn("repo_path", "text")
    .addColumn("created_at", BIG, (c) => c.notNull())
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("series")
    .addColumn("id", id, (c) => (id === "integer" ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull())
    .addColumn("created_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("series_name").on("series").column("name").execute();

  await db.schema
    .createTable("samples")
    .addColumn("series_id", BIG, (c) => c.notNull())
    .addColumn("t", BIG, (c) => c.notNull())
    .addColumn("v", sql.raw(double))
    .addPrimaryKeyConstraint("samples_pk", ["series_id", "t"])
    .execute();
  await db.schema.createIndex("samples_t").on("samples").column("t").execute();

  await db.schema
    .createTable("alerts")
    .addColumn("fingerprint", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("labels", "text", (c) => c.notNull())
    .addColumn("annotations", "text", (c) => c.notNull())
    .addColumn("value", sql.raw(double))
    .addColumn("active_at", BIG, (c) => c.notNull())
    .addColumn("starts_at", BIG, (c) => c.notNull())
    .addColumn("ends_at", BIG)
    .addColumn("updated_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("alerts_status").on("alerts").columns(["status", "updated_at"]).execute();
}
