import type { Store, TestSelectionStep } from "../../store/index.js";
import type { SelectionMode } from "../../testintel/index.js";
import type { TestAdvice, TestAdvisor } from "../tests/test-advice.js";

/**
 * Stores what a test step's advice decided (the dashboard's selection rate, time saved and skip
 * reasons): files run of the step's files, the expected time of the files run and of those
 * skipped (from the history durations the advice carries; a skipped file never measured is
 * counted apart), and every skipped file with its reason (the store keeps a bounded list).
 */
export async function recordTestSelection(
  store: Store,
  where: TestSelectionStep,
  request: { mode: SelectionMode; testFiles: readonly string[] },
  advice: TestAdvice,
  at: number,
  fallback?: string,
): Promise<void> {
  const ms = advice.expectedMs ?? new Map<string, number>();
  let runMs = 0;
  for (const f of advice.run) runMs += ms.get(f) ?? 0;
  let savedMs = 0;
  let unmeasured = 0;
  for (const s of advice.skipped) {
    const d = ms.get(s.file);
    if (d === undefined) unmeasured++;
    else savedMs += d;
  }
  await store.testSelections.save({
    ...where,
    mode: request.mode,
    filesTotal: new Set(request.testFiles).size,
    filesRun: advice.run.length,
    runMs,
    savedMs,
    unmeasuredSkipped: unmeasured,
    summary: advice.summary,
    ...(fallback !== undefined && { fallback }),
    skipped: advice.skipped,
    createdAt: at,
  });
}

/**
 * A server worker's advisor that stores each advice's selection (recordTestSelection) before the
 * step runs a file; a store that refuses it is said through `warn` and the step goes on.
 */
export function recordingAdvisor(
  store: Store,
  job: Omit<TestSelectionStep, "step">,
  advise: TestAdvisor,
  now: () => number,
  warn: (line: string) => void,
): TestAdvisor {
  return async (request) => {
    const advice = await advise(request);
    try {
      await recordTestSelection(store, { ...job, step: request.step }, request, advice, now());
    } catch (err) {
      warn(`tests: the selection was not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
    return advice;
  };
}
