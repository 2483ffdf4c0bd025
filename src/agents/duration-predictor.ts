/**
 * Predicts how long a job will run from the durations of its earlier runs. Pure and in memory:
 * the caller feeds finished jobs (`observe`) and asks before placing one (`predict`).
 *
 * Fallback chain, most specific first; a level answers when it holds at least `minSamples`
 * durations (the job level and the project level answer from one):
 *   1. job + branch + changed areas   (the top-level directories the commit touched; skipped when
 *                                      the paths are unknown)
 *   2. job + branch
 *   3. job                            (any branch: a new pull request starts here)
 *   4. project                        (a job never seen before)
 *   5. `defaultMs`
 * A level's estimate is the median of its last `window` durations: one slow outlier (a cold
 * cache, a hung test) does not move it, and a lasting change takes over within half a window.
 *
 * State is bounded: at most `maxKeys` keys (least recently used evicted), each with at most
 * `window` durations.
 */

/** One finished job, as the predictor learns from it. */
export interface DurationSample extends DurationQuery {
  durationMs: number;
}

/** What is known of a job before it runs. */
export interface DurationQuery {
  project: string;
  /** The job's key in its pipeline (matrix values included). */
  job: string;
  branch: string;
  /** Paths the commit changed (repository-relative); empty when unknown. */
  paths: readonly string[];
}

/** Which level of the fallback chain answered. */
export type PredictionBasis = "job+branch+paths" | "job+branch" | "job" | "project" | "default";

/** A predicted duration and where it came from. */
export interface DurationPrediction {
  ms: number;
  basis: PredictionBasis;
  /** Durations behind the estimate (0 for the default). */
  samples: number;
}

/** Options of {@link DurationPredictor}. */
export interface DurationPredictorOptions {
  /** Durations kept per key (default 8). */
  window?: number;
  /** Keys kept in all (default 20 000). */
  maxKeys?: number;
  /** Durations a branch-specific level needs before it answers (default 3). */
  minSamples?: number;
  /** The estimate with no history at all (default 5 minutes). */
  defaultMs?: number;
}

/** The top-level directories of `paths`, sorted and unique: a commit's "changed areas". */
export function changedAreas(paths: readonly string[]): string {
  const areas = new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.indexOf("/")) : ".")));
  return [...areas].sort().join(",");
}

/** Job duration predictor with a fallback chain and bounded state. */
export class DurationPredictor {
  readonly #keys = new Map<string, number[]>();
  readonly #window: number;
  readonly #maxKeys: number;
  readonly #minSamples: number;
  readonly #defaultMs: number;

  constructor(opts: DurationPredictorOptions = {}) {
    this.#window = opts.window ?? 8;
    this.#maxKeys = opts.maxKeys ?? 20_000;
    this.#minSamples = opts.minSamples ?? 3;
    this.#defaultMs = opts.defaultMs ?? 300_000;
  }

  /** Learns one finished job's duration. */
  observe(s: DurationSample): void {
    for (const key of levelKeys(s)) this.#push(key.key, s.durationMs);
  }

  /** The expected duration of a job about to run. */
  predict(q: DurationQuery): DurationPrediction {
    for (const { key, basis } of levelKeys(q)) {
      const ring = this.#keys.get(key);
      const needed = basis === "job" || basis === "project" ? 1 : this.#minSamples;
      if (ring && ring.length >= needed) {
        this.#touch(key, ring);
        return { ms: median(ring), basis, samples: ring.length };
      }
    }
    return { ms: this.#defaultMs, basis: "default", samples: 0 };
  }

  /** Keys held now (at most `maxKeys`). */
  get size(): number {
    return this.#keys.size;
  }

  #push(key: string, ms: number): void {
    const ring = this.#keys.get(key) ?? [];
    ring.push(ms);
    if (ring.length > this.#window) ring.shift();
    this.#touch(key, ring);
    while (this.#keys.size > this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value as string);
  }

  /** Moves `key` to the most recently used end of the map. */
  #touch(key: string, ring: number[]): void {
    this.#keys.delete(key);
    this.#keys.set(key, ring);
  }
}

/** The keys of the fallback chain for `q`, most specific first (NUL-separated: no name holds one). */
function levelKeys(q: DurationQuery): { key: string; basis: PredictionBasis }[] {
  const job = `${q.project}\0${q.job}`;
  const byPaths = q.paths.length
    ? [{ key: `a\0${job}\0${q.branch}\0${changedAreas(q.paths)}`, basis: "job+branch+paths" as const }]
    : [];
  return [
    ...byPaths,
    { key: `b\0${job}\0${q.branch}`, basis: "job+branch" },
    { key: `j\0${job}`, basis: "job" },
    { key: `p\0${q.project}`, basis: "project" },
  ];
}

/** The median of a non-empty list (the lower middle for an even count: an observed duration). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}
