/** Weights of one NAB application profile (`config/profiles.json` → `CostMatrix`). */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight?: number;
}

/** An anomaly window as inclusive epoch-ms limits; both must be timestamps of the data file. */
export interface AnomalyWindow {
  start: number;
  end: number;
}

/** One data file's detector output, ready to score: row timestamps (epoch ms) and anomaly scores. */
export interface ScoredFile {
  /** Relative data path as in the labels file, e.g. `realKnownCause/nyc_taxi.csv`. */
  name: string;
  timestamps: number[];
  scores: number[];
  windows: AnomalyWindow[];
}

/** NAB's `AnomalyPoint`: a row with its weighted sweep score and the window it belongs to. */
export interface AnomalyPoint {
  anomalyScore: number;
  sweepScore: number;
  /** Window id (`file|start`), `null` outside windows, `"probationary"` inside the probation period. */
  windowName: string | null;
}

/** NAB's `ThresholdScore`: the raw score and confusion counts when rows with score ≥ threshold alert. */
export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}
