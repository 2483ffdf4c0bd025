import type { Kysely } from "kysely";
import type { DB } from "../schema.js";
import { FINISHED } from "../statuses.js";

/** A commit check state as the forge accepted it. */
export type ReportedCheckState = "queued" | "in_progress" | "completed";

/**
 * What the forge last accepted for each run's commit check: the reporter records each written
 * state, and its catch-up asks for finished runs whose check never got to `completed`.
 */
export class RunCheckReportsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records that the forge accepted `state` for run `runId`'s check at `at` (epoch ms). */
  async record(runId: number, state: ReportedCheckState, at: number): Promise<void> {
    await this.db
      .insertInto("run_check_reports")
      .values({ run_id: runId, state, reported_at: at })
      .onConflict((oc) => oc.column("run_id").doUpdateSet({ state, reported_at: at }))
      .execute();
  }

  /** The state last recorded for run `runId`, if any. */
  async get(runId: number): Promise<ReportedCheckState | undefined> {
    const row = await this.db
      .selectFrom("run_check_reports")
      .select("state")
      .where("run_id", "=", runId)
      .executeTakeFirst();
    return row?.state as ReportedCheckState | undefined;
  }

  /**
   * Runs of projects `projectIds` finished at or after `since` (epoch ms) whose check was never
   * recorded `completed`, newest first, at most `limit` of them: their ids.
   */
  async unreportedFinished(since: number, limit: number, projectIds: number[]): Promise<number[]> {
    if (!projectIds.length) return [];
    const rows = await this.db
      .selectFrom("runs")
      .leftJoin("run_check_reports", "run_check_reports.run_id", "runs.id")
      .select("runs.id")
      .where("runs.project_id", "in", projectIds)
      .where("runs.status", "in", [...FINISHED])
      .where("runs.finished_at", ">=", since)
      .where((eb) =>
        eb.or([eb("run_check_reports.state", "is", null), eb("run_check_reports.state", "!=", "completed")]),
      )
      .orderBy("runs.finished_at", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }
}
