/**
 * The diagnose domain's public surface, the one home of diagnosis: stack traces → code → commit,
 * and an incident's diagnosis (ranked hypotheses with evidence) from its logs and deploys.
 */
export { type AnalyzeOptions, analyzeStack, type StackAnalysis } from "./analyze-stack.js";
export type { Diagnosis, Evidence, Hypothesis, HypothesisKind } from "./diagnosis.js";
export {
  type DiagnoseOptions,
  diagnoseIncident,
  ERROR_LEVELS,
  type IncidentDiagnosis,
  type IncidentEvidence,
  type RecentDeploy,
} from "./incident/diagnose-incident.js";
export { blameAwaitsErrors } from "./incident/clean-exposure.js";
export { errorSignature } from "./incident/error-signature.js";
export {
  type ShapeCounts,
  shiftWithoutTrace,
  type TrafficByShape,
  type TrafficShiftData,
  type TrafficWindow,
  trafficShiftOf,
} from "./incident/traffic-shift.js";
export { type BlameInfo, blameLine } from "./locate/blame.js";
export {
  type FileChange,
  type ReleaseDiff,
  type ReleaseRange,
  recentFileChanges,
  releaseDiff,
} from "./locate/recent-changes.js";
export { normalizeFramePath, RepoMap } from "./locate/repo-map.js";
export { type SuspectFile, suspectFiles } from "./locate/suspect-files.js";
export { causeChain, rankSuspects, type Suspect, type SuspectEvidence } from "./locate/suspects.js";
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
