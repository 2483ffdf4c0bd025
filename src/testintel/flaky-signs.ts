import type { TestResult, TestRun } from "./test-run.js";

/** Most evidence labels kept per test (the newest). */
export const MAX_FLAKY_EVIDENCE = 5;

/**
 * A run in which more than this share of its tests failed (and at least
 * {@link BROKEN_RUN_MIN_FAILURES}) is broken — a dead runner, a red build — and says nothing about
 * any one test: it is not counted as a sign (nor evaluated by the learned flakiness).
 */
export const BROKEN_RUN_SHARE = 0.5;
/** Fewest failures that make a run broken (a suite of three with two failing is not). */
export const BROKEN_RUN_MIN_FAILURES = 10;
/**
 * A run in which more than this share of its tests failed (and at least
 * {@link BROKEN_RUN_MIN_FAILURES}), short of broken, is a storm: counted, but a failure that
 * starts in it is explained by the run (a flaky runner, a bad mirror), so it is never a blip.
 */
export const STORM_RUN_SHARE = 0.2;

/** The counters flakiness reads, updated run by run by {@link countFlakySigns}. */
export interface FlakySigns {
  /** Runs the test ran in (skipped runs excluded) and how many of them it failed. */
  runs: number;
  failures: number;
  /** Current run of consecutive failures (0 after a pass). */
  streak: number;
  /** Runs where it failed and passed (retries on the same commit). */
  mixedRuns: number;
  /** Single failed runs between two passes: a blip, not a regression that stayed until fixed. */
  blips: number;
  /** Failure streaks of two runs or more (regressions that stayed until someone fixed them). */
  longStreaks: number;
  /** Labels of the runs that make it look flaky (newest last, at most {@link MAX_FLAKY_EVIDENCE}). */
  flakyEvidence: string[];
  /** Whether the current failure streak started right after a passing run. */
  passBeforeStreak: boolean;
  /** Label of the run that started the current failure streak. */
  streakLabel: string;
}

/** The signs of a test that has not run yet. */
export function noFlakySigns(): FlakySigns {
  return {
    runs: 0,
    failures: 0,
    streak: 0,
    mixedRuns: 0,
    blips: 0,
    longStreaks: 0,
    flakyEvidence: [],
    passBeforeStreak: false,
    streakLabel: "",
  };
}

/** Whether most of a run's tests failed (see {@link BROKEN_RUN_SHARE}). */
export function isBrokenRun(run: TestRun): boolean {
  const failed = failedCount(run);
  return failed >= BROKEN_RUN_MIN_FAILURES && failed > BROKEN_RUN_SHARE * run.results.size;
}

/** Failed tests of a run. */
function failedCount(run: TestRun): number {
  let failed = 0;
  for (const r of run.results.values()) if (r.failed) failed++;
  return failed;
}

/** Whether a run's failures are a storm (see {@link STORM_RUN_SHARE}; a broken run is one too). */
export function isStormRun(run: TestRun): boolean {
  const failed = failedCount(run);
  return failed >= BROKEN_RUN_MIN_FAILURES && failed > STORM_RUN_SHARE * run.results.size;
}

/**
 * The one counting of flakiness (the history model's and the learned model's): counts a run
 * (runs in chronological order) into the signs of its tests that `signsOf` returns (undefined:
 * not counted), unless the run is broken; in a storm run a failure is not the start of a blip.
 * Returns whether it was counted.
 */
export function countFlakySigns(run: TestRun, signsOf: (id: string, r: TestResult) => FlakySigns | undefined): boolean {
  if (isBrokenRun(run)) return false;
  const storm = isStormRun(run);
  for (const [id, r] of run.results) {
    const s = signsOf(id, r);
    if (s !== undefined) recordFlakySigns(s, r, run.label, storm);
  }
  return true;
}

/**
 * Counts one run's result of a test (runs in chronological order): a fail-and-pass in the run is
 * mixed; a failure streak that starts after a pass, outside a storm run, and ends with the next
 * pass after one run is a blip (a run that also passed is already counted as mixed); a streak
 * reaching two runs is long.
 */
function recordFlakySigns(s: FlakySigns, r: TestResult, label: string, storm: boolean): void {
  s.runs++;
  if (r.mixed) recordMixedRun(s, label);
  if (r.failed) {
    s.failures++;
    s.streak++;
    if (s.streak === 1) {
      s.passBeforeStreak = s.runs > 1 && !r.mixed && !storm;
      s.streakLabel = label;
    }
    if (s.streak === 2) s.longStreaks++;
    return;
  }
  if (s.streak === 1 && s.passBeforeStreak) {
    s.blips++;
    pushEvidence(s, `${s.streakLabel}: failed once between passing runs`);
  }
  s.streak = 0;
}

/**
 * Counts a fail-and-pass in the run `label` (a retry on its commit); also for a run counted
 * before its retry was stored, which adds only this sign.
 */
export function recordMixedRun(s: FlakySigns, label: string): void {
  s.mixedRuns++;
  pushEvidence(s, `${label}: failed and passed in the same run`);
}

function pushEvidence(s: FlakySigns, line: string): void {
  s.flakyEvidence.push(line);
  if (s.flakyEvidence.length > MAX_FLAKY_EVIDENCE) s.flakyEvidence.shift();
}
