import type { Snapshottable } from "./detector-snapshot.js";

/** What every streaming detector returns for one sample. */
export interface DetectorOutput {
  /** Anomaly score in [0, 1]; 0.5 means "as rare as one sample in 10,000". */
  score: number;
  /** Plain-words reason for the score. */
  explanation: string;
  /** Numbers behind the score, for dashboards and debugging. */
  features?: Record<string, number>;
}

/** A component detector's output: its calibrated p-value as well as the score. */
export interface ComponentOutput extends DetectorOutput {
  /** P-value of this sample against the detector's own history; 1 while it is not ready. */
  p: number;
  /** False while the detector lacks the history to judge (its p is then 1). */
  ready: boolean;
}

/** A streaming detector over one metric series: constant memory, one call per sample, in time order. */
export interface StreamingDetector<T extends DetectorOutput = DetectorOutput> {
  readonly name: string;
  update(timestampMs: number, value: number): T;
}

/** A component detector the fusion holds: it scores samples and can be saved and restored. */
export type ComponentDetector = StreamingDetector<ComponentOutput> & Snapshottable<Record<string, unknown>>;

/** The sizes a component is built with, all in samples. */
export interface ComponentSizes {
  /** Memory M: length of the sliding reference windows. */
  window: number;
  /** History length for calibrating p-values (a multiple of M). */
  history: number;
}
