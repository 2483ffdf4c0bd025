import { ValidationError } from "../common/errors.js";
import type { TimeWindow } from "../learning/index.js";
import type { Store, TestHistoryRow } from "../store/index.js";
import { HistoryModel, type HistoryModelOptions } from "./history-model.js";
import { runFromOutcomes, type TestOutcome, type TestRun } from "./test-run.js";

/** One run of the model as stored: the run, and when its first outcome was stored (epoch ms). */
export interface TimedRun {
  at: number;
  run: TestRun;
}

/**
 * Groups a project's stored test outcomes (`ReportsRepo.projectHistory`, oldest run first) into
 * runs of the model: per commit and job (key, a matrix leg's included), in the order they were
 * first built. A job retried, or a run re-run, on the same commit is one run of the model, so a
 * test that failed on one attempt and passed on another is `mixed` — failed and passed on the
 * same commit; a test that passes in one matrix leg and fails in another is not.
 */
export function runsFromRows(rows: readonly TestHistoryRow[]): TimedRun[] {
  const byCommit = new Map<string, { at: number; label: string; outcomes: TestOutcome[] }>();
  for (const r of rows) {
    const key = `${r.commitSha || `run-${r.runId}`}\0${r.jobKey}`;
    let group = byCommit.get(key);
    if (group === undefined) {
      group = {
        at: r.createdAt,
        label: `run ${r.runId} (${r.commitSha.slice(0, 7) || "no commit"}, ${r.branch})`,
        outcomes: [],
      };
      byCommit.set(key, group);
    }
    group.outcomes.push({ id: r.testId, status: r.status, durationMs: r.durationMs });
  }
  return [...byCommit.values()].map((g) => ({ at: g.at, run: runFromOutcomes(g.label, g.outcomes) }));
}

/** Builds the history model from a project's stored test outcomes (see {@link runsFromRows}). */
export function historyFromRows(rows: readonly TestHistoryRow[], opts: HistoryModelOptions = {}): HistoryModel {
  const model = new HistoryModel(opts);
  for (const r of runsFromRows(rows)) model.add(r.run);
  return model;
}

/** Most runs read from the store for one learned model's data set. */
export const MAX_DATASET_RUNS = 2000;

/**
 * The data set of a learned test model: the runs of the project of `scope` (`project:<id>`) with
 * results stored in `window`, the newest {@link MAX_DATASET_RUNS} of them, oldest first.
 */
export async function storedRuns(store: Store, model: string, scope: string, window: TimeWindow): Promise<TimedRun[]> {
  const m = /^project:(\d+)$/.exec(scope);
  if (!m) throw new ValidationError(`the ${model} model is trained per project (scope project:<id>), got '${scope}'`);
  const rows = await store.reports.projectHistory(Number(m[1]), {
    runs: MAX_DATASET_RUNS,
    from: window.from,
    to: window.to,
  });
  return runsFromRows(rows);
}
