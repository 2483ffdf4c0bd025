import type { HistoryModel } from "./history-model.js";

/**
 * Fixed cost assumed for every test on top of its measured duration, in ms (set-up, reporting):
 * keeps a test measured at 0 ms from looking free.
 */
export const PER_TEST_OVERHEAD_MS = 10;

/** Duration assumed for a test when no test of the history has a measured duration, in ms. */
const UNKNOWN_DURATION_MS = 1000;

/** Median measured duration over the history's tests, in ms: the guess for a test never measured. */
export function medianDurationMs(model: HistoryModel): number {
  const d: number[] = [];
  for (const s of model.tests()) if (s.durationMs > 0) d.push(s.durationMs);
  if (d.length === 0) return UNKNOWN_DURATION_MS;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

/** Mean duration of one test run over the whole history, in ms (0 with nothing measured). */
export function meanObservedMs(model: HistoryModel): number {
  const g = model.global;
  return g.observations === 0 ? 0 : g.observedMs / g.observations;
}
