export type {
  AnyLearnedModel,
  DataItem,
  Evaluation,
  Explanation,
  FeatureContribution,
  LearnedModel,
  MetricDirection,
  MetricSpec,
  TimeWindow,
} from "./learned-model.js";
export type { LearningDeps } from "./learning-deps.js";
export { fitLogistic, type LogisticModel, logisticTerms, sigmoid } from "./logistic-regression.js";
export { type Incumbent, ModelRegistry } from "./model-registry.js";
export { BOOTSTRAP_RESAMPLES, type PairedComparison, pairedBootstrap } from "./paired-bootstrap.js";
export { type FeatureProfile, featureProfile, populationStability, PSI_BINS } from "./population-stability.js";
export {
  DEFAULT_GATE,
  decidePromotion,
  type GateOptions,
  type GuardResult,
  type PromotionDecision,
} from "./promotion-decision.js";
export { seededRandom } from "./seeded-random.js";
export { DEFAULT_HORIZON_MS, DEFAULT_WINDOW_MS, type TimeSplit, timeSplit } from "./time-split.js";
export { checkDrift, DEFAULT_DRIFT_BOUNDS, type DriftBounds, type DriftReport } from "./drift-check.js";
export {
  applyOnlineUpdate,
  HELD_OUT_SHARE,
  type OnlineUpdateDecision,
  onlineUpdateDecision,
} from "./online-update.js";
