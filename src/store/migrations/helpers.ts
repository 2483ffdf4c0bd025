import { type Kysely, PostgresAdapter } from "kysely";

/** True when the migration runs against PostgreSQL. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The auto-increment primary key column type for the dialect. */
export function idType(db: Kysely<unknown>): "integer" | "bigserial" {
  return isPostgres(db) ? "bigserial" : "integer";
}

/** The integer type used for epoch-ms timestamps and sizes. */
export const BIG = "bigint" as const;
