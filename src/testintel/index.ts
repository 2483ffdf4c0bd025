export { type Candidates, MAX_CANDIDATES_BYTES, parseCandidates } from "./candidates.js";
export { compareIds, type FlakyTest, flakinessScore, flakyTests, isFlaky } from "./flakiness.js";
export { type LoadedHistory, loadHistoryDir, MAX_HISTORY_FILES, type SkippedRun } from "./history-dir.js";
export {
  DEFAULT_HALF_LIFE_RUNS,
  type GlobalStats,
  HistoryModel,
  type HistoryModelOptions,
  type TestStats,
} from "./history-model.js";
export { type FailurePrediction, predictFailure } from "./predict-failure.js";
export { prioritize, type RankedTest } from "./prioritize.js";
export { meanObservedMs, medianDurationMs, PER_TEST_OVERHEAD_MS } from "./test-cost.js";
export { hasClassAndName, MAX_TEST_ID_CHARS, testId, testIdProblem } from "./test-id.js";
export { historyFromRows } from "./stored-history.js";
export { expectedFileMs } from "./file-durations.js";
export { runFromCases, runFromOutcomes, type TestOutcome, type TestResult, type TestRun } from "./test-run.js";
export { FAILURE_FEATURES, failureFeatures } from "./failure-features.js";
export {
  apfd,
  DRIFT_FEATURES,
  evaluateOrdering,
  MAX_TRAINING_SAMPLES,
  orderTests,
  type TestFailureInput,
  type TestFailureState,
  testFailureModel,
  trainTestFailure,
  updateTestFailure,
} from "./failure-model.js";
export { runsFromRows, type TimedRun } from "./stored-history.js";
export { prioritizeLearned } from "./learned-prioritize.js";
export {
  evaluateLabels,
  FLAKINESS_UPDATE_RUNS,
  type FlakinessState,
  learnedFlakyTests,
  testFlakinessModel,
} from "./flakiness-model.js";
export type {
  SelectionDecision,
  SelectionMode,
  SelectionRequest,
  TestDependencyRecorder,
  TestSelection,
  TestSelector,
} from "./selection.js";
export { ChangeTestSelector, MAX_TEST_FILES } from "./select/change-selector.js";
export { withFallback } from "./select/fallback-selector.js";
export { selectAtCommit } from "./select/select-at-commit.js";
export { isTestFileName, listRepoFiles } from "./select/test-files.js";
export { DependencyRecorder } from "./deps/dependency-recorder.js";
export { readV8Coverage } from "./deps/v8-coverage.js";
export { MAX_PY_COVERAGE_FILES, type PyRunCoverage, readPyCoverageJson } from "./deps/py-coverage.js";
export { type ProjectFlakyTests, projectFlakyTests } from "./project-flaky-tests.js";
export { createHistorySelector, SELECTOR_HISTORY_RUNS } from "./history-selector.js";
export {
  type CoFailureSettings,
  coFailureSettingsOf,
  describeCoFailureSettings,
  SHIPPED_CO_FAILURE,
  TEST_COFAILURE,
} from "./select/co-failure-settings.js";
export {
  type CoFailureInput,
  type CoFailurePrediction,
  coFailureItems,
  coFailureScope,
  testCoFailureModel,
} from "./select/co-failure-model.js";
export { CO_FAILURE_TRUSTS } from "./select/co-failure.js";
export { type CoFailureItem, CoFailureReplay, type ReplayFigures } from "./select/co-failure-replay.js";
