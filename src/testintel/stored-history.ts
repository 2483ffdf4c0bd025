import type { TestHistoryRow } from "../store/index.js";
import { HistoryModel, type HistoryModelOptions } from "./history-model.js";
import { runFromOutcomes, type TestOutcome } from "./test-run.js";

/**
 * Builds the history model from a project's stored test outcomes (`ReportsRepo.projectHistory`,
 * oldest run first). Outcomes are grouped per commit, in the order the commits were first built:
 * a job retried, or a run re-run, on the same commit is one run of the model, so a test that
 * failed on one attempt and passed on another is `mixed` — failed and passed on the same commit.
 */
export function historyFromRows(rows: readonly TestHistoryRow[], opts: HistoryModelOptions = {}): HistoryModel {
  const byCommit = new Map<string, { label: string; outcomes: TestOutcome[] }>();
  for (const r of rows) {
    const key = r.commitSha || `run-${r.runId}`;
    let group = byCommit.get(key);
    if (group === undefined) {
      group = { label: `run ${r.runId} (${r.commitSha.slice(0, 7) || "no commit"}, ${r.branch})`, outcomes: [] };
      byCommit.set(key, group);
    }
    group.outcomes.push({ id: r.testId, status: r.status, durationMs: r.durationMs });
  }
  const model = new HistoryModel(opts);
  for (const g of byCommit.values()) model.add(runFromOutcomes(g.label, g.outcomes));
  return model;
}
