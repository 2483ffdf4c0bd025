/**
 * Every status column's values, as string-literal unions. They live here, below the domains, so
 * the schema and the repositories can type their columns and the domains import them from the
 * store — never the other way round. The transition rules between them belong to the domains
 * (runner/engine, heal/heal-machine.ts, deploy/rollouts/rollout-machine.ts, incidents/…).
 */

/**
 * Status machines of runs, jobs and steps (DESIGN.md §4):
 *
 *   queued ──► running ──► success | failure | cancelled
 *     └──────────────────► skipped | cancelled      (a condition was false / the run was cancelled first)
 *
 * A job waiting for its needs is `queued` as well; `attempt` counts its retries.
 */
export type Status = "queued" | "running" | "success" | "failure" | "cancelled" | "skipped";

/** Every run/job/step status, in the order of the machine above. */
export const STATUSES = [
  "queued",
  "running",
  "success",
  "failure",
  "cancelled",
  "skipped",
] as const satisfies readonly Status[];

/** Run/job/step statuses that never change again. */
export const FINISHED: readonly Status[] = ["success", "failure", "cancelled", "skipped"];

/** True when `s` is a terminal run/job/step status. */
export function isFinished(s: string): boolean {
  return (FINISHED as readonly string[]).includes(s);
}

/** How far a run is trusted, from most to least (what each level may use: runner/trust.ts). */
export type RunTrust = "protected" | "branch" | "pull_request" | "fork";

/** Every trust level, to validate stored values. */
export const RUN_TRUSTS: readonly RunTrust[] = ["protected", "branch", "pull_request", "fork"];

/** Every state a heal can be in (the machine is heal/heal-machine.ts). */
export const HEAL_STATES = [
  "detected",
  "diagnosing",
  "mitigating",
  "repairing",
  "pr_open",
  "ci_running",
  "merging",
  "deploying",
  "verifying",
  "rolled_back",
  "resolved",
  "escalated",
  "failed",
] as const;

/** Where a heal is in its state machine. */
export type HealState = (typeof HEAL_STATES)[number];

/**
 * Where the release reverter is with one rolled-back rollout (heal/revert/release-reverter.ts):
 * `planned` (recorded, no pull request yet) → `open` (its revert PR waits for CI) → `merged`;
 * `planned` → `skipped` (with the reason); `open` → `failed` (CI red or the PR closed).
 */
export type ReleaseRevertState = "planned" | "open" | "merged" | "skipped" | "failed";

/** How far heal automation may go for a service. */
export type HealPolicy = "suggest" | "pr" | "merge" | "deploy";

/** States of a rollout (the machine is deploy/rollouts/rollout-machine.ts). */
export type RolloutState =
  | "progressing"
  | "paused"
  | "rolling_back"
  | "succeeded"
  | "rolled_back"
  | "aborted"
  | "failed";

/** States a rollout never leaves. */
export const FINAL_ROLLOUT_STATES: readonly RolloutState[] = ["succeeded", "rolled_back", "aborted", "failed"];

/** Life of a release in one environment. */
export type ReleaseStatusName = "pending" | "live" | "superseded" | "failed" | "rolled_back";

/** A release build: `running ──► success | failure` (deploy/releases/release-build.ts). */
export type ReleaseBuildStatus = "running" | "success" | "failure";

/** Status of one step of a rollout. */
export type RolloutStepStatus = "running" | "waiting" | "passed" | "failed" | "skipped";

/** Where an incident is in its lifecycle (see incidents/incident-lifecycle.ts). */
export type IncidentStatus = "open" | "acknowledged" | "resolved";

/** What kind of signal joined an incident. */
export type SignalKind = "alert" | "anomaly";

/** Whether a signal is still firing. */
export type SignalStatus = "firing" | "resolved";

/** pending (rule condition true, `for` not yet elapsed) → firing → resolved. */
export type AlertStatus = "pending" | "firing" | "resolved";

/** Who evaluated an alert. */
export type AlertSource = "alertmanager" | "pitcrew-rules";

/** Where a pull request is: `open → merged | closed` (see forge/forge.ts). */
export type PullRequestState = "open" | "merged" | "closed";

/** Status of one check on a pull request. */
export type CheckStatus = "pending" | "success" | "failure";

/** Where an item of the persisted queue is (see queue/memory/memory-queue.ts). */
export type QueueItemStatus = "queued" | "leased" | "failed";

/**
 * Where a learned model version is (see learning/model-registry.ts): `candidate → live | refused |
 * shadow`, `shadow → live | refused`, `live → retired` (replaced or rolled back), `retired → live`
 * (rollback to it).
 */
export type ModelStatus = "candidate" | "shadow" | "live" | "refused" | "retired";

/**
 * Where a `pitcrew agent` is (agents/agent-hub.ts):
 *
 *   online ──SIGTERM──► draining ──jobs done──► offline
 *     └───────┴── no heartbeat for the agent lease ──► lost (its jobs are retried elsewhere)
 */
export type AgentState = "online" | "draining" | "lost" | "offline";

/** Every agent state, in the order of the machine above. */
export const AGENT_STATES = ["online", "draining", "lost", "offline"] as const satisfies readonly AgentState[];
