/**
 * The anomaly detectors' calibration as a learned model (`anomaly-calibration`), one scope per
 * service (`service:<name>`): its state is the detector of each of the service's signals (their
 * windows, calibrated tails, cadence and episode memory, see detector-snapshot.ts). It learns
 * online only: an update replays the service's stored detector inputs after the state's newest one
 * through its detectors and is checkpointed behind the validation gate (calibration-evaluation.ts),
 * so `pitcrew serve` resumes scoring from the live version after a restart instead of learning
 * again, and an update that makes the detectors worse calibrated on recent held-out samples is
 * rolled back. Per service, not per project: a service's signals share their incidents, one
 * service's bad update cannot roll back another's, and a version stays small (its signals only).
 */
import type { Explanation, LearnedModel } from "../../learning/index.js";
import type { Store } from "../../store/index.js";
import {
  createSeriesDetector,
  restoreSeriesDetector,
  type SeriesDetector,
  type SeriesDetectorOptions,
  type SeriesDetectorSnapshot,
  type SeriesOutput,
  SnapshotError,
  snapshotSeriesDetector,
} from "../anomaly/index.js";
import { type AnomalyInput, storedInputs } from "./anomaly-inputs.js";
import { evaluateCalibration } from "./calibration-evaluation.js";

/** Name of the model. */
export const ANOMALY_CALIBRATION = "anomaly-calibration";

/**
 * Most series a state holds (the least recently fed are dropped past it): a service's signals
 * (`observe.signals`, three by default). A version's size is at most this many detectors of about
 * 60·M packed numbers each (M = `observe.anomaly_window`).
 */
export const MAX_SERIES = 16;

/** Versions of a service's calibration whose state is kept (each holds whole detectors). */
export const CALIBRATION_KEPT_STATES = 4;

/** The checkpointed state: plain JSON. */
export interface CalibrationState {
  /** Time (epoch ms) of the newest sample learnt: an update learns only later ones. */
  through: number;
  /** Samples learnt. */
  samples: number;
  /** `[series, detector snapshot]`, least recently fed first. */
  series: [string, SeriesDetectorSnapshot][];
}

/** One sample to score: a series key (`<service>/<signal>`), a time and a value. */
export interface CalibrationInput {
  series: string;
  at: number;
  value: number;
}

/** The scope of a service's calibration. */
export function calibrationScope(service: string): string {
  return `service:${service}`;
}

/** The anomaly calibration model for detectors built with `options` (the watch's). */
export function anomalyCalibrationModel(
  options: SeriesDetectorOptions = {},
): LearnedModel<CalibrationState, AnomalyInput, CalibrationInput, SeriesOutput> {
  /**
   * Series `series`' detector in `state`; a new one when absent, or when it was saved by code or
   * settings this version refuses (the server says so when it restores, see restore-calibrations).
   */
  const detectorOf = (state: CalibrationState, series: string): SeriesDetector => {
    const saved = state.series.find(([key]) => key === series)?.[1];
    if (saved === undefined) return createSeriesDetector(options);
    try {
      return restoreSeriesDetector(saved, options);
    } catch (err) {
      if (err instanceof SnapshotError) return createSeriesDetector(options);
      throw err;
    }
  };
  /** `state` with the samples of `items` after its newest one learnt (a new state). */
  const learn = (state: CalibrationState, items: readonly AnomalyInput[]): CalibrationState => {
    const detectors = new Map<string, SeriesDetector>();
    let { through, samples } = state;
    for (const i of items) {
      if (i.at <= state.through) continue;
      let d = detectors.get(i.series);
      if (d === undefined) d = detectorOf(state, i.series);
      detectors.delete(i.series); // re-inserted last: least recently fed first
      detectors.set(i.series, d);
      d.update(i.at, i.value);
      through = Math.max(through, i.at);
      samples++;
    }
    const series = new Map(state.series);
    for (const [key, d] of detectors) {
      series.delete(key);
      series.set(key, snapshotSeriesDetector(d));
    }
    return { through, samples, series: [...series].slice(-MAX_SERIES) };
  };
  return {
    name: ANOMALY_CALIBRATION,
    task: "how unusual each sample of a service's golden signals is (the anomaly detectors' calibration)",
    codeVersion: "anomaly-calibration/1",
    scopeKind: "service",
    keptStates: CALIBRATION_KEPT_STATES,
    // two checkpoints an hour apart score almost alike: only a clear loss of calibration rolls back
    onlineWorseP: 0.05,
    metrics: [
      {
        name: "calibration_error",
        direction: "lower",
        description:
          "per block of 10 held-out samples: KS distance of its p-values from uniform + |share p ≤ 10⁻⁴ − 10⁻⁴| outside incidents; 1 for an incident block with no alarm",
      },
      { name: "alarm_rate", direction: "lower", description: "share of samples outside incidents with p ≤ 10⁻⁴" },
      {
        name: "incident_blocks_alarmed",
        direction: "higher",
        description: "share of the blocks inside incidents of the service with an alarm (p ≤ 10⁻⁴)",
      },
      { name: "samples", direction: "higher", description: "held-out samples scored" },
    ],
    latencyBudgetMs: 5,

    initialState(): CalibrationState {
      return { through: 0, samples: 0, series: [] };
    },

    dataset(store: Store, scope: string, window): Promise<AnomalyInput[]> {
      if (!scope.startsWith("service:")) return Promise.resolve([]);
      return storedInputs(store, scope.slice("service:".length), window);
    },

    train(items) {
      return learn({ through: 0, samples: 0, series: [] }, items);
    },

    update(state, _context, items) {
      return learn(state, items);
    },

    evaluate(state, _context, items) {
      return evaluateCalibration((series) => detectorOf(state, series), items);
    },

    predict(state, input) {
      return detectorOf(state, input.series).update(input.at, input.value);
    },

    explain(state, input): Explanation {
      const out = detectorOf(state, input.series).update(input.at, input.value);
      const features = Object.entries(out.features ?? {})
        .filter(([name]) => name.startsWith("p."))
        .map(([name, p]) => ({ name: name.slice(2), value: p, contribution: -Math.log10(Math.max(p, 1e-300)) }))
        .sort((a, b) => b.contribution - a.contribution);
      return { summary: `score ${out.score.toFixed(3)}: ${out.explanation}`, features };
    },

    features(_context, items) {
      const values = new Map<string, number[]>();
      for (const i of items) {
        const list = values.get(i.series);
        if (list === undefined) values.set(i.series, [i.value]);
        else list.push(i.value);
      }
      return Object.fromEntries([...values].map(([series, v]) => [`value:${series}`, v]));
    },
  };
}
