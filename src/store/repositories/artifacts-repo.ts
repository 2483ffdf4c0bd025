import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** A stored artifact file of a run. */
export interface Artifact {
  id: number;
  runId: number;
  jobId: number;
  path: string;
  size: number;
  sha256: string;
  createdAt: number;
}

/** Persistence of artifact records (the files live in the data dir). */
export class ArtifactsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records artifacts collected from a job. */
  async add(items: Omit<Artifact, "id">[]): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto("artifacts")
      .values(
        items.map((a) => ({
          run_id: a.runId,
          job_id: a.jobId,
          path: a.path,
          size: a.size,
          sha256: a.sha256,
          created_at: a.createdAt,
        })),
      )
      .execute();
  }

  /** Artifacts of a run. */
  async listForRun(runId: number): Promise<Artifact[]> {
    const rows = await this.db.selectFrom("artifacts").selectAll().where("run_id", "=", runId).orderBy("id").execute();
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      jobId: r.job_id,
      path: r.path,
      size: r.size,
      sha256: r.sha256,
      createdAt: r.created_at,
    }));
  }
}
