/**
 * Did a release bring the error, or did it serve all traffic without it before the error began?
 * The release's clean time (fully live → the onset of the error's current episode) is weighed
 * against the error's rate since the onset (a Poisson count over the episode's span):
 *
 * - cleared: at a conservative rate (the count less two standard deviations) more than
 *   CLEARED_EXPECTED occurrences would have been logged in the clean time had the release brought
 *   the error (P(none) < 0.001);
 * - too few to tell: not cleared, but at the rate observed so far (or with a single occurrence,
 *   no rate at all) it would be. The conservative count is what holds the release back, and it
 *   rises with every error: a few more at that rate clear the release, a lower rate confirms the
 *   blame. Whoever acts on the blame should read the evidence again first;
 * - otherwise the clean time is too short for the rate: the blame stands on the count.
 */
import type { Hypothesis } from "../diagnosis.js";

/** Expected occurrences during a clean period past which a release is cleared: P(none | Poisson) < 0.001. */
export const CLEARED_EXPECTED = -Math.log(0.001);

/** The release weighed: when it went fully live. */
export interface ExposedRelease {
  at: number;
}

/** The error's current episode: its onset, newest occurrence and count. */
export interface ErrorEpisodeCounts {
  at: number;
  last: number;
  occurrences: number;
}

/** How long the release served all traffic before the onset (ms), and what the count says of it. */
export type CleanExposure =
  | { verdict: "cleared"; ms: number; expected: number }
  | { verdict: "too few to tell"; ms: number; errors: number }
  | undefined;

/**
 * Weighs `release`'s clean time against `episode` (see the module comment); undefined when the
 * release did not serve clean before the onset, or the count blames it.
 */
export function cleanExposure(release: ExposedRelease, episode: ErrorEpisodeCounts): CleanExposure {
  const ms = episode.at - release.at;
  if (ms <= 0) return undefined;
  const span = episode.last - episode.at;
  const n = episode.occurrences;
  if (span > 0) {
    const expected = (Math.max(0, n - 2 * Math.sqrt(n)) / span) * ms;
    if (expected > CLEARED_EXPECTED) return { verdict: "cleared", ms, expected: Math.round(expected) };
    if ((n / span) * ms <= CLEARED_EXPECTED) return undefined;
  }
  return { verdict: "too few to tell", ms, errors: n };
}

/**
 * True when `h` blames a release (≥ 0.5) only because the errors are still too few to tell
 * (its release evidence carries `tooFewErrors`): the evidence should be read again before acting.
 */
export function blameAwaitsErrors(h: Hypothesis): boolean {
  return (
    h.kind === "deploy_regression" &&
    h.confidence >= 0.5 &&
    h.evidence.some((e) => e.kind === "release" && e.data?.tooFewErrors !== undefined)
  );
}
