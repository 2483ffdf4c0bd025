/**
 * A rollout is a persisted state machine; every transition is written before its side effect
 * starts, so a crash of pitcrew leaves a row that says what may have been half done.
 *
 * ```
 * progressing ──(pause without duration)──► paused ──(promote)──► progressing
 * progressing ──(all steps done)──► succeeded
 * progressing | paused ──(analysis fails, replicas fail, abort, rollback)──► rolling_back ──► rolled_back
 * progressing | paused | rolling_back ──(pitcrew restarted)──► aborted   (traffic back on the baseline)
 * progressing ──(cannot even start the release)──► failed
 * ```
 * A release follows: `pending` → `live` (rollout succeeded; the previous live one becomes
 * `superseded`) | `failed` (never took traffic for good) | `rolled_back` (taken back out).
 */

import type { RolloutState } from "../../store/index.js";

export { FINAL_ROLLOUT_STATES, type RolloutState } from "../../store/index.js";

const NEXT: Record<RolloutState, readonly RolloutState[]> = {
  progressing: ["paused", "succeeded", "rolling_back", "aborted", "failed"],
  paused: ["progressing", "rolling_back", "aborted"],
  rolling_back: ["rolled_back", "aborted"],
  succeeded: [],
  rolled_back: [],
  aborted: [],
  failed: [],
};

/** Whether the machine allows `from → to`. */
export function canTransition(from: RolloutState, to: RolloutState): boolean {
  return NEXT[from].includes(to);
}

/** The states the machine allows to move to `to`: what a transition compares-and-sets against. */
export function rolloutSources(to: RolloutState): RolloutState[] {
  return (Object.keys(NEXT) as RolloutState[]).filter((from) => canTransition(from, to));
}
