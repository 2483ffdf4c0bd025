/**
 * Failure analysis: why a build failed. Ranks the log lines that explain a failed job (error
 * signals, template rarity through the log miner, stack traces through the stack parsers, position
 * and failing step) and classifies the cause, every score with its evidence.
 */
export { FAILURE_CATEGORIES, type FailureCategory } from "./category.js";
export { classifyLines } from "./classify.js";
export { type CleanLine, cleanLine } from "./clean-line.js";
export {
  explainFailedJob,
  type FailureExplanationDeps,
  startFailureExplanations,
} from "./explain-failed-jobs.js";
export { runExplanation } from "./run-explanation.js";
export { type CorrelationFinding, correlate } from "./correlate.js";
export { type DependencyChange, dependencyChanges } from "./dependency-changes.js";
export {
  type CorrelationDeps,
  correlateRunFailures,
  type FirstFailure,
  type JobCorrelation,
  type SignatureGroup,
} from "./failure-correlation.js";
export { type FailureSignature, failureSignature } from "./failure-signature.js";
export { type FailedTest, explainJob, type JobExplanation, type JobFacts } from "./explain-job.js";
export {
  type ExplainOptions,
  explainLines,
  explainLogFile,
  explainLogText,
  MAX_EXPLAINED_LINES,
} from "./explain-log.js";
export type {
  CategoryEvidence,
  ExplainedLine,
  FailureClassification,
  LineEvidence,
  LogExplanation,
} from "./explanation.js";
export { LogInputError, type LogInputProblem } from "./log-input-error.js";
export { LogScanner, type ScanLimits, type ScannedLine, type ScanResult } from "./log-scanner.js";
export { rankLines } from "./rank-lines.js";
export { MAX_LINE_BYTES, type RawLine, readLogFile, readLogStream } from "./read-log-lines.js";
export { type LineSignals, lineSignals, SIGNAL_RULES, type SignalRule } from "./signals.js";
