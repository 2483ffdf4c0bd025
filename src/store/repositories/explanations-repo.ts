import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** A stored failure explanation of one job attempt. */
export interface StoredExplanation {
  jobId: number;
  attempt: number;
  runId: number;
  category: string;
  confidence: number;
  /** The explanation as the failure analysis produced it (ranked lines, class, evidence). */
  explanation: Record<string, unknown>;
  createdAt: number;
}

/** Persistence of failure explanations, one per failed job attempt. */
export class ExplanationsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores (or replaces) the explanation of a job attempt. */
  async save(e: StoredExplanation): Promise<void> {
    const row = {
      job_id: e.jobId,
      attempt: e.attempt,
      run_id: e.runId,
      category: e.category,
      confidence: e.confidence,
      explanation: JSON.stringify(e.explanation),
      created_at: e.createdAt,
    };
    await this.db
      .insertInto("failure_explanations")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["job_id", "attempt"]).doUpdateSet({
          category: row.category,
          confidence: row.confidence,
          explanation: row.explanation,
          created_at: row.created_at,
        }),
      )
      .execute();
  }

  /** The explanations of a run's failed job attempts, by job then attempt. */
  async listForRun(runId: number): Promise<StoredExplanation[]> {
    const rows = await this.db
      .selectFrom("failure_explanations")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("job_id")
      .orderBy("attempt")
      .execute();
    return rows.map((r) => ({
      jobId: Number(r.job_id),
      attempt: r.attempt,
      runId: Number(r.run_id),
      category: r.category,
      confidence: Number(r.confidence),
      explanation: JSON.parse(r.explanation) as Record<string, unknown>,
      createdAt: Number(r.created_at),
    }));
  }
}
