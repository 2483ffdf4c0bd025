import { type Kysely, sql } from "kysely";

/**
 * At most one active rollout per project and environment: a unique partial index over the
 * rollouts not yet final, so two deploys at once cannot both start one (PostgreSQL's READ
 * COMMITTED let both pass the repository's check). A database where that already happened keeps
 * the newest; the older ones end `aborted`, as a restart leaves a rollout in flight.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE rollouts
    SET state = 'aborted',
        message = 'aborted: a newer rollout of the project was in progress at the same time',
        finished_at = updated_at
    WHERE state IN ('progressing', 'paused', 'rolling_back')
      AND EXISTS (
        SELECT 1 FROM rollouts newer
        WHERE newer.project = rollouts.project
          AND newer.environment = rollouts.environment
          AND newer.state IN ('progressing', 'paused', 'rolling_back')
          AND newer.id > rollouts.id
      )
  `.execute(db);
  await db.schema
    .createIndex("rollouts_one_active")
    .on("rollouts")
    .columns(["project", "environment"])
    .unique()
    .where(sql<boolean>`state IN ('progressing', 'paused', 'rolling_back')`)
    .execute();
}

/** Drops the index (the rollouts it aborted stay aborted). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("rollouts_one_active").execute();
}
