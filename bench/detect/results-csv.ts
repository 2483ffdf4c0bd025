import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ScoredFile } from "../../src/detect/nab/index.js";
import { type NabSeries, rowLabels } from "./nab-corpus.js";

/** Where NAB keeps a detector's results for a data file: `<dir>/<detector>/<category>/<detector>_<file>`. */
export function resultsPath(resultsDir: string, detector: string, series: NabSeries): string {
  return join(resultsDir, detector, series.category, `${detector}_${series.file}`);
}

/** Writes a NAB results file: `timestamp,value,anomaly_score,label`, one row per data row. */
export function writeResults(resultsDir: string, detector: string, series: NabSeries, scores: number[]): void {
  const path = resultsPath(resultsDir, detector, series);
  mkdirSync(dirname(path), { recursive: true });
  const labels = rowLabels(series);
  const rows = series.rawTimestamps.map((t, i) => `${t},${series.values[i]},${scores[i]},${labels[i]}`);
  writeFileSync(path, `timestamp,value,anomaly_score,label\n${rows.join("\n")}\n`);
}

/**
 * Reads a detector's results files back (ours or NAB's published `results/<detector>/`) as scorer
 * input; the `anomaly_score` column is found by its header. Returns null when a file is missing.
 */
export function readResults(resultsDir: string, detector: string, corpus: NabSeries[]): ScoredFile[] | null {
  const out: ScoredFile[] = [];
  for (const series of corpus) {
    const path = resultsPath(resultsDir, detector, series);
    if (!existsSync(path)) return null;
    const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
    const column = lines[0]!.split(",").indexOf("anomaly_score");
    if (column < 0) throw new Error(`${path}: no anomaly_score column`);
    const scores = lines.slice(1).map((l) => Number(l.split(",")[column]));
    if (scores.length !== series.timestamps.length)
      throw new Error(`${path}: ${scores.length} rows, expected ${series.timestamps.length}`);
    out.push({ name: series.name, timestamps: series.timestamps, windows: series.windows, scores });
  }
  return out;
}
