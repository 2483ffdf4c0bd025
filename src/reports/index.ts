export { type CollectedReports, type CollectOptions, collectReports } from "./collect.js";
export { type CoverageFormat, detectCoverageFormat, parseCoverage } from "./coverage.js";
export { parseCobertura } from "./cobertura.js";
export type { CoverageOptions, FileCoverage } from "./file-coverage.js";
export { type GateInput, type GateName, type GateResult, evaluateGates } from "./gates.js";
export { parseJestJson } from "./jest-json.js";
export { type JUnitReport, parseJUnit, type TestCase, type TestStatus } from "./junit.js";
export { writeJUnit } from "./junit-writer.js";
export { clampedNote, MAX_TEST_DURATION_MS } from "./test-duration.js";
export { parseLcov } from "./lcov.js";
export { DEFAULT_MAX_REPORT_BYTES, type ReportInputOptions } from "./report-input.js";
export {
  type CoverageSummary,
  mergeFileCoverage,
  summarizeCoverage,
  summarizeTests,
  type TestSummary,
} from "./summary.js";
export {
  assertSafePattern,
  matchWorkspaceFiles,
  type SkippedFile,
  type WorkspaceFile,
  type WorkspaceMatch,
} from "./workspace-files.js";
