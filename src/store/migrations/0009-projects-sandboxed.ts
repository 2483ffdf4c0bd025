import { type Kysely, sql } from "kysely";

/**
 * Jobs became sandboxed by default: `projects.sandbox` changed from "force the sandbox" (default
 * off) to "run in the sandbox" (default on; an admin may turn it off per project). Every project
 * registered before had the old default, so each is sandboxed now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update projects set sandbox = 1`.execute(db);
}
