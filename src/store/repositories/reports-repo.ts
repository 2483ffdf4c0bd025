import type { Kysely } from "kysely";
import type { DB } from "../schema.js";
import { RUN_TRUSTS, type RunTrust } from "../statuses.js";

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
  /** Failure/error text, typically a stack trace (capped by the report reader). */
  details?: string;
  /** A flaky failure reported without failing its job (quarantined, or passed on a rerun). */
  quarantined?: boolean;
}

/** A test case to store, with what the test history needs (project, id, attempt, commit, branch, time). */
export interface NewTestResult extends StoredTestResult {
  projectId: number;
  /** Stable id `classname.name` (testintel's `testId`). */
  testId: string;
  attempt: number;
  commitSha: string;
  branch: string;
  createdAt: number;
}

/** One test outcome in a project's history, oldest run first. */
export interface TestHistoryRow {
  runId: number;
  jobId: number;
  /** The job's key (a matrix leg's names its values): outcomes of different jobs are not comparable. */
  jobKey: string;
  /** The run's trust: what a pull request's run reported must not excuse a pushed run's failure. */
  runTrust: RunTrust;
  attempt: number;
  commitSha: string;
  branch: string;
  testId: string;
  /** The test's source file when its report named one. */
  file: string | null;
  status: StoredTestResult["status"];
  durationMs: number;
  createdAt: number;
}

/** Most runs one history query reads. */
export const MAX_HISTORY_RUNS = 2000;

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
  async addTests(items: NewTestResult[]): Promise<void> {
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
            details: t.details ?? null,
            quarantined: t.quarantined ? 1 : 0,
            project_id: t.projectId,
            test_id: t.testId,
            attempt: t.attempt,
            commit_sha: t.commitSha,
            branch: t.branch,
            created_at: t.createdAt,
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
        details: r.details ?? undefined,
        ...(r.quarantined === 1 && { quarantined: true }),
      }),
    );
  }

  /**
   * The test outcomes of a project's last `runs` runs that stored test results (at most
   * {@link MAX_HISTORY_RUNS}), optionally of one branch, of runs of the given `trusts` only (the
   * window then counts only those runs, so other runs cannot crowd them out) and with results
   * stored in [from, to] (epoch ms), oldest run first: two index range scans.
   */
  async projectHistory(
    projectId: number,
    opts: { runs?: number; branch?: string; from?: number; to?: number; trusts?: readonly RunTrust[] } = {},
  ): Promise<TestHistoryRow[]> {
    const limit = Math.max(1, Math.min(opts.runs ?? 300, MAX_HISTORY_RUNS));
    let ids = this.db
      .selectFrom("test_results")
      .select("run_id")
      .distinct()
      .where("project_id", "=", projectId)
      .orderBy("run_id", "desc")
      .limit(limit);
    if (opts.branch !== undefined) ids = ids.where("branch", "=", opts.branch);
    if (opts.from !== undefined) ids = ids.where("created_at", ">=", opts.from);
    if (opts.to !== undefined) ids = ids.where("created_at", "<=", opts.to);
    if (opts.trusts !== undefined) {
      const trusts = [...opts.trusts];
      if (trusts.length === 0) return [];
      ids = ids.where("run_id", "in", (eb) =>
        eb
          .selectFrom("runs")
          .select("runs.id")
          .where("runs.project_id", "=", projectId)
          .where("runs.trust", "in", trusts),
      );
    }
    const runIds = (await ids.execute()).map((r) => r.run_id);
    if (runIds.length === 0) return [];
    const rows = await this.historyQuery()
      .where("t.project_id", "=", projectId)
      .where("t.run_id", "in", runIds)
      .orderBy("t.run_id")
      .orderBy("t.id")
      .execute();
    return rows.map(toHistoryRow);
  }

  /** One test's outcomes in a project, newest first (at most `limit`, default 100, max 1000). */
  async testHistory(projectId: number, testId: string, limit = 100): Promise<TestHistoryRow[]> {
    const rows = await this.historyQuery()
      .where("t.project_id", "=", projectId)
      .where("t.test_id", "=", testId)
      .orderBy("t.run_id", "desc")
      .orderBy("t.id", "desc")
      .limit(Math.max(1, Math.min(limit, 1000)))
      .execute();
    return rows.map(toHistoryRow);
  }

  /** The columns of a TestHistoryRow: a stored outcome with its job's key and its run's trust. */
  private historyQuery() {
    return this.db
      .selectFrom("test_results as t")
      .innerJoin("jobs as j", "j.id", "t.job_id")
      .innerJoin("runs as r", "r.id", "t.run_id")
      .select([
        "t.run_id",
        "t.job_id",
        "j.key as job_key",
        "r.trust as run_trust",
        "t.attempt",
        "t.commit_sha",
        "t.branch",
        "t.test_id",
        "t.file",
        "t.status",
        "t.duration_ms",
        "t.created_at",
      ]);
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

function toHistoryRow(r: {
  run_id: number;
  job_id: number;
  job_key: string;
  run_trust: string;
  attempt: number | null;
  commit_sha: string | null;
  branch: string | null;
  test_id: string | null;
  file: string | null;
  status: string;
  duration_ms: number;
  created_at: number | null;
}): TestHistoryRow {
  return {
    runId: Number(r.run_id),
    jobId: Number(r.job_id),
    jobKey: r.job_key,
    runTrust: (RUN_TRUSTS as readonly string[]).includes(r.run_trust) ? (r.run_trust as RunTrust) : "fork",
    attempt: r.attempt ?? 1,
    commitSha: r.commit_sha ?? "",
    branch: r.branch ?? "",
    testId: r.test_id ?? "",
    file: r.file,
    status: r.status as StoredTestResult["status"],
    durationMs: r.duration_ms,
    createdAt: Number(r.created_at ?? 0),
  };
}
