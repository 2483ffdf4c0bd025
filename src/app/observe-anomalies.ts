/** Starts the anomaly watch over the app's services, metrics source and ingested logs (`observe.*`). */
import { type DetectorRegistry, startAnomalyWatch } from "../detect/index.js";
import type { App } from "./app.js";

/** Options for `startAnomalyObservation`. */
export interface AnomalyObservationOptions {
  /** The detectors metric samples feed (default: a new registry with `observe.anomaly_window`). */
  registry?: DetectorRegistry;
}

/** Starts the metric and log anomaly watchers; returns the stop function. */
export function startAnomalyObservation(app: App, options: AnomalyObservationOptions = {}): () => void {
  const o = app.config.config.observe;
  return startAnomalyWatch(
    { ...app, services: app.store.services, metrics: app.observation.metrics, logs: app.observation.logs },
    {
      signals: o.signals,
      window: o.anomaly_window,
      intervalMs: o.anomaly_interval,
      logWarmupMs: o.log_warmup,
      registry: options.registry,
    },
  );
}
