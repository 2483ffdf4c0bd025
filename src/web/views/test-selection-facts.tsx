/** How a test step's selection is said in the dashboard: its rate and the time it saved. */
import { formatDuration, formatPercent } from "../format.js";
import type { TestSelection } from "../types.js";

/** `3 of 10 files (30.0 %)`. */
export function selectionRate(s: TestSelection): string {
  return `${s.filesRun} of ${s.filesTotal} files (${formatPercent(s.filesTotal ? s.filesRun / s.filesTotal : null)})`;
}

/** `1.2 s of 4.0 s (30.0 %)`, with the skipped files the history never measured. */
export function timeSaved(s: TestSelection): string {
  const total = s.runMs + s.savedMs;
  if (total === 0 && s.unmeasuredSkipped === 0) return "— (no measured durations in the history yet)";
  const share = total > 0 ? ` (${formatPercent(s.savedMs / total)})` : "";
  const unknown = s.unmeasuredSkipped > 0 ? `, and ${s.unmeasuredSkipped} skipped file(s) never measured` : "";
  return `${formatDuration(s.savedMs)} of ${formatDuration(total)}${share}${unknown}`;
}
