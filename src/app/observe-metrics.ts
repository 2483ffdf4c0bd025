/**
 * Wiring of metrics and alerts: one set of parts per App (the metrics source chosen from config,
 * the alert recorder, the scrapers by service), shared by the HTTP routes and
 * `startMetricsObservation`, which starts the long-running parts: a scraper per registered
 * service with a metrics URL, the retention job (every 10 minutes) and the rule evaluator.
 */
import { dirname, resolve } from "node:path";
import { formatDiagnostic, hasErrors } from "../common/diagnostics.js";
import { ValidationError } from "../common/errors.js";
import {
  AlertRecorder,
  applyRetention,
  createBuiltinMetricsSource,
  createPrometheusMetricsSource,
  loadRuleFile,
  type MetricsSource,
  RuleEvaluator,
  type RuleGroup,
  Scraper,
} from "../observe/index.js";
import type { App } from "./app.js";

/** The metrics and alerting parts of one App. */
export interface MetricsObservation {
  source: MetricsSource;
  recorder: AlertRecorder;
  /** Running scrapers by service name (empty until started). */
  scrapers: Map<string, Scraper>;
  /** Starts, restarts or stops the scrapers to match the services registry (when started). */
  syncScrapers(): Promise<void>;
}

const parts = new WeakMap<App, MetricsObservation & { started: boolean }>();
const RETENTION_EVERY_MS = 600_000;

/** The metrics parts of `app`, created on first use. */
export function metricsObservationOf(app: App): MetricsObservation {
  const p = parts.get(app);
  if (p) return p;
  const { store, events, clock, log } = app;
  const c = app.config.config;
  const scrapers = new Map<string, Scraper>();
  const obs: MetricsObservation & { started: boolean } = {
    started: false,
    source: c.metrics.prometheus_url
      ? createPrometheusMetricsSource(c.metrics.prometheus_url)
      : createBuiltinMetricsSource(store.series),
    recorder: new AlertRecorder(store.alerts, events),
    scrapers,
    async syncScrapers() {
      if (!obs.started) return;
      const wanted = (await store.services.list()).filter((s) => s.metricsUrl);
      for (const [name, s] of scrapers) {
        const w = wanted.find((x) => x.name === name);
        if (!w || w.metricsUrl !== s.target.url || w.scrapeIntervalMs !== s.target.intervalMs) {
          s.stop();
          scrapers.delete(name);
        }
      }
      for (const s of wanted) {
        if (scrapers.has(s.name)) continue;
        const target = { job: s.name, url: s.metricsUrl!, intervalMs: s.scrapeIntervalMs };
        const scraper = new Scraper(target, {
          series: store.series,
          events,
          clock,
          log,
          maxSeries: c.metrics.max_series_per_target,
        });
        scrapers.set(s.name, scraper);
        scraper.start();
      }
    },
  };
  parts.set(app, obs);
  return obs;
}

/** Loads the configured rule files (relative to the config file); ValidationError listing every problem. */
export function loadConfiguredRules(app: App): RuleGroup[] {
  const base = app.config.file ? dirname(app.config.file) : process.cwd();
  const groups: RuleGroup[] = [];
  const problems: string[] = [];
  for (const file of app.config.config.alerts.rule_files) {
    const { groups: g, diagnostics } = loadRuleFile(resolve(base, file));
    for (const d of diagnostics) {
      if (d.severity === "warning") app.log.warn({ rule_file: file }, formatDiagnostic(d));
    }
    if (hasErrors(diagnostics))
      problems.push(...diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic));
    groups.push(...(g ?? []));
  }
  if (problems.length) throw new ValidationError(`invalid alert rule files:\n${problems.join("\n")}`, { problems });
  return groups;
}

/**
 * Registers the configured services, starts their scrapers, the retention job and the rule
 * evaluator; returns the stop function. Invalid rule files throw before anything starts.
 */
export function startMetricsObservation(app: App): () => void {
  const obs = metricsObservationOf(app) as MetricsObservation & { started: boolean };
  const { store, log, clock } = app;
  const c = app.config.config;
  const groups = loadConfiguredRules(app);
  obs.started = true;
  void (async () => {
    for (const s of c.services) {
      await store.services.upsert({
        name: s.name,
        environment: s.environment,
        metricsUrl: s.metrics_url ?? null,
        scrapeIntervalMs: s.scrape_interval,
        logSource: s.log_source ?? null,
        repository: s.repository ?? null,
        repoPath: s.path ?? null,
      });
    }
    await obs.syncScrapers();
  })().catch((err) => log.error({ err }, "starting the scrapers failed"));
  const retention = () =>
    applyRetention(store.series, store.settings, clock.now(), {
      retentionMs: c.metrics.retention,
      downsampleAfterMs: c.metrics.downsample_after,
      stepMs: 60_000,
    }).catch((err) => log.error({ err }, "metrics retention failed"));
  const retentionTimer = setInterval(retention, RETENTION_EVERY_MS);
  retentionTimer.unref();
  const stopRules = new RuleEvaluator(
    { source: obs.source, alerts: store.alerts, recorder: obs.recorder, clock, log },
    groups,
    c.alerts.evaluation_interval,
  ).start();
  return () => {
    obs.started = false;
    clearInterval(retentionTimer);
    stopRules();
    for (const s of obs.scrapers.values()) s.stop();
    obs.scrapers.clear();
  };
}
