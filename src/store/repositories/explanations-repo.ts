import type { Kysely, Selectable } from "kysely";
import type { DB, FailureExplanationsTable } from "../schema.js";

/** A stored failure explanation of one job attempt. */
export interface StoredExplanation {
  jobId: number;
  attempt: number;
  runId: number;
  category: string;
  confidence: number;
  /** The explanation as the failure analysis produced it (ranked lines, class, evidence). */
  explanation: Record<string, unknown>;
  /** The failure's signature key, when one was computed. */
  signature?: string | null;
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
      signature: e.signature ?? null,
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
          signature: row.signature,
          created_at: row.created_at,
        }),
      )
      .execute();
  }

  /**
   * Explanations with `signature`, in any project: how many there are, and the oldest `limit`
   * (the first occurrences), oldest first.
   */
  async withSignature(signature: string, limit: number): Promise<{ count: number; oldest: StoredExplanation[] }> {
    const count = await this.db
      .selectFrom("failure_explanations")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("signature", "=", signature)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom("failure_explanations")
      .selectAll()
      .where("signature", "=", signature)
      .orderBy("created_at")
      .orderBy("job_id")
      .limit(limit)
      .execute();
    return { count: Number(count.n), oldest: rows.map(toStored) };
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
    return rows.map(toStored);
  }
}

function toStored(r: Selectable<FailureExplanationsTable>): StoredExplanation {
  return {
    jobId: Number(r.job_id),
    attempt: r.attempt,
    runId: Number(r.run_id),
    category: r.category,
    confidence: Number(r.confidence),
    explanation: JSON.parse(r.explanation) as Record<string, unknown>,
    signature: r.signature,
    createdAt: Number(r.created_at),
  };
}
