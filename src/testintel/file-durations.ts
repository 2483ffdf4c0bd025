import type { TestHistoryRow } from "../store/index.js";

/**
 * Each test file's expected run time from stored outcomes, in ms: the sum of its tests' durations
 * in one job attempt, averaged over the attempts that ran it (rows without a file are left out).
 * What a skipped file saves, and what a file run costs; a file absent from the map was never measured.
 */
export function expectedFileMs(rows: readonly TestHistoryRow[]): Map<string, number> {
  const perFile = new Map<string, { total: number; attempts: Set<string> }>();
  for (const r of rows) {
    if (r.file === null) continue;
    let f = perFile.get(r.file);
    if (f === undefined) {
      f = { total: 0, attempts: new Set() };
      perFile.set(r.file, f);
    }
    f.total += Math.max(0, r.durationMs);
    f.attempts.add(`${r.jobId}/${r.attempt}`);
  }
  return new Map([...perFile].map(([file, f]) => [file, f.total / f.attempts.size]));
}
