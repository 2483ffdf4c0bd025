/** The diagnose domain's public surface: stack traces → code → commit. */
export { type AnalyzeOptions, analyzeStack, type StackAnalysis } from "./analyze-stack.js";
export { type BlameInfo, blameLine } from "./locate/blame.js";
export {
  type FileChange,
  type ReleaseDiff,
  type ReleaseRange,
  recentFileChanges,
  releaseDiff,
} from "./locate/recent-changes.js";
export { normalizeFramePath, RepoMap } from "./locate/repo-map.js";
export { rankSuspects, type Suspect, type SuspectEvidence } from "./locate/suspects.js";
export { type FrameJson, type StackReport, toStackReport } from "./stack-report.js";
export {
  decodeTraceInput,
  type FoundTrace,
  findTrace,
  findTraces,
  MAX_TRACE_INPUT_BYTES,
} from "./stacktrace/detect.js";
export { classifyFrames, isLibraryFrame, isTestFrame, matchesAppPrefix } from "./stacktrace/in-app.js";
export { recordText } from "./stacktrace/record-text.js";
export { applySourceMaps } from "./stacktrace/source-map.js";
export { TraceInputError, type TraceInputProblem } from "./stacktrace/trace-input-error.js";
export type { CauseRelation, Frame, Language, ParsedTrace } from "./stacktrace/types.js";
