/**
 * The heal of one incident, exactly as the code below enforces it (DESIGN.md §5):
 *
 * ```
 * detected → diagnosing ─┬─ deploy_regression → mitigating (roll back) ─┐
 *                        ├─ code_bug | config | traffic_shift ──────────┴→ repairing → pr_open
 *                        └─ dependency | unknown → escalated (the fault is elsewhere / not understood)
 *          → ci_running → merging → deploying → verifying → resolved
 *
 * ci_running → repairing       the fix's CI failed and attempts remain (next fixer / patch)
 * deploying  → repairing       the fix's rollout was rolled back by its analysis, attempts remain
 * verifying  → rolled_back     the alert fired again after the fix shipped
 * rolled_back → repairing      …and attempts remain
 * any state except resolved/failed/escalated → escalated (needs a human, with a reason) | failed
 * escalated | failed → diagnosing   an operator retries it (`pitcrew heal retry N`)
 * ```
 *
 * - Policy decides how far automation goes (`heal.policy`, per service): `suggest` escalates after
 *   diagnosing, `pr` after pr_open, `merge` after merging, `deploy` goes all the way.
 * - Each state has a timeout and each heal an attempt budget for repairing; an exceeded timeout or
 *   an exhausted budget escalates with the reason.
 * - A transition is persisted (with its timeline entry) before the new state's action starts, so a
 *   crash at any point resumes by re-running the current state's action, which is idempotent.
 * - `resolved`, `failed` and `escalated` are final for the orchestrator (escalated and failed until
 *   retried; each keeps its reason).
 */
import { ConflictError } from "../common/errors.js";
import type { HealPolicy, HealState } from "../store/index.js";

export { HEAL_STATES, type HealPolicy, type HealState } from "../store/index.js";

/** States the orchestrator no longer drives. */
export const FINAL_STATES: readonly HealState[] = ["resolved", "escalated", "failed"];

const ALLOWED: Record<HealState, HealState[]> = {
  detected: ["diagnosing"],
  diagnosing: ["mitigating", "repairing"],
  mitigating: ["repairing"],
  repairing: ["pr_open"],
  pr_open: ["ci_running"],
  ci_running: ["merging", "repairing"],
  merging: ["deploying"],
  deploying: ["verifying", "repairing"],
  verifying: ["resolved", "rolled_back"],
  rolled_back: ["repairing"],
  resolved: [],
  escalated: ["diagnosing"],
  failed: ["diagnosing"],
};

/** True when the machine allows going from `from` to `to`. */
export function canHealTransition(from: HealState, to: HealState): boolean {
  if (to === "escalated" || to === "failed") return !FINAL_STATES.includes(from);
  return ALLOWED[from].includes(to);
}

/** Throws a ConflictError naming both states when the machine forbids the transition. */
export function assertHealTransition(id: number, from: HealState, to: HealState): void {
  if (!canHealTransition(from, to)) {
    throw new ConflictError(`heal ${id} is ${from}; it cannot become ${to}`, { state: from, wanted: to });
  }
}

/** The last state a policy lets the orchestrator reach before handing over to a person. */
export function policyStopsAfter(policy: HealPolicy): HealState | undefined {
  return { suggest: "diagnosing", pr: "pr_open", merge: "merging", deploy: undefined }[policy] as HealState | undefined;
}
