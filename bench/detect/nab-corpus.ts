import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AnomalyWindow, parseNabTimestamp, windowsFromJson } from "../../src/detect/nab/index.js";

/** One NAB data file: its relative path, raw timestamp strings, parsed rows and anomaly windows. */
export interface NabSeries {
  /** e.g. `realKnownCause/nyc_taxi.csv` */
  name: string;
  category: string;
  file: string;
  rawTimestamps: string[];
  timestamps: number[];
  values: number[];
  windows: AnomalyWindow[];
}

/** Reads every `data/<category>/*.csv` under a NAB checkout with `labels/combined_windows.json`. */
export function loadNabCorpus(nabDir: string): NabSeries[] {
  const windows = windowsFromJson(JSON.parse(readFileSync(join(nabDir, "labels/combined_windows.json"), "utf8")));
  const out: NabSeries[] = [];
  const dataDir = join(nabDir, "data");
  for (const category of readdirSync(dataDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(dataDir, category.name))
      .filter((f) => f.endsWith(".csv"))
      .sort()) {
      const name = `${category.name}/${file}`;
      const lines = readFileSync(join(dataDir, name), "utf8").trim().split(/\r?\n/).slice(1);
      const rawTimestamps = lines.map((l) => l.slice(0, l.indexOf(",")));
      const values = lines.map((l) => Number(l.slice(l.indexOf(",") + 1)));
      const w = windows.get(name);
      if (!w) throw new Error(`no windows for ${name}`);
      out.push({
        name,
        category: category.name,
        file,
        rawTimestamps,
        timestamps: rawTimestamps.map(parseNabTimestamp),
        values,
        windows: w,
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** NAB's per-row label: 1 inside a window (inclusive limits), else 0. */
export function rowLabels(series: NabSeries): number[] {
  return series.timestamps.map((t) => (series.windows.some((w) => t >= w.start && t <= w.end) ? 1 : 0));
}
