import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** A stored (already masked) output line of a job. */
export interface LogLine {
  jobId: number;
  attempt: number;
  stepIdx: number;
  /** Position of the line in the job attempt's output, from 1. */
  seq: number;
  stream: "stdout" | "stderr" | "system";
  line: string;
  at: number;
}

/** Persistence of job output lines, written in batches. */
export class LogsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Appends lines (one INSERT per chunk). */
  async append(lines: LogLine[]): Promise<void> {
    for (let i = 0; i < lines.length; i += 500) {
      const chunk = lines.slice(i, i + 500);
      await this.db
        .insertInto("log_lines")
        .values(
          chunk.map((l) => ({
            job_id: l.jobId,
            attempt: l.attempt,
            step_idx: l.stepIdx,
            seq: l.seq,
            stream: l.stream,
            line: l.line,
            at: l.at,
          })),
        )
        .execute();
    }
  }

  /** Lines of a job attempt after `afterSeq`, in order, at most `limit`. */
  async list(jobId: number, attempt: number, afterSeq = 0, limit = 10_000): Promise<LogLine[]> {
    const rows = await this.db
      .selectFrom("log_lines")
      .selectAll()
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("seq", ">", afterSeq)
      .orderBy("seq")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      jobId: r.job_id,
      attempt: r.attempt,
      stepIdx: r.step_idx,
      seq: r.seq,
      stream: r.stream as LogLine["stream"],
      line: r.line,
      at: r.at,
    }));
  }

  /**
   * Lines stored for the steps of all jobs of run `runId` (every attempt; not the job-level system
   * lines, step −1), for the per-run log cap: the lines LogWriter counts toward it.
   */
  async countForRun(runId: number): Promise<number> {
    const row = await this.db
      .selectFrom("log_lines")
      .innerJoin("jobs", "jobs.id", "log_lines.job_id")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("jobs.run_id", "=", runId)
      .where("log_lines.step_idx", ">=", 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Lines stored for each step of a job attempt (every stream: LogWriter counts a step's system
   * lines toward its cap too), for the per-step log cap.
   */
  async outputLinesByStep(jobId: number, attempt: number): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom("log_lines")
      .select(["step_idx", (eb) => eb.fn.countAll().as("n")])
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("step_idx", ">=", 0)
      .groupBy("step_idx")
      .execute();
    return new Map(rows.map((r) => [r.step_idx, Number(r.n)]));
  }

  /** The highest sequence number stored for a job attempt (0 when none). */
  async lastSeq(jobId: number, attempt: number): Promise<number> {
    const row = await this.db
      .selectFrom("log_lines")
      .select((eb) => eb.fn.max("seq").as("m"))
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .executeTakeFirst();
    return Number(row?.m ?? 0);
  }
}
