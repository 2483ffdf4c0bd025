import type { Kysely } from "kysely";
import type { DB } from "../schema.js";
import type { ReleaseBuildStatus } from "../statuses.js";

/** A release's build phase as stored. */
export interface ReleaseBuild {
  releaseId: number;
  status: ReleaseBuildStatus;
  reason: string;
  /** The last lines of its output (bounded by the writer). */
  log: string;
  startedAt: number;
  endedAt: number | null;
}

/** Persistence of release builds, one row per release whose build phase ran. */
export class ReleaseBuildsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records that the build of `releaseId` started (a retried start begins again). */
  async start(releaseId: number, at: number): Promise<void> {
    const row = {
      release_id: releaseId,
      status: "running" as const,
      reason: "",
      log: "",
      started_at: at,
      ended_at: null,
    };
    await this.db
      .insertInto("release_builds")
      .values(row)
      .onConflict((oc) => oc.column("release_id").doUpdateSet(row))
      .execute();
  }

  /** Replaces the stored output tail of a running build. */
  async setLog(releaseId: number, log: string): Promise<void> {
    await this.db.updateTable("release_builds").set({ log }).where("release_id", "=", releaseId).execute();
  }

  /** Records how the build ended. */
  async finish(
    releaseId: number,
    end: { status: Exclude<ReleaseBuildStatus, "running">; reason: string; log: string; at: number },
  ): Promise<void> {
    await this.db
      .updateTable("release_builds")
      .set({ status: end.status, reason: end.reason, log: end.log, ended_at: end.at })
      .where("release_id", "=", releaseId)
      .execute();
  }

  /** The build of a release, if it had one. */
  async get(releaseId: number): Promise<ReleaseBuild | undefined> {
    const r = await this.db
      .selectFrom("release_builds")
      .selectAll()
      .where("release_id", "=", releaseId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      releaseId: Number(r.release_id),
      status: r.status,
      reason: r.reason,
      log: r.log,
      startedAt: Number(r.started_at),
      endedAt: r.ended_at == null ? null : Number(r.ended_at),
    };
  }
}
