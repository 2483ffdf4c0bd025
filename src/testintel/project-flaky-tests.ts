import type { Store, TestHistoryRow } from "../store/index.js";
import { type FlakyTest, flakyTests } from "./flakiness.js";
import { type FlakinessState, learnedFlakyTests, testFlakinessModel } from "./flakiness-model.js";
import { historyFromRows } from "./stored-history.js";

/** A project's tests with signs of flakiness, and the learned model version that listed them, if any. */
export interface ProjectFlakyTests {
  tests: FlakyTest[];
  model?: { name: string; version: number; through: string };
}

/**
 * A project's flaky tests as test intelligence knows them: the live `test-flakiness` version's list
 * (the runs it counted), else learnt from the project's latest `runs` runs (optionally one branch;
 * `rows`: that history when the caller has read it already).
 */
export async function projectFlakyTests(
  store: Store,
  projectId: number,
  window: { runs: number; branch?: string },
  rows?: readonly TestHistoryRow[],
): Promise<ProjectFlakyTests> {
  const live = await store.modelVersions.live(testFlakinessModel.name, `project:${projectId}`);
  if (!live)
    return { tests: flakyTests(historyFromRows(rows ?? (await store.reports.projectHistory(projectId, window)))) };
  const state = live.state as FlakinessState;
  return {
    tests: learnedFlakyTests(state, live.version),
    model: { name: live.model, version: live.version, through: new Date(state.through).toISOString() },
  };
}
