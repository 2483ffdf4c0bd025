import type { FlakySigns } from "./flaky-signs.js";
import type { HistoryModel } from "./history-model.js";

/** A test's flakiness with the evidence behind it. */
export interface FlakyTest {
  id: string;
  /** 0 (never behaved flakily) … towards 1 (its failures are mostly flakes). */
  score: number;
  /** True when the evidence is enough to call it flaky (see {@link isFlaky}). */
  flaky: boolean;
  runs: number;
  failures: number;
  /** Runs where it failed and passed (retries on the same commit). */
  mixedRuns: number;
  /** Single failures between two passing runs. */
  blips: number;
  /** The runs that show it (newest last). */
  evidence: string[];
  /**
   * Failures recorded outside the change (DeFlaker: the test's known, current dependencies held
   * none of the changed files), with their runs in `evidence`; a suspicion that never makes
   * `flaky` on its own. Absent: none (or a list learnt without the store).
   */
  outsideChange?: number;
  /** From a live version of the learned flakiness model: its version and why (absent otherwise). */
  reason?: string;
}

/**
 * Flakiness score of a test: flaky signs (a fail-and-pass in one run counts twice, a one-run blip
 * once) against regression-like failure streaks, `signs / (signs + 1 + longStreaks)`.
 */
export function flakinessScore(s: FlakySigns): number {
  const signs = 2 * s.mixedRuns + s.blips;
  return signs / (signs + 1 + s.longStreaks);
}

/**
 * A test is flaky when it failed and passed in the same run (the same commit) at least once, or
 * failed in isolated one-run blips at least twice and more often than in lasting streaks: one blip
 * alone is as likely a regression fixed by the next commit.
 */
export function isFlaky(s: FlakySigns): boolean {
  return s.mixedRuns > 0 || (s.blips >= 2 && s.blips > s.longStreaks);
}

/** Every test with any sign of flakiness, the flakiest first (then by id). */
export function flakyTests(model: HistoryModel): FlakyTest[] {
  const out: FlakyTest[] = [];
  for (const { id, signs: s } of model.tests()) {
    const score = flakinessScore(s);
    if (score === 0) continue;
    out.push({
      id,
      score,
      flaky: isFlaky(s),
      runs: s.runs,
      failures: s.failures,
      mixedRuns: s.mixedRuns,
      blips: s.blips,
      evidence: [...s.flakyEvidence],
    });
  }
  return out.sort(byFlakiness);
}

/** The flaky ones first, then by score, then by id. */
export function byFlakiness(a: FlakyTest, b: FlakyTest): number {
  return Number(b.flaky) - Number(a.flaky) || b.score - a.score || compareIds(a.id, b.id);
}

/** Plain code-unit order of ids, the tie-break everywhere (locale-independent). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
