/**
 * The observation parts of a running pitcrew, built once from config: the log ingestor (with its
 * `onLogRecords` hooks), the live topology watcher, the metrics source (the built-in TSDB, or
 * Prometheus when `metrics.prometheus_url` is set), the alert recorder, the scraper fleet, the
 * OTLP metrics receiver, the anomaly detectors of the services' golden signals (their calibration
 * is checkpointed as the `anomaly-calibration` model), the log template watcher (checkpointed as
 * the `log-templates` model), and the incident service that correlates
 * their signals. `observe-*.ts` start the long-running parts.
 */
import { DetectorRegistry, LogTemplateWatcher } from "../detect/index.js";
import { IncidentService } from "../incidents/index.js";
import {
  AlertRecorder,
  buildDependencyGraph,
  createBuiltinMetricsSource,
  createPrometheusMetricsSource,
  LogIngestor,
  type MetricsSource,
  OtlpMetricsIngestor,
  ScraperFleet,
  TopologyWatcher,
} from "../observe/index.js";
import type { Core } from "./core.js";

/** Service logs, traces, metrics and alerts. */
export interface Observation {
  logs: LogIngestor;
  topology: TopologyWatcher;
  metrics: MetricsSource;
  alerts: AlertRecorder;
  /** One scraper per registered service with a metrics URL (scrapes once started). */
  scrapers: ScraperFleet;
  /** Stores OTLP metrics exports (HTTP and gRPC) in the built-in TSDB. */
  otlpMetrics: OtlpMetricsIngestor;
  /** The streaming detector of every watched series (`<service>/<signal>`), `observe.anomaly_window`. */
  detectors: DetectorRegistry;
  /** Every service's log templates and their rates (`observe.log_warmup`), fed by ingested logs. */
  logTemplates: LogTemplateWatcher;
}

/** Builds the observation parts (nothing runs yet). */
export function buildObservation(core: Core): Observation {
  const { store, events, clock, log } = core;
  const c = core.config.config;
  return {
    logs: new LogIngestor(store.logRecords, events, log),
    topology: new TopologyWatcher(store.spans, events, clock, log),
    metrics: c.metrics.prometheus_url
      ? createPrometheusMetricsSource(c.metrics.prometheus_url)
      : createBuiltinMetricsSource(store.series),
    alerts: new AlertRecorder(store.alerts, events),
    scrapers: new ScraperFleet({
      services: store.services,
      series: store.series,
      events,
      clock,
      log,
      maxSeries: c.metrics.max_series_per_target,
    }),
    otlpMetrics: new OtlpMetricsIngestor({
      series: store.series,
      events,
      clock,
      log,
      maxPoints: c.limits.otlp.max_points,
      maxSeriesPerService: c.metrics.max_series_per_target,
      maxSeries: c.limits.otlp.max_series,
    }),
    detectors: new DetectorRegistry({ detector: { window: c.observe.anomaly_window } }),
    logTemplates: new LogTemplateWatcher({ warmupMs: c.observe.log_warmup }),
  };
}

/** Builds the incident service over the recent traces' dependency edges (`observe.incident_window`). */
export function buildIncidents(core: Core): IncidentService {
  const { store, events, clock, log } = core;
  const o = core.config.config.observe;
  const edges = async () => {
    const to = clock.now();
    return buildDependencyGraph(await store.spans.window(to - o.incident_window, to), {
      from: to - o.incident_window,
      to,
    }).edges;
  };
  return new IncidentService(
    { incidents: store.incidents, settings: store.settings, events, clock, log, edges },
    { windowMs: o.incident_window, anomalyThreshold: o.anomaly_threshold },
  );
}
