import type { SelectionRequest, TestSelection, TestSelector } from "../selection.js";
import { SelectionDeadlineError } from "./deadline.js";

/**
 * A selector that asks `primary` (the change-based one) and, when it cannot answer — a checkout
 * without git history, a diff git refuses — asks `fallback` (the history-only one), saying why in
 * the selection's `fullRunReason`, so a test step never fails because selection did. A passed
 * deadline (SelectionDeadlineError) is thrown on: the caller stopped waiting, so nothing more runs.
 */
export function withFallback(primary: TestSelector, fallback: TestSelector): TestSelector {
  return {
    async select(request: SelectionRequest): Promise<TestSelection> {
      try {
        return await primary.select(request);
      } catch (err) {
        if (err instanceof SelectionDeadlineError) throw err;
        const why = (err instanceof Error ? err.message : String(err)).split("\n")[0]!.slice(0, 300);
        const selection = await fallback.select(
          request.mode === "select" ? { ...request, mode: "prioritize" } : request,
        );
        return {
          ...selection,
          fullRunReason: `change-based selection failed (${why}): the test history orders every file`,
        };
      }
    },
  };
}
