/**
 * Status machines of runs, jobs and steps (DESIGN.md §4):
 *
 *   queued ──► running ──► success | failure | cancelled
 *     └──────────────────► skipped | cancelled      (a condition was false / the run was cancelled first)
 *
 * A job waiting for its needs is `queued` as well; `attempt` counts its retries.
 */
export type Status = "queued" | "running" | "success" | "failure" | "cancelled" | "skipped";

/** Statuses that never change again. */
export const FINISHED: readonly Status[] = ["success", "failure", "cancelled", "skipped"];

/** True when `s` is a terminal status. */
export function isFinished(s: string): boolean {
  return (FINISHED as readonly string[]).includes(s);
}
