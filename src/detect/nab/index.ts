/** A faithful TypeScript port of the Numenta Anomaly Benchmark scorer (NAB v1.1, `nab/sweeper.py`). */
export {
  type FileScore,
  optimizeThreshold,
  type ProfileResult,
  scoreAtThreshold,
  scoreDetector,
} from "./corpus-scorer.js";
export { parseNabTimestamp, windowsFromJson } from "./labels.js";
export { MAX_TP, scaledSigmoid } from "./scaled-sigmoid.js";
export { calcScoreByThreshold, calcSweepScore, PROBATION_PERCENT, probationLength, rowAtThreshold } from "./sweeper.js";
export type { AnomalyPoint, AnomalyWindow, CostMatrix, ScoredFile, ThresholdScore } from "./types.js";
