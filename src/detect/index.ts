/** The public surface of detect/: what other domains import (nothing reaches past this file). */
export { DetectorRegistry, SnapshotError } from "./anomaly/index.js";
export {
  ANOMALY_CALIBRATION,
  anomalyCalibrationModel,
  type CalibrationState,
  calibrationScope,
} from "./learning/anomaly-calibration-model.js";
export { MAX_INPUT_SPAN_MS } from "./learning/anomaly-inputs.js";
export {
  LOG_TEMPLATES,
  type LogTemplatesState,
  logTemplatesModel,
  logTemplatesScope,
} from "./learning/log-templates-model.js";
export { type LogTemplatesRestore, restoreLogTemplates } from "./learning/restore-log-templates.js";
export { type CalibrationRestore, restoreCalibration } from "./learning/restore-calibration.js";
export { scoreFromP } from "./anomaly/surprise.js";
export type { LogFinding } from "./logmine/index.js";
export { LogTemplateWatcher } from "./logmine/index.js";
export { createSeriesDetector } from "./anomaly/index.js";
export { DEFAULT_WINDOW, EARLY_WARMUP } from "./anomaly/index.js";
export { CsvRowError } from "./anomaly/csv.js";
export { readSeriesRows } from "./anomaly/csv.js";
export { compileLogFormat } from "./logmine/index.js";
export type { LogFormat } from "./logmine/index.js";
export { LogMiner } from "./logmine/index.js";
export type { MinedLine } from "./logmine/index.js";
export { templateParams } from "./logmine/index.js";
export { templateText } from "./logmine/index.js";
export { maskTokens, tokenize } from "./logmine/index.js";
export type { LogCluster } from "./logmine/index.js";
export {
  type AnomalyWatchDeps,
  type AnomalyWatchSettings,
  type GoldenSignal,
  startAnomalyWatch,
} from "./watch/anomaly-watch.js";
