import type { Store, TestHistoryRow } from "../store/index.js";
import { type FlakyTest, flakyTests } from "./flakiness.js";
import { type FlakinessState, learnedFlakyTests, testFlakinessModel } from "./flakiness-model.js";
import { withOutsideChange } from "./outside-change-evidence.js";
import { historyFromRows } from "./stored-history.js";

/** A project's tests with signs of flakiness, and the learned model version that listed them, if any. */
export interface ProjectFlakyTests {
  tests: FlakyTest[];
  model?: { name: string; version: number; through: string };
}

/**
 * A project's flaky tests as test intelligence knows them: the live `test-flakiness` version's list
 * (the runs it counted), else learnt from the project's latest `runs` runs (optionally one branch;
 * `rows`: that history when the caller has read it already); either way with the failures those
 * runs recorded outside the change (DeFlaker's evidence, see withOutsideChange).
 */
export async function projectFlakyTests(
  store: Store,
  projectId: number,
  window: { runs: number; branch?: string },
  rows?: readonly TestHistoryRow[],
): Promise<ProjectFlakyTests> {
  const history = rows ?? (await store.reports.projectHistory(projectId, window));
  const live = await store.modelVersions.live(testFlakinessModel.name, `project:${projectId}`);
  if (!live) return { tests: await withOutsideChange(store, flakyTests(historyFromRows(history)), history) };
  const state = live.state as FlakinessState;
  return {
    tests: await withOutsideChange(store, learnedFlakyTests(state, live.version), history),
    model: { name: live.model, version: live.version, through: new Date(state.through).toISOString() },
  };
}
