/**
 * Starts the anomaly watch over the app's services, metrics source and ingested logs (`observe.*`),
 * after restoring each service's checkpointed detector calibration (the live `anomaly-calibration`
 * version, then the stored inputs after it) and log templates (the live `log-templates` version,
 * then the stored lines after it), so a restarted server scores at once with what it had learnt.
 */
import { ANOMALY_CALIBRATION, type DetectorRegistry, restoreCalibration, startAnomalyWatch } from "../detect/index.js";
import type { App } from "./app.js";
import { restoreAllLogTemplates } from "./log-template-checkpoints.js";

/** Options for `startAnomalyObservation`. */
export interface AnomalyObservationOptions {
  /** The detectors metric samples feed (default: the app's, `observe.anomaly_window`). */
  registry?: DetectorRegistry;
  /** Whether the samples scored are stored now (default: always; `pitcrew serve`: while it leads). */
  recordInputs?: () => boolean;
  /**
   * Restore the log templates in the background instead of before returning (`pitcrew serve`, so
   * it listens at once); a service raises no log finding until its own restore is done.
   */
  restoreInBackground?: boolean;
}

/** Restores the checkpointed calibration of every registered service into `registry`. */
export async function restoreCalibrations(app: App, registry: DetectorRegistry): Promise<void> {
  const codeVersion = app.models.model(ANOMALY_CALIBRATION).codeVersion;
  for (const svc of await app.store.services.list()) {
    const r = await restoreCalibration(app, registry, svc.name, { codeVersion, replay: true, now: app.clock.now() });
    if (r.version !== undefined) {
      app.log.info(
        { service: svc.name, version: r.version, series: r.series, replayed: r.replayed },
        "anomaly calibration restored",
      );
    }
  }
}

/**
 * Restores the detectors' calibration and the log templates (or, with `restoreInBackground`, starts
 * restoring them), then starts the metric and log anomaly watchers; returns the stop function.
 */
export async function startAnomalyObservation(app: App, options: AnomalyObservationOptions = {}): Promise<() => void> {
  const o = app.config.config.observe;
  const registry = options.registry ?? app.observation.detectors;
  await restoreCalibrations(app, registry);
  const restoring = restoreAllLogTemplates(app, app.observation.logTemplates);
  if (options.restoreInBackground) restoring.catch((err) => app.log.warn({ err }, "log templates not restored"));
  else await restoring;
  return startAnomalyWatch(
    {
      ...app,
      services: app.store.services,
      metrics: app.observation.metrics,
      inputs: app.store.series,
      logs: app.observation.logs,
    },
    {
      signals: o.signals,
      intervalMs: o.anomaly_interval,
      logWarmupMs: o.log_warmup,
      registry,
      logWatcher: app.observation.logTemplates,
      recordInputs: options.recordInputs,
    },
  );
}
