/**
 * The heal actions port: the work each state of a heal does, behind one interface so the
 * orchestrator (heal-orchestrator.ts) holds only the decisions of the state machine.
 *
 * Protocol:
 *   - Each method is called while the heal is in the matching state, possibly many times: after
 *     a crash the current state's action runs again, and a `pending` answer is polled again on
 *     the next tick. Implementations must therefore be idempotent — e.g. `repair` finds the PR it
 *     already opened for this heal instead of opening a second one, `deploy` looks up the rollout
 *     it started (recorded with `ctx.progress`) before starting one.
 *   - `ctx.progress(data)` persists facts about work started (a rollout id, a PR number) before
 *     the action waits on them, so a resumed action finds them in `ctx.heal.data`.
 *   - A thrown error is recorded on the heal and the action is retried on the next tick, up to the
 *     orchestrator's error budget; `ctx.signal` aborts when the orchestrator stops.
 */
import type { HypothesisKind } from "../diagnose/index.js";
import type { Heal } from "../store/index.js";
import type { Incident } from "../store/index.js";

/** What an action is given. */
export interface HealContext {
  heal: Heal;
  incident: Incident;
  signal: AbortSignal;
  /** Persists facts about started work into the heal's data (see the protocol). */
  progress(data: Record<string, unknown>): Promise<void>;
}

/** The outcome of diagnosing an incident. */
export interface HealDiagnosis {
  /** The leading hypothesis, or `unknown` when nothing actionable was found. */
  kind: HypothesisKind | "unknown";
  confidence: number;
  /** Plain-language explanation for the timeline and the PR. */
  summary: string;
  data?: Record<string, unknown>;
}

/** A pull request opened by a repair. */
export interface HealPullRequest {
  repo: string;
  number: number;
  url: string;
  title: string;
}

/** An answer that may not be final yet. */
export type Pending<T extends string> =
  | { status: "pending"; note?: string }
  | { status: T; note: string; data?: Record<string, unknown> };

/** The work of each heal state. */
export interface HealActions {
  /** diagnosing: hypotheses from the incident's signals, logs, traces and recent deploys. */
  diagnose(ctx: HealContext): Promise<HealDiagnosis>;
  /** mitigating: stop the bleeding (roll the service back to its previous release). */
  mitigate(ctx: HealContext): Promise<Pending<"done">>;
  /** repairing: a validated patch as a pull request, or why none could be made. */
  repair(ctx: HealContext): Promise<{ pr: HealPullRequest; note: string } | { none: string }>;
  /** ci_running: the PR's CI status. */
  checkCi(ctx: HealContext): Promise<Pending<"success" | "failure">>;
  /** merging: merge the PR (the merge policy decides); returns the merge commit. */
  merge(ctx: HealContext): Promise<{ sha: string; note: string }>;
  /** deploying: ship the merged commit (progressively) and report how the rollout ended. */
  deploy(ctx: HealContext): Promise<Pending<"succeeded" | "rolled_back">>;
  /** verifying: watch the service after the deploy; `regressed` when the alert fires again. */
  verify(ctx: HealContext): Promise<Pending<"healthy" | "regressed">>;
}
