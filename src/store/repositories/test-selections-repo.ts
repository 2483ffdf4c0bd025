import type { Kysely, Selectable } from "kysely";
import type { DB, TestSelectionsTable } from "../schema.js";

/** Most skipped files listed in one stored selection (the rest are only counted). */
export const MAX_LISTED_SKIPPED = 200;
/** Longest reason kept for one skipped file, and longest summary line, in characters. */
export const MAX_SELECTION_TEXT = 1000;

/** Where a test selection was made: a `tests:` step of a job attempt. */
export interface TestSelectionStep {
  projectId: number;
  runId: number;
  jobId: number;
  attempt: number;
  step: number;
}

/** What the advice of one test step decided, as given to {@link TestSelectionsRepo.save}. */
export interface NewTestSelection extends TestSelectionStep {
  mode: string;
  filesTotal: number;
  filesRun: number;
  runMs: number;
  savedMs: number;
  unmeasuredSkipped: number;
  summary: string;
  fallback?: string;
  /** Every skipped file with its reason: the store keeps the first {@link MAX_LISTED_SKIPPED}. */
  skipped: readonly { file: string; detail: string }[];
  createdAt: number;
}

/** A stored test selection: `skipped` holds at most {@link MAX_LISTED_SKIPPED} files, `skippedCount` all of them. */
export interface TestSelectionRecord extends Omit<NewTestSelection, "skipped" | "fallback"> {
  id: number;
  fallback: string | null;
  skipped: { file: string; detail: string }[];
  skippedCount: number;
}

/** A stored selection as listed: without its skipped files (each list reads the summaries only). */
export type TestSelectionSummary = Omit<TestSelectionRecord, "skipped">;

/** The columns a list reads: every one but `skipped` (up to 200 files with reasons per row). */
const SUMMARY_COLUMNS = [
  "id",
  "project_id",
  "run_id",
  "job_id",
  "attempt",
  "step_idx",
  "mode",
  "files_total",
  "files_run",
  "run_ms",
  "saved_ms",
  "unmeasured_skipped",
  "summary",
  "fallback",
  "skipped_count",
  "created_at",
] as const;

/**
 * The test selections of `tests:` steps (migration 0041): one row per step of a job attempt,
 * replaced when the same step asks again (a retried question gets the same advice).
 */
export class TestSelectionsRepo {
  constructor(private readonly db: Kysely<DB>) {}

  /** Stores the selection of one step, bounded: the first skipped files listed, texts cut. */
  async save(s: NewTestSelection): Promise<void> {
    const cut = (t: string) => (t.length > MAX_SELECTION_TEXT ? `${t.slice(0, MAX_SELECTION_TEXT - 1)}…` : t);
    const listed = s.skipped.slice(0, MAX_LISTED_SKIPPED).map((k) => ({ file: cut(k.file), detail: cut(k.detail) }));
    const values = {
      mode: s.mode,
      files_total: s.filesTotal,
      files_run: s.filesRun,
      run_ms: Math.round(s.runMs),
      saved_ms: Math.round(s.savedMs),
      unmeasured_skipped: s.unmeasuredSkipped,
      summary: cut(s.summary),
      fallback: s.fallback === undefined ? null : cut(s.fallback),
      skipped: JSON.stringify(listed),
      skipped_count: s.skipped.length,
      created_at: s.createdAt,
    };
    await this.db
      .insertInto("test_selections")
      .values({
        project_id: s.projectId,
        run_id: s.runId,
        job_id: s.jobId,
        attempt: s.attempt,
        step_idx: s.step,
        ...values,
      })
      .onConflict((oc) => oc.columns(["job_id", "attempt", "step_idx"]).doUpdateSet(values))
      .execute();
  }

  /** A project's selections without their skipped files, newest first; `runId` keeps one run's; page with `beforeId`. */
  async list(
    projectId: number,
    q: { limit: number; beforeId?: number; runId?: number },
  ): Promise<TestSelectionSummary[]> {
    let sel = this.db.selectFrom("test_selections").select(SUMMARY_COLUMNS).where("project_id", "=", projectId);
    if (q.runId !== undefined) sel = sel.where("run_id", "=", q.runId);
    if (q.beforeId !== undefined) sel = sel.where("id", "<", q.beforeId);
    return (await sel.orderBy("id", "desc").limit(q.limit).execute()).map(toSummary);
  }

  /** One selection of the project, or undefined. */
  async get(projectId: number, id: number): Promise<TestSelectionRecord | undefined> {
    const row = await this.db
      .selectFrom("test_selections")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && toRecord(row);
  }
}

function toRecord(r: Selectable<TestSelectionsTable>): TestSelectionRecord {
  return { ...toSummary(r), skipped: JSON.parse(r.skipped) as { file: string; detail: string }[] };
}

function toSummary(r: Omit<Selectable<TestSelectionsTable>, "skipped">): TestSelectionSummary {
  return {
    id: Number(r.id),
    projectId: Number(r.project_id),
    runId: Number(r.run_id),
    jobId: Number(r.job_id),
    attempt: r.attempt,
    step: r.step_idx,
    mode: r.mode,
    filesTotal: r.files_total,
    filesRun: r.files_run,
    runMs: Number(r.run_ms),
    savedMs: Number(r.saved_ms),
    unmeasuredSkipped: r.unmeasured_skipped,
    summary: r.summary,
    fallback: r.fallback,
    skippedCount: r.skipped_count,
    createdAt: Number(r.created_at),
  };
}
