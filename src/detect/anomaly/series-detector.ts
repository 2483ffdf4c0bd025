import { ChangePoint } from "./change-point.js";
import { record, SNAPSHOT_FORMAT, SnapshotError } from "./detector-snapshot.js";
import { Ensemble, type EnsembleSnapshot } from "./ensemble.js";
import { RelativeEntropy } from "./relative-entropy.js";
import { RobustZScore } from "./robust-zscore.js";
import { DAY_MS, SeasonalBaseline, WEEK_MS } from "./seasonal-baseline.js";
import { TailThreshold } from "./tail-threshold.js";
import type { ComponentSizes } from "./types.js";

/** Options for `createSeriesDetector`; every length is in samples. */
export interface SeriesDetectorOptions {
  /** Memory M: reference windows hold the last M samples (default DEFAULT_WINDOW). */
  window?: number;
  /**
   * Samples scored 0 while the detectors learn (default: min(M, EARLY_WARMUP)). From then until
   * M samples, scores are given but a new episode alerts only at LEARNING_ALERT_THRESHOLD.
   */
  warmup?: number;
  /** Span of one anomaly episode for alert suppression (default DEFAULT_REFRACTORY). */
  refractory?: number;
  /** Score at which a new episode raises an alert (default 0.5, i.e. p = 10⁻⁴). */
  alertThreshold?: number;
}

/**
 * Default memory: 2,880 samples, two days of 1-minute samples or 12 hours of 15-second scrapes; at
 * about 60·M numbers a series' detector stays at a few MB. Chosen from {720, 1,440, 2,880} on NAB
 * (bench/detect/RESULTS.md, with a cross-validation): more history makes every fit steadier.
 */
export const DEFAULT_WINDOW = 2880;
/**
 * Default episode span: 60 samples (15 minutes of 15-second scrapes). An episode is a property of
 * the fault, not of the memory, so it does not grow with M; see bench/detect/RESULTS.md.
 */
export const DEFAULT_REFRACTORY = 60;
/** Samples before the first score by default: minutes of data (15 min of 15-second scrapes), not M. */
export const EARLY_WARMUP = 60;
/** The alert threshold while fewer than M samples were seen: p = 10⁻¹² (score 0.75), not 10⁻⁴. */
export const LEARNING_ALERT_THRESHOLD = 0.75;
/** p-values are calibrated against 8·M past statistics: tail estimates need all the history memory allows. */
const HISTORY_FACTOR = 8;

/** The streaming detector for one metric series, the same for the server, the CLI and the benchmark. */
export type SeriesDetector = Ensemble;

/** The saved state of a series' detector (plain JSON, about 60·M packed numbers at most). */
export interface SeriesDetectorSnapshot {
  /** `SNAPSHOT_FORMAT` of the code that saved it. */
  format: number;
  ensemble: EnsembleSnapshot;
}

/**
 * Creates the fused streaming detector for one series: robust z-score, CUSUM change points,
 * extreme-value tails, distribution change and daily/weekly seasonal baselines. (`RateOfChange` is
 * available on its own; in the fusion it only added false alarms on noisy series, see RESULTS.md.)
 * Memory is O(M) per series (about 60·M numbers, plus three weeks of phase slots when weekly).
 * @example const d = createSeriesDetector(); const { score, explanation } = d.update(Date.now(), 42);
 */
export function createSeriesDetector(options: SeriesDetectorOptions = {}): SeriesDetector {
  const window = Math.max(32, Math.floor(options.window ?? DEFAULT_WINDOW));
  const sizes: ComponentSizes = { window, history: HISTORY_FACTOR * window };
  return new Ensemble(
    [
      new RobustZScore(sizes),
      new ChangePoint(sizes),
      new TailThreshold(sizes),
      new RelativeEntropy(sizes),
      new SeasonalBaseline(sizes, DAY_MS),
      new SeasonalBaseline(sizes, WEEK_MS),
    ],
    {
      warmup: Math.max(0, Math.floor(options.warmup ?? Math.min(window, EARLY_WARMUP))),
      learning: window,
      learningAlertThreshold: LEARNING_ALERT_THRESHOLD,
      refractory: Math.max(1, Math.floor(options.refractory ?? DEFAULT_REFRACTORY)),
      alertThreshold: options.alertThreshold ?? 0.5,
    },
  );
}

/** The state of `detector` (see `restoreSeriesDetector`). */
export function snapshotSeriesDetector(detector: SeriesDetector): SeriesDetectorSnapshot {
  return { format: SNAPSHOT_FORMAT, ensemble: detector.snapshot() };
}

/**
 * A new detector built with `options` in the state of `snapshot`: it scores what follows exactly as
 * the saved one would have. A snapshot of another format, of other settings (e.g. another window)
 * or damaged is refused with a SnapshotError saying why; no detector is returned then.
 */
export function restoreSeriesDetector(
  snapshot: SeriesDetectorSnapshot,
  options: SeriesDetectorOptions = {},
): SeriesDetector {
  const s = record(snapshot, "series detector");
  if (s.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(
      `series detector: snapshot format ${String(s.format)}, this version reads ${SNAPSHOT_FORMAT}`,
    );
  }
  const detector = createSeriesDetector(options);
  detector.restore(s.ensemble as EnsembleSnapshot);
  return detector;
}
