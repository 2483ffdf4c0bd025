/**
 * The model port: what a learned component declares so the registry can train it on the store's
 * history, evaluate it on data it never saw beside the model it would replace, promote or refuse
 * it, watch it for drift and explain each of its predictions (docs/learning.md).
 *
 * Lifecycle and rules:
 * 1. `dataset(store, scope, window)` reads the items whose time `at` lies in the window, oldest
 *    first. It only reads; it is bounded by the window (and its own limits).
 * 2. `train(items)` is a pure function of the items: the same items give the same state. The state
 *    is plain JSON (it is stored as a version and read back by any later process).
 * 3. `evaluate(state, context, items)` scores a state on `items` (after the training window),
 *    given `context` (the items up to the window's end, which a deployed model would have had as
 *    input history); it never trains on `items`. `perItem` holds the primary metric of every
 *    evaluation unit, in the same order for every state, so two states can be compared pairwise.
 * 4. `predict` and `explain` serve one prediction; `explain` names the features behind it.
 *    `update` (optional) adjusts a state with newer items: the online path, gated like training;
 *    with `onlineUpdateRuns` the server runs it as runs finish.
 * 5. Nothing here writes to the store or emits events: the registry does, after deciding.
 * Methods, not function properties: a registry holds models of different state types.
 */
import type { Store } from "../store/index.js";

/** Whether a larger value of a metric is better. */
export type MetricDirection = "higher" | "lower";

/** One evaluation metric a model reports. */
export interface MetricSpec {
  name: string;
  direction: MetricDirection;
  description: string;
}

/** A closed time range in epoch ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** An item of a model's data set: one unit of training and evaluation, at a point in time. */
export interface DataItem {
  /** When it happened, epoch ms: what the time split cuts on. */
  at: number;
}

/** A state's figures on evaluation items. */
export interface Evaluation {
  /** Aggregate value of every declared metric. */
  metrics: Record<string, number>;
  /** The primary metric of each evaluation unit (items that count), in item order. */
  perItem: number[];
  /** Distinct classes predicted at least once (empty for a ranking): the class-collapse guard. */
  classes: string[];
  /** Mean time of one prediction in ms: the latency guard. */
  latencyMs: number;
}

/** What one feature contributed to a prediction. */
export interface FeatureContribution {
  name: string;
  value: number;
  contribution: number;
}

/** Why a model predicted what it did. */
export interface Explanation {
  summary: string;
  /** Most influential first. */
  features: FeatureContribution[];
}

/** A learned component, as the registry sees it (see the lifecycle above). */
export interface LearnedModel<State, Item extends DataItem, Input, Output> {
  /** Stable name, e.g. `test-failure`. */
  readonly name: string;
  /** What it predicts, in words. */
  readonly task: string;
  /** Version of the code that trains and predicts; stored with every version. */
  readonly codeVersion: string;
  /** Its metrics; the first is the primary one that promotion compares. */
  readonly metrics: readonly MetricSpec[];
  /** Mean time one prediction may take, in ms (the latency guard). */
  readonly latencyBudgetMs: number;
  /**
   * With `update`: the server applies an online update (`applyOnlineUpdate`) of a project's scope
   * after this many of its runs finished. Absent: online updates run only when asked for.
   */
  readonly onlineUpdateRuns?: number;
  /**
   * What its scopes are: `project:<id>` (the default; trained and retrained per project) or
   * `service:<name>` (learnt online per service; the scheduled retraining leaves it alone).
   */
  readonly scopeKind?: "project" | "service";
  /**
   * With it, an online update is rolled back only when it is worse beyond the noise: the paired
   * bootstrap's chance that it is not worse is below this. Without, any lower mean rolls it back.
   */
  readonly onlineWorseP?: number;
  /**
   * For a primary metric in units (seconds, not a share): the live metric drifts when it is worse
   * than its figure when the version went live by more than this share of that figure. Without,
   * by more than the drift bounds' `metricDrop` (an absolute difference).
   */
  readonly relativeMetricDrop?: number;
  /** States of its newest versions kept per scope (default `KEPT_STATES`): less for big states. */
  readonly keptStates?: number;
  /** The shipped default state: the incumbent while no version is live. */
  initialState(): State;
  /** The items of `scope` with `at` in `window`, oldest first. */
  dataset(store: Store, scope: string, window: TimeWindow): Promise<Item[]>;
  /** Learns a state from items (oldest first). */
  train(items: readonly Item[]): State;
  /** Online update (optional): `state` adjusted by the newer `items` (after `context`). */
  update?(state: State, context: readonly Item[], items: readonly Item[]): State;
  /** Scores a state on `items`, with `context` the history before them. */
  evaluate(state: State, context: readonly Item[], items: readonly Item[]): Evaluation;
  /** One prediction. */
  predict(state: State, input: Input): Output;
  /** Why `predict(state, input)` came out as it did. */
  explain(state: State, input: Input): Explanation;
  /** Values of the main input features over `items` (after `context`), per feature name (for drift). */
  features(context: readonly Item[], items: readonly Item[]): Record<string, number[]>;
}

/** A model of any state type, as the registry stores them side by side. */
// biome-ignore lint/suspicious/noExplicitAny: the registry treats states, items and outputs as opaque
export type AnyLearnedModel = LearnedModel<any, DataItem, any, any>;
