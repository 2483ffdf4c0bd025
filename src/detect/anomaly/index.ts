/** Streaming anomaly detection for metric series: component detectors, their fusion and a registry. */
export { ChangePoint } from "./change-point.js";
export { DetectorRegistry, type DetectorRegistryOptions } from "./detector-registry.js";
export { Ensemble, type EnsembleSettings, type SeriesOutput, simes } from "./ensemble.js";
export { RateOfChange } from "./rate-of-change.js";
export { RelativeEntropy } from "./relative-entropy.js";
export { RobustZScore } from "./robust-zscore.js";
export { DAY_MS, SeasonalBaseline, WEEK_MS } from "./seasonal-baseline.js";
export {
  createSeriesDetector,
  DEFAULT_REFRACTORY,
  DEFAULT_WINDOW,
  EARLY_WARMUP,
  type SeriesDetector,
  type SeriesDetectorOptions,
} from "./series-detector.js";
export { TailCalibrator } from "./tail-calibrator.js";
export { TailThreshold } from "./tail-threshold.js";
export type { ComponentOutput, ComponentSizes, DetectorOutput, StreamingDetector } from "./types.js";
