import type { Kysely } from "kysely";
import { BIG } from "./helpers.js";

/**
 * The trust model (docs/security.md): per-project trust settings, each run's trust level,
 * webhook secrets sealed at rest (the plain column is emptied by `sealWebhookSecrets` at start,
 * which needs the secret key a migration does not have) and remembered webhook deliveries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("projects")
    .addColumn("trust_pull_requests", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("projects")
    .addColumn("protected_branches", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  await db.schema.alterTable("projects").addColumn("webhook_secret_enc", "text").execute();
  await db.schema
    .alterTable("runs")
    .addColumn("trust", "text", (c) => c.notNull().defaultTo("branch"))
    .execute();
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("delivery_key", "text", (c) => c.primaryKey())
    .addColumn("received_at", BIG, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhook_deliveries_received").on("webhook_deliveries").column("received_at").execute();
}
