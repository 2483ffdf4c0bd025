import type { Kysely } from "kysely";
import type { DB } from "../schema.js";

/** A test case result as stored. */
export interface StoredTestResult {
  runId: number;
  jobId: number;
  suite: string;
  classname: string;
  name: string;
  file?: string;
  status: "passed" | "failed" | "error" | "skipped";
  durationMs: number;
  message?: string;
}

/** Coverage of one file in one run. */
export interface StoredCoverage {
  runId: number;
  jobId: number;
  file: string;
  linesTotal: number;
  linesCovered: number;
  branchesTotal: number;
  branchesCovered: number;
}

/** Persistence of parsed test reports and coverage. */
export class ReportsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores test results of a job. */
  async addTests(items: StoredTestResult[]): Promise<void> {
    for (let i = 0; i < items.length; i += 500) {
      await this.db
        .insertInto("test_results")
        .values(
          items.slice(i, i + 500).map((t) => ({
            run_id: t.runId,
            job_id: t.jobId,
            suite: t.suite,
            classname: t.classname,
            name: t.name,
            file: t.file ?? null,
            status: t.status,
            duration_ms: Math.round(t.durationMs),
            message: t.message ?? null,
          })),
        )
        .execute();
    }
  }

  /** Stores per-file coverage of a job. */
  async addCoverage(items: StoredCoverage[]): Promise<void> {
    for (let i = 0; i < items.length; i += 500) {
      await this.db
        .insertInto("coverage_files")
        .values(
          items.slice(i, i + 500).map((c) => ({
            run_id: c.runId,
            job_id: c.jobId,
            file: c.file,
            lines_total: c.linesTotal,
            lines_covered: c.linesCovered,
            branches_total: c.branchesTotal,
            branches_covered: c.branchesCovered,
          })),
        )
        .execute();
    }
  }

  /** Test results of a run, optionally only some statuses, paged by offset. */
  async tests(runId: number, opts: { status?: string; limit?: number; offset?: number } = {}) {
    let q = this.db
      .selectFrom("test_results")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("id")
      .limit(Math.min(opts.limit ?? 1000, 10_000))
      .offset(opts.offset ?? 0);
    if (opts.status) q = q.where("status", "=", opts.status);
    return (await q.execute()).map(
      (r): StoredTestResult => ({
        runId: r.run_id,
        jobId: r.job_id,
        suite: r.suite,
        classname: r.classname,
        name: r.name,
        file: r.file ?? undefined,
        status: r.status as StoredTestResult["status"],
        durationMs: r.duration_ms,
        message: r.message ?? undefined,
      }),
    );
  }

  /** Per-file coverage of a run. */
  async coverage(runId: number): Promise<StoredCoverage[]> {
    const rows = await this.db
      .selectFrom("coverage_files")
      .selectAll()
      .where("run_id", "=", runId)
      .orderBy("file")
      .execute();
    return rows.map((r) => ({
      runId: r.run_id,
      jobId: r.job_id,
      file: r.file,
      linesTotal: r.lines_total,
      linesCovered: r.lines_covered,
      branchesTotal: r.branches_total,
      branchesCovered: r.branches_covered,
    }));
  }
}
