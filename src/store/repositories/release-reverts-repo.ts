import type { Kysely, Selectable } from "kysely";
import type { DB, ReleaseRevertsTable } from "../schema.js";
import type { ReleaseRevertState } from "../statuses.js";

/** One rolled-back rollout the release reverter handled, keyed by the rollout's id. */
export interface ReleaseRevert {
  rolloutId: number;
  project: string;
  environment: string;
  /** The commit of the last good live release (the revert goes back to its code). */
  goodCommit: string;
  /** The commit of the rolled-back release. */
  badCommit: string;
  state: ReleaseRevertState;
  /** Why it was skipped or failed (empty otherwise). */
  reason: string;
  repo: string | null;
  prNumber: number | null;
  mergeCommit: string | null;
  /** The heal that follows the revert PR (it waits for CI and merges); null: the reverter does. */
  healId: number | null;
  /** The onset of the incident whose heal asked for it: no commit newer than that is reverted. */
  onsetAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What recording a planned revert stores. */
export type NewReleaseRevert = Pick<
  ReleaseRevert,
  "rolloutId" | "project" | "environment" | "goodCommit" | "badCommit" | "healId" | "onsetAt"
>;

/** The changes of one step of a revert. */
export type ReleaseRevertChange = Partial<
  Pick<ReleaseRevert, "state" | "reason" | "repo" | "prNumber" | "mergeCommit" | "healId" | "onsetAt">
>;

const toRevert = (r: Selectable<ReleaseRevertsTable>): ReleaseRevert => ({
  rolloutId: Number(r.rollout_id),
  project: r.project,
  environment: r.environment,
  goodCommit: r.good_commit,
  badCommit: r.bad_commit,
  state: r.state,
  reason: r.reason,
  repo: r.repo,
  prNumber: r.pr_number === null ? null : Number(r.pr_number),
  mergeCommit: r.merge_commit,
  healId: r.heal_id === null ? null : Number(r.heal_id),
  onsetAt: r.onset_at === null ? null : Number(r.onset_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/**
 * The release reverter's rows: one per rolled-back rollout (the primary key makes a second
 * record of the same rollback a no-op, so two servers or a restart never plan it twice).
 */
export class ReleaseRevertsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records a planned revert unless one exists for the rollout; returns the row either way, and whether it is new. */
  async plan(r: NewReleaseRevert, at: number): Promise<{ row: ReleaseRevert; created: boolean }> {
    const res = await this.db
      .insertInto("release_reverts")
      .values({
        rollout_id: r.rolloutId,
        project: r.project,
        environment: r.environment,
        good_commit: r.goodCommit,
        bad_commit: r.badCommit,
        state: "planned",
        reason: "",
        heal_id: r.healId,
        onset_at: r.onsetAt,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) => oc.column("rollout_id").doNothing())
      .executeTakeFirst();
    return { row: (await this.get(r.rolloutId))!, created: Number(res.numInsertedOrUpdatedRows ?? 0) === 1 };
  }

  /** The row of rollout `rolloutId`, if any. */
  async get(rolloutId: number): Promise<ReleaseRevert | undefined> {
    const row = await this.db
      .selectFrom("release_reverts")
      .selectAll()
      .where("rollout_id", "=", rolloutId)
      .executeTakeFirst();
    return row && toRevert(row);
  }

  /** Applies `change` to the row of `rolloutId`. */
  async update(rolloutId: number, change: ReleaseRevertChange, at: number): Promise<void> {
    await this.db
      .updateTable("release_reverts")
      .set({
        ...(change.state === undefined ? {} : { state: change.state }),
        ...(change.reason === undefined ? {} : { reason: change.reason }),
        ...(change.repo === undefined ? {} : { repo: change.repo }),
        ...(change.prNumber === undefined ? {} : { pr_number: change.prNumber }),
        ...(change.mergeCommit === undefined ? {} : { merge_commit: change.mergeCommit }),
        ...(change.healId === undefined ? {} : { heal_id: change.healId }),
        ...(change.onsetAt === undefined ? {} : { onset_at: change.onsetAt }),
        updated_at: at,
      })
      .where("rollout_id", "=", rolloutId)
      .execute();
  }

  /** Rows still in progress (planned or open), oldest first, at most `limit`. */
  async listActive(limit = 100): Promise<ReleaseRevert[]> {
    const rows = await this.db
      .selectFrom("release_reverts")
      .selectAll()
      .where("state", "in", ["planned", "open"])
      .orderBy("rollout_id")
      .limit(limit)
      .execute();
    return rows.map(toRevert);
  }

  /** The newest rows of `project`, newest first, at most `limit`. */
  async list(project: string, limit = 50): Promise<ReleaseRevert[]> {
    const rows = await this.db
      .selectFrom("release_reverts")
      .selectAll()
      .where("project", "=", project)
      .orderBy("rollout_id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toRevert);
  }
}
