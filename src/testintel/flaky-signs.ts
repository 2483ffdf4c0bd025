import type { TestResult } from "./test-run.js";

/** Most evidence labels kept per test (the newest). */
export const MAX_FLAKY_EVIDENCE = 5;

/** The counters flakiness reads, updated run by run by {@link recordFlakySigns}. */
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

/**
 * Counts one run's result of a test (runs in chronological order): a fail-and-pass in the run is
 * mixed; a failure streak that starts after a pass and ends with the next pass after one run is a
 * blip (a run that also passed is already counted as mixed); a streak reaching two runs is long.
 */
export function recordFlakySigns(s: FlakySigns, r: TestResult, label: string): void {
  s.runs++;
  if (r.mixed) {
    s.mixedRuns++;
    pushEvidence(s, `${label}: failed and passed in the same run`);
  }
  if (r.failed) {
    s.failures++;
    s.streak++;
    if (s.streak === 1) {
      s.passBeforeStreak = s.runs > 1 && !r.mixed;
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

function pushEvidence(s: FlakySigns, line: string): void {
  s.flakyEvidence.push(line);
  if (s.flakyEvidence.length > MAX_FLAKY_EVIDENCE) s.flakyEvidence.shift();
}
