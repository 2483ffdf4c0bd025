export type {
  AnalysisContext,
  AnalysisResult,
  AnalysisSpec,
  CheckResult,
  JudgeOptions,
  JudgeStats,
  Measurement,
  MetricCheck,
} from "./analysis.js";
export { type JudgedMetrics, type JudgeSamples, judge, judgeSettings } from "./judge.js";
export { type AlertLister, knownAlertsOf } from "./known-alerts.js";
export { passedOnItsOwn } from "./passed-on-its-own.js";
export { fisherExactGreater } from "./proportion-test.js";
export { scalarQuery } from "./metrics-query.js";
export { renderQuery } from "./promql-template.js";
export { runAnalysis } from "./run-analysis.js";
export { type WatchDeps, type WatchOptions, type WatchResult, watchRelease } from "./watch-release.js";
