import type { Store, TestHistoryRow } from "../../store/index.js";
import { type TestFailureState, testFailureModel } from "../failure-model.js";
import type { HistoryModel } from "../history-model.js";
import { prioritizeLearned } from "../learned-prioritize.js";
import { prioritize } from "../prioritize.js";
import { historyFromRows } from "../stored-history.js";
import { CO_FAILURE_TRUSTS, type CoFailureModel, type FailureCommit, learnCoFailure } from "./co-failure.js";
import {
  type CoFailureSettings,
  coFailureSettingsOf,
  SHIPPED_CO_FAILURE,
  TEST_COFAILURE,
} from "./co-failure-settings.js";
import type { TestFileIndex } from "./test-file-of.js";

/** Runs of stored history read for a selection. */
export const SELECTION_HISTORY_RUNS = 300;
/** A test file that failed in one of the project's latest this-many commits "failed recently". */
export const RECENT_COMMITS = 3;

/** What the project's stored test history says about each test file of a request. */
export interface HistorySignals {
  /** Predicted failure probability per test file (any of its tests failing), from the live model or the heuristic. */
  probability: Map<string, number>;
  /** How the probability was made, for decision sentences: `test-failure v3` or `history heuristic`. */
  predictor: string;
  /** Test file → the run it failed in among the latest {@link RECENT_COMMITS} commits. */
  failedRecently: Map<string, string>;
  coFailure: CoFailureModel;
  /** How co-failure was counted and selects: the live `test-cofailure` version's settings, else the shipped rule. */
  coFailureSettings: CoFailureSettings;
  /** Where the settings came from, for decision sentences: `test-cofailure v2` or `shipped rule`. */
  coFailureSource: string;
}

/**
 * Reads the project's latest stored runs and derives the per-file signals of a selection: the
 * failure probability of each test file (its test ids mapped to files by `index`), the files that
 * failed recently (in the latest commits of any runs and of protected runs), and the co-failure
 * model between changed files and failing test files, counted from protected pushed runs only
 * ({@link CO_FAILURE_TRUSTS}) with the live `test-cofailure` version's settings (the shipped rule
 * without one, or when its state is not one this code reads). git ends by `deadline` (epoch ms).
 */
export async function historySignals(
  store: Store,
  projectId: number,
  repoDir: string,
  index: TestFileIndex,
  deadline?: number,
): Promise<HistorySignals> {
  const rows = await store.reports.projectHistory(projectId, { runs: SELECTION_HISTORY_RUNS });
  // a window of its own: other runs cannot crowd out the runs co-failure counts
  const trustedRows = await store.reports.projectHistory(projectId, {
    runs: SELECTION_HISTORY_RUNS,
    trusts: CO_FAILURE_TRUSTS,
  });
  const reportedFiles = new Map<string, string>();
  // what a trusted run reported a test's file to be, another run cannot change
  for (const r of [...rows, ...trustedRows]) if (r.file !== null) reportedFiles.set(r.testId, r.file);
  const fileOf = new Map<string, string | undefined>();
  const mapId = (id: string) => {
    if (!fileOf.has(id)) fileOf.set(id, index.fileOf(id, reportedFiles.get(id)));
    return fileOf.get(id);
  };
  const model = historyFromRows(rows);
  const live = await store.modelVersions.live(testFailureModel.name, `project:${projectId}`);
  const probability = fileProbabilities(
    model,
    live && { state: live.state as TestFailureState, version: live.version },
    mapId,
  );
  const failedRecently = new Map<string, string>();
  const ordered = failureCommits(rows, mapId);
  const trusted = failureCommits(trustedRows, mapId);
  // other runs' failures only add to the trusted ones: their commits cannot push those out
  for (const [, c] of [...ordered.slice(-RECENT_COMMITS), ...trusted.slice(-RECENT_COMMITS)].reverse()) {
    for (const f of c.failed) if (!failedRecently.has(f)) failedRecently.set(f, c.label);
  }
  const history: FailureCommit[] = trusted
    .filter(([sha]) => !sha.startsWith("run-"))
    .map(([sha, c]) => ({ sha, failedFiles: c.failed }));
  const liveCoFailure = await store.modelVersions.live(TEST_COFAILURE, `project:${projectId}`);
  const learnt = liveCoFailure && coFailureSettingsOf(liveCoFailure.state);
  const coFailureSettings = learnt ?? { ...SHIPPED_CO_FAILURE };
  return {
    probability,
    predictor: live ? `${testFailureModel.name} v${live.version}` : "the history heuristic",
    failedRecently,
    coFailure: await learnCoFailure(repoDir, history, coFailureSettings, deadline),
    coFailureSettings,
    coFailureSource: learnt ? `${TEST_COFAILURE} v${liveCoFailure!.version}` : "shipped rule",
  };
}

/** Per commit (a run without one on its own), oldest first: a label naming its run and the test files that failed. */
function failureCommits(rows: readonly TestHistoryRow[], mapId: (id: string) => string | undefined) {
  const commits = new Map<string, { label: string; failed: Set<string> }>();
  for (const r of rows) {
    const key = r.commitSha || `run-${r.runId}`;
    const c = commits.get(key) ?? {
      label: `run ${r.runId} (${r.commitSha.slice(0, 7) || "no commit"}, ${r.branch})`,
      failed: new Set<string>(),
    };
    commits.set(key, c);
    const file = r.status === "failed" || r.status === "error" ? mapId(r.testId) : undefined;
    if (file !== undefined) c.failed.add(file);
  }
  return [...commits.entries()];
}

/** Chance that any test of a file fails: 1 − Π(1 − p) over its test ids. */
function fileProbabilities(
  model: HistoryModel,
  live: { state: TestFailureState; version: number } | undefined,
  mapId: (id: string) => string | undefined,
): Map<string, number> {
  const ids = [...model.tests()].map((t) => t.id);
  const ranked = live ? prioritizeLearned(live.state, live.version, model, ids) : prioritize(model, ids);
  const survive = new Map<string, number>();
  for (const r of ranked) {
    const file = mapId(r.id);
    if (file !== undefined) survive.set(file, (survive.get(file) ?? 1) * (1 - r.probability));
  }
  return new Map([...survive].map(([f, s]) => [f, 1 - s]));
}
