/**
 * Longest duration a test case may have once parsed: a day. A report is the job's output, and a
 * `time="1e9"` would otherwise top "slowest", inflate the time a selection saves and, past
 * 2^63 ms, overflow a PostgreSQL bigint. A longer duration is clamped to this (and said by the
 * callers that log: test steps, report collection).
 */
export const MAX_TEST_DURATION_MS = 24 * 60 * 60 * 1000;

/** A reported duration in ms as stored: whole, at least 0 (unreadable is 0), at most {@link MAX_TEST_DURATION_MS}. */
export function clampDurationMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return Number.isNaN(ms) || ms <= 0 ? 0 : MAX_TEST_DURATION_MS;
  return Math.min(Math.round(ms), MAX_TEST_DURATION_MS);
}

/** The sentence saying how many of `cases` had their duration clamped, or undefined when none. */
export function clampedNote(cases: readonly { durationMs: number }[]): string | undefined {
  const n = cases.filter((c) => c.durationMs >= MAX_TEST_DURATION_MS).length;
  return n === 0
    ? undefined
    : `${n} test case(s) reported a duration of a day or more: clamped to ${MAX_TEST_DURATION_MS} ms`;
}
