/**
 * The samples the anomaly watch fed its detectors, kept in the built-in TSDB (metric
 * `pitcrew_anomaly_input{service, signal}`, under `metrics.retention`): stored before they are
 * scored, they are what the calibration model replays and validates its checkpoints on.
 */
import type { DataItem, TimeWindow } from "../../learning/index.js";
import type { NewSample, Store } from "../../store/index.js";
import { incidentSpans, inIncident } from "./service-incidents.js";

/** Metric name of the stored detector inputs. */
export const ANOMALY_INPUT_METRIC = "pitcrew_anomaly_input";

/** Most recent span a data set reads (older inputs were learnt by the checkpoint before). */
export const MAX_INPUT_SPAN_MS = 7 * 86_400_000;

/** One stored detector input: a sample of series `<service>/<signal>`. */
export interface AnomalyInput extends DataItem {
  series: string;
  value: number;
  /** The sample lies inside an incident of its service (opened … resolved, or still open). */
  incident: boolean;
}

/** The key of a service's signal in the detector registry, e.g. `cart/latency_p99`. */
export function seriesKey(service: string, signal: string): string {
  return `${service}/${signal}`;
}

/** The stored form of one detector input. */
export function inputSample(service: string, signal: string, at: number, value: number): NewSample {
  return { labels: { __name__: ANOMALY_INPUT_METRIC, service, signal }, t: at, v: value };
}

/**
 * True for a series the watch stored itself: exactly `{__name__, service, signal}`. A scraped or
 * pushed series of the same name carries `job`/`instance` (or other) labels too and is never read,
 * so no target can feed a service's calibration.
 */
function isOwnInput(labels: Record<string, string>): boolean {
  const keys = Object.keys(labels);
  return keys.length === 3 && "__name__" in labels && "service" in labels && "signal" in labels;
}

/**
 * The stored inputs of `service` in `window` (at most its newest {@link MAX_INPUT_SPAN_MS}), oldest
 * first (by time, then series), each marked when it lies inside one of the service's newest 500
 * incidents.
 */
export async function storedInputs(store: Store, service: string, window: TimeWindow): Promise<AnomalyInput[]> {
  const from = Math.max(window.from, window.to - MAX_INPUT_SPAN_MS);
  const series = (await store.series.series(ANOMALY_INPUT_METRIC)).filter(
    (s) => s.labels.service === service && isOwnInput(s.labels),
  );
  if (series.length === 0) return [];
  const points = await store.series.samples(
    series.map((s) => s.id),
    from,
    window.to,
  );
  const incidents = await incidentSpans(store, service);
  const out: AnomalyInput[] = [];
  for (const s of series) {
    const key = seriesKey(service, s.labels.signal ?? "");
    for (const p of points.get(s.id) ?? []) {
      out.push({ at: p.t, series: key, value: p.v, incident: inIncident(incidents, p.t) });
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}
