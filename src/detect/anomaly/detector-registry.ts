import {
  createSeriesDetector,
  restoreSeriesDetector,
  type SeriesDetector,
  type SeriesDetectorOptions,
  type SeriesDetectorSnapshot,
  snapshotSeriesDetector,
} from "./series-detector.js";
import type { SeriesOutput } from "./ensemble.js";

/** A tracked series: its detector, samples fed, and what it was restored from (with the samples it held then). */
interface Entry {
  detector: SeriesDetector;
  samples: number;
  origin?: { label: string; samples: number };
}

/** Options for a `DetectorRegistry`. */
export interface DetectorRegistryOptions {
  /** Most series kept; the least recently updated one is dropped beyond it (default 10,000). */
  maxSeries?: number;
  /** Options for each series' detector. */
  detector?: SeriesDetectorOptions;
}

/**
 * One streaming detector per series key (e.g. a metric name plus its labels), created on first use
 * and evicted least-recently-used, so memory stays bounded however many series the observability
 * layer feeds. An evicted series starts learning again if it comes back, unless it is restored from
 * a snapshot (`restore`, e.g. of its checkpointed calibration).
 * @example const reg = new DetectorRegistry(); reg.update('http_latency{svc="api"}', Date.now(), 0.12);
 */
export class DetectorRegistry {
  readonly #detectors = new Map<string, Entry>();
  readonly #maxSeries: number;
  readonly #options: SeriesDetectorOptions;

  constructor(options: DetectorRegistryOptions = {}) {
    this.#maxSeries = Math.max(1, options.maxSeries ?? 10_000);
    this.#options = options.detector ?? {};
  }

  /** Number of series currently tracked. */
  get size(): number {
    return this.#detectors.size;
  }

  /** Feeds one sample of series `key` (samples of one series must come in time order). */
  update(key: string, timestampMs: number, value: number): SeriesOutput {
    let entry = this.#detectors.get(key);
    if (entry === undefined) {
      entry = { detector: createSeriesDetector(this.#options), samples: 0 };
      if (this.#detectors.size >= this.#maxSeries) this.#detectors.delete(this.#detectors.keys().next().value!);
    } else {
      this.#detectors.delete(key);
    }
    this.#detectors.set(key, entry);
    entry.samples++;
    return entry.detector.update(timestampMs, value);
  }

  /** How many samples series `key` has been fed since it was (re)created; 0 when untracked. */
  samples(key: string): number {
    return this.#detectors.get(key)?.samples ?? 0;
  }

  /**
   * What series `key`'s detector is, in words: `<origin> + N samples` when restored, else
   * `a new detector, N samples`; undefined when untracked.
   */
  provenance(key: string): string | undefined {
    const e = this.#detectors.get(key);
    if (e === undefined) return undefined;
    return e.origin
      ? `${e.origin.label} + ${e.samples - e.origin.samples} samples`
      : `a new detector, ${e.samples} samples`;
  }

  /** The keys of the series tracked, least recently updated first. */
  keys(): string[] {
    return [...this.#detectors.keys()];
  }

  /** Whether series `key` is tracked. */
  has(key: string): boolean {
    return this.#detectors.has(key);
  }

  /** The state of series `key`'s detector, undefined when untracked. */
  snapshot(key: string): SeriesDetectorSnapshot | undefined {
    const entry = this.#detectors.get(key);
    return entry && snapshotSeriesDetector(entry.detector);
  }

  /**
   * Replaces the detector of each `[key, snapshot]` by one restored from the snapshot (its sample
   * count: the samples the snapshot had seen), labelled `origin` (e.g. the model version). All or
   * nothing: when one snapshot is refused (another format or settings, damaged) it throws a
   * SnapshotError and changes nothing.
   */
  restore(snapshots: Iterable<readonly [string, SeriesDetectorSnapshot]>, origin = "a snapshot"): void {
    const restored = [...snapshots].map(([key, s]) => ({
      key,
      entry: {
        detector: restoreSeriesDetector(s, this.#options),
        samples: s.ensemble.seen,
        origin: { label: origin, samples: s.ensemble.seen },
      },
    }));
    for (const { key, entry } of restored) {
      this.#detectors.delete(key);
      if (this.#detectors.size >= this.#maxSeries) this.#detectors.delete(this.#detectors.keys().next().value!);
      this.#detectors.set(key, entry);
    }
  }

  /** Forgets series `key`. */
  delete(key: string): boolean {
    return this.#detectors.delete(key);
  }
}
