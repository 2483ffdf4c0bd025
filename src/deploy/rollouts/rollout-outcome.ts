/**
 * How a rollout stands, as callers act on it (the healing loop ships a fix again when a restart
 * interrupted its rollout, and reports a rollback that ended so). Derived from the state alone:
 * only `recover` ends a rollout `aborted` (see rollout-machine.ts), so `aborted` means interrupted.
 */
import type { Rollout } from "../../store/index.js";

/** A rollout's outcome. */
export type RolloutOutcome =
  | { kind: "in_progress" }
  | { kind: "succeeded" }
  | { kind: "rolled_back"; reason: string }
  | { kind: "failed"; reason: string }
  | { kind: "interrupted"; reason: string };

/** The outcome of `rollout` so far. */
export function rolloutOutcome(rollout: Pick<Rollout, "state" | "message">): RolloutOutcome {
  switch (rollout.state) {
    case "succeeded":
      return { kind: "succeeded" };
    case "rolled_back":
      return { kind: "rolled_back", reason: rollout.message };
    case "failed":
      return { kind: "failed", reason: rollout.message };
    case "aborted":
      return { kind: "interrupted", reason: rollout.message };
    default:
      return { kind: "in_progress" };
  }
}
