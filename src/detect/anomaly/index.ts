/** Streaming anomaly detection for metric series: component detectors, their fusion and a registry. */
export { ChangePoint } from "./change-point.js";
export { DetectorRegistry, type DetectorRegistryOptions } from "./detector-registry.js";
export { SnapshotError } from "./detector-snapshot.js";
export { Ensemble, type EnsembleSettings, type EnsembleSnapshot, type SeriesOutput, simes } from "./ensemble.js";
export { RateOfChange } from "./rate-of-change.js";
export { RelativeEntropy } from "./relative-entropy.js";
export { RobustZScore } from "./robust-zscore.js";
export { DAY_MS, SeasonalBaseline, WEEK_MS } from "./seasonal-baseline.js";
export {
  createSeriesDetector,
  DEFAULT_REFRACTORY,
  DEFAULT_WINDOW,
  EARLY_WARMUP,
  restoreSeriesDetector,
  type SeriesDetector,
  type SeriesDetectorOptions,
  type SeriesDetectorSnapshot,
  snapshotSeriesDetector,
} from "./series-detector.js";
export { TailCalibrator } from "./tail-calibrator.js";
export { TailThreshold } from "./tail-threshold.js";
export type {
  ComponentDetector,
  ComponentOutput,
  ComponentSizes,
  DetectorOutput,
  StreamingDetector,
} from "./types.js";
