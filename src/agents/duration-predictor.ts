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
 * `window`, `minSamples` and whether level 1 is used are its {@link DurationSettings}: the options'
 * for every project, or a project's own once `tune`d (the learned `job-duration` model's live
 * version, src/agents/learning/).
 *
 * State is bounded: at most `maxKeys` keys (least recently used evicted), each with at most
 * {@link KEPT_DURATIONS} durations (or `window`, when larger), and the settings of at most
 * {@link MAX_TUNED} projects.
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

/** How the estimate is taken: the part of the predictor a project can learn. */
export interface DurationSettings {
  /** Newest durations a level's median is taken over. */
  window: number;
  /** Durations a branch-specific level needs before it answers. */
  minSamples: number;
  /** Whether the job + branch + changed areas level is used. */
  byAreas: boolean;
}

/** The shipped settings: the median of the last 8, 3 durations for a branch level, areas used. */
export const DEFAULT_DURATION_SETTINGS: DurationSettings = { window: 8, minSamples: 3, byAreas: true };

/** Durations kept per key: enough for any learned window up to this size. */
export const KEPT_DURATIONS = 20;

/** Projects whose own settings are kept (the least recently tuned are dropped past it). */
export const MAX_TUNED = 10_000;

/** Options of {@link DurationPredictor}. */
export interface DurationPredictorOptions {
  /** Durations the median is taken over (default 8). */
  window?: number;
  /** Keys kept in all (default 20 000). */
  maxKeys?: number;
  /** Durations a branch-specific level needs before it answers (default 3). */
  minSamples?: number;
  /** Whether the job + branch + changed areas level is used (default true). */
  byAreas?: boolean;
  /** The estimate with no history at all (default 5 minutes). */
  defaultMs?: number;
}

/** A project's own settings and where they came from. */
export interface ProjectTuning {
  settings: DurationSettings;
  /** The model version they were read from (null: the shipped default). */
  version: number | null;
  /** When they were read (epoch ms): the caller re-reads them after a while. */
  at: number;
}

/** The top-level directories of `paths`, sorted and unique: a commit's "changed areas". */
export function changedAreas(paths: readonly string[]): string {
  const areas = new Set(paths.map((p) => (p.includes("/") ? p.slice(0, p.indexOf("/")) : ".")));
  return [...areas].sort().join(",");
}

/** Job duration predictor with a fallback chain and bounded state. */
export class DurationPredictor {
  readonly #keys = new Map<string, number[]>();
  readonly #tuned = new Map<string, ProjectTuning>();
  readonly #settings: DurationSettings;
  readonly #kept: number;
  readonly #maxKeys: number;
  readonly #defaultMs: number;

  constructor(opts: DurationPredictorOptions = {}) {
    this.#settings = {
      window: opts.window ?? DEFAULT_DURATION_SETTINGS.window,
      minSamples: opts.minSamples ?? DEFAULT_DURATION_SETTINGS.minSamples,
      byAreas: opts.byAreas ?? DEFAULT_DURATION_SETTINGS.byAreas,
    };
    this.#kept = Math.max(KEPT_DURATIONS, this.#settings.window);
    this.#maxKeys = opts.maxKeys ?? 20_000;
    this.#defaultMs = opts.defaultMs ?? 300_000;
  }

  /** Learns one finished job's duration. */
  observe(s: DurationSample): void {
    for (const key of levelKeys(s, true)) this.#push(key.key, s.durationMs);
  }

  /** The expected duration of a job about to run. */
  predict(q: DurationQuery): DurationPrediction {
    const { window, minSamples, byAreas } = this.settingsOf(q.project);
    for (const { key, basis } of levelKeys(q, byAreas)) {
      const ring = this.#keys.get(key);
      const needed = basis === "job" || basis === "project" ? 1 : minSamples;
      if (ring && ring.length >= needed) {
        this.#touch(key, ring);
        const last = ring.slice(-window);
        return { ms: median(last), basis, samples: last.length };
      }
    }
    return { ms: this.#defaultMs, basis: "default", samples: 0 };
  }

  /** Gives `project` its own settings (learned ones, at most `KEPT_DURATIONS` wide), or the options' again with `undefined`. */
  tune(project: string, tuning: ProjectTuning | undefined): void {
    this.#tuned.delete(project);
    if (tuning === undefined) return;
    const window = Math.min(Math.max(1, Math.round(tuning.settings.window)), this.#kept);
    this.#tuned.set(project, { ...tuning, settings: { ...tuning.settings, window } });
    while (this.#tuned.size > MAX_TUNED) this.#tuned.delete(this.#tuned.keys().next().value as string);
  }

  /** `project`'s own settings as last tuned, if any. */
  tuning(project: string): ProjectTuning | undefined {
    return this.#tuned.get(project);
  }

  /** The settings `project`'s estimates use. */
  settingsOf(project: string): DurationSettings {
    return this.#tuned.get(project)?.settings ?? this.#settings;
  }

  /** Keys held now (at most `maxKeys`). */
  get size(): number {
    return this.#keys.size;
  }

  #push(key: string, ms: number): void {
    const ring = this.#keys.get(key) ?? [];
    ring.push(ms);
    if (ring.length > this.#kept) ring.shift();
    this.#touch(key, ring);
    while (this.#keys.size > this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value as string);
  }

  /** Moves `key` to the most recently used end of the map. */
  #touch(key: string, ring: number[]): void {
    this.#keys.delete(key);
    this.#keys.set(key, ring);
  }
}

/** The keys of the fallback chain for `q`, most specific first (NUL-separated: no name holds one); level 1 only `byAreas`. */
function levelKeys(q: DurationQuery, byAreas: boolean): { key: string; basis: PredictionBasis }[] {
  const job = `${q.project}\0${q.job}`;
  const byPaths =
    byAreas && q.paths.length
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
