/**
 * Starts the long-running parts of metrics and alerting (`app.observation`): a scraper per
 * registered service with a metrics URL, the retention job (every 10 minutes) and the rule
 * evaluator over the configured rule files.
 */
import { dirname, resolve } from "node:path";
import { formatDiagnostic, hasErrors } from "../common/diagnostics.js";
import { ValidationError } from "../common/errors.js";
import { applyRetention, loadRuleFile, RuleEvaluator, type RuleGroup } from "../observe/index.js";
import type { App } from "./app.js";

const RETENTION_EVERY_MS = 600_000;

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
  const { store, log, clock, observation } = app;
  const c = app.config.config;
  const groups = loadConfiguredRules(app);
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
    await observation.scrapers.start();
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
    { source: observation.metrics, alerts: store.alerts, recorder: observation.alerts, clock, log },
    groups,
    c.alerts.evaluation_interval,
  ).start();
  return () => {
    clearInterval(retentionTimer);
    stopRules();
    observation.scrapers.stop();
  };
}
