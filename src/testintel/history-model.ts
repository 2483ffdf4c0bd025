import { countFlakySigns, type FlakySigns, noFlakySigns } from "./flaky-signs.js";
import type { TestRun } from "./test-run.js";

/** Default half-life of the recency weighting, in runs: a failure 20 runs ago counts half. */
export const DEFAULT_HALF_LIFE_RUNS = 20;

/** What the model knows about one test, updated run by run (its flaky signs included). */
export interface TestStats {
  id: string;
  /** Runs the test ran in (skipped runs excluded, broken runs included) and how many it failed. */
  runs: number;
  failures: number;
  /** Current run of consecutive failures (0 after a pass). */
  streak: number;
  /** Its flaky signs ({@link countFlakySigns}: broken runs are not counted). */
  signs: FlakySigns;
  /** Index (in the model's run sequence) of its first run, last run and last failure (-1: none). */
  firstRun: number;
  lastRun: number;
  lastFailRun: number;
  /** Whether it failed the last time it ran. */
  lastFailed: boolean;
  /** After a failed run, how often the next run failed again (`afterFailFailed`) or passed. */
  afterFailFailed: number;
  afterFailPassed: number;
  /** Recency-weighted failures and runs, decayed to run index `decayedAt`. */
  decayedFailures: number;
  decayedRuns: number;
  decayedAt: number;
  /** Exponentially weighted mean duration in ms (0 until it ran). */
  durationMs: number;
}

/** Counters over all tests, the priors for tests with little or no history. */
export interface GlobalStats {
  runs: number;
  observations: number;
  /** Sum of the measured durations of all observations, in ms. */
  observedMs: number;
  failures: number;
  afterFailFailed: number;
  afterFailPassed: number;
  /** Tests that appeared after the first run, and how many of them failed in their first run. */
  newTests: number;
  newTestsFailedFirst: number;
}

/** Options of the history model. */
export interface HistoryModelOptions {
  /** Half-life of the recency weighting in runs (default {@link DEFAULT_HALF_LIFE_RUNS}). */
  halfLifeRuns?: number;
}

/**
 * The in-memory test history every test-intelligence decision reads: fed runs in chronological
 * order (`add`), it keeps per-test counters in O(tests per run) per run, so the CLI's offline
 * contract, the server and the benchmarks all learn the same way from the same shape of data.
 */
export class HistoryModel {
  readonly halfLifeRuns: number;
  readonly #tests = new Map<string, TestStats>();
  readonly global: GlobalStats = {
    runs: 0,
    observations: 0,
    observedMs: 0,
    failures: 0,
    afterFailFailed: 0,
    afterFailPassed: 0,
    newTests: 0,
    newTestsFailedFirst: 0,
  };

  constructor(opts: HistoryModelOptions = {}) {
    this.halfLifeRuns = opts.halfLifeRuns ?? DEFAULT_HALF_LIFE_RUNS;
    if (!(this.halfLifeRuns > 0)) throw new RangeError("halfLifeRuns must be positive");
  }

  /** Number of runs learnt from. */
  get runs(): number {
    return this.global.runs;
  }

  /** The stats of one test, or undefined when it never ran. */
  get(id: string): TestStats | undefined {
    return this.#tests.get(id);
  }

  /** Every test seen, in first-seen order. */
  tests(): IterableIterator<TestStats> {
    return this.#tests.values();
  }

  /** Learns one run; runs must be added oldest first. */
  add(run: TestRun): void {
    const index = this.global.runs++;
    const g = this.global;
    for (const [id, r] of run.results) {
      let s = this.#tests.get(id);
      if (s === undefined) {
        s = newStats(id, index);
        this.#tests.set(id, s);
        if (index > 0) {
          g.newTests++;
          if (r.failed) g.newTestsFailedFirst++;
        }
      }
      g.observations++;
      g.observedMs += r.durationMs;
      if (r.failed) g.failures++;
      if (s.lastFailed) {
        if (r.failed) {
          s.afterFailFailed++;
          g.afterFailFailed++;
        } else {
          s.afterFailPassed++;
          g.afterFailPassed++;
        }
      }
      this.#decay(s, index);
      s.decayedRuns += 1;
      if (r.failed) s.decayedFailures += 1;
      s.runs++;
      if (r.failed) {
        s.failures++;
        s.streak++;
        s.lastFailRun = index;
      } else s.streak = 0;
      if (r.durationMs > 0) s.durationMs = s.durationMs === 0 ? r.durationMs : 0.7 * s.durationMs + 0.3 * r.durationMs;
      s.lastFailed = r.failed;
      s.lastRun = index;
    }
    countFlakySigns(run, (id) => this.#tests.get(id)!.signs);
  }

  /** Recency-weighted failures and runs of a test as of the latest run. */
  decayed(s: TestStats): { failures: number; runs: number } {
    const f = 0.5 ** ((this.global.runs - 1 - s.decayedAt) / this.halfLifeRuns);
    return { failures: s.decayedFailures * f, runs: s.decayedRuns * f };
  }

  #decay(s: TestStats, index: number): void {
    if (index === s.decayedAt) return;
    const f = 0.5 ** ((index - s.decayedAt) / this.halfLifeRuns);
    s.decayedFailures *= f;
    s.decayedRuns *= f;
    s.decayedAt = index;
  }
}

function newStats(id: string, index: number): TestStats {
  return {
    id,
    runs: 0,
    failures: 0,
    streak: 0,
    signs: noFlakySigns(),
    firstRun: index,
    lastRun: index,
    lastFailRun: -1,
    lastFailed: false,
    afterFailFailed: 0,
    afterFailPassed: 0,
    decayedFailures: 0,
    decayedRuns: 0,
    decayedAt: index,
    durationMs: 0,
  };
}
