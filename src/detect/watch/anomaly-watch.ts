/**
 * Turns telemetry into anomaly signals for incidents, with no rules written by anyone:
 *
 * - Metrics: every `observe.anomaly_interval`, each registered service with a metrics URL has its
 *   golden signals queried (error ratio, p99 latency, request rate — or `observe.signals`) from the
 *   metrics source; each answer feeds that (service, signal)'s streaming detector, and the sample
 *   that opens an anomaly episode becomes an `anomaly.detected` event (subject `series:<svc>/<signal>`).
 *   A service's samples are stored (`pitcrew_anomaly_input`, see detect/learning/anomaly-inputs.ts;
 *   by the leader only when several replicas run) before they are scored: the checkpoints of the
 *   detectors' calibration learn from them.
 * - Logs: every ingested batch goes through the log template watcher; a never-seen template or a
 *   burst becomes a `log.template.new` / `log.template.burst` event, and when the line is an error
 *   (or the burst is improbable enough) also an `anomaly.detected` event.
 * Incidents consume `anomaly.detected` (see `src/incidents/signal.ts`).
 */
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { EventLog } from "../../events/index.js";
import {
  escapePromqlString,
  type LogRecordsHook,
  type MetricsSource,
  type QueryResult,
  scalarOf,
} from "../../observe/index.js";
import type { NewSample, Service } from "../../store/index.js";
import type { DetectorRegistry } from "../anomaly/index.js";
import { inputSample, seriesKey } from "../learning/anomaly-inputs.js";
import { scoreFromP } from "../anomaly/surprise.js";
import { type LogFinding, LogTemplateWatcher } from "../logmine/index.js";

/** A query scored per service; `{{service}}` is replaced by the service name (a label value). */
export interface GoldenSignal {
  name: string;
  query: string;
}

/** The signals every HTTP service is watched on when the config names none. */
export const DEFAULT_SIGNALS: GoldenSignal[] = [
  {
    name: "error_ratio",
    query:
      'sum(rate(http_requests_total{job="{{service}}",status=~"5.."}[1m])) / sum(rate(http_requests_total{job="{{service}}"}[1m]))',
  },
  {
    name: "latency_p99",
    query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="{{service}}"}[1m])))',
  },
  { name: "request_rate", query: 'sum(rate(http_requests_total{job="{{service}}"}[1m]))' },
];

/** Score given to a never-seen error-level log template: as strong as a p = 10⁻³⁶ sample. */
const NEW_ERROR_TEMPLATE_SCORE = 0.9;
const ERROR_LEVELS = /^(error|err|fatal|critical|crit|alert|emerg|panic|severe)$/i;

/** `{{service}}` → the service name escaped as a PromQL string literal body. */
export function renderSignal(query: string, service: string): string {
  return query.replaceAll("{{service}}", escapePromqlString(service));
}

/** What the watch reads (services, metrics, ingested logs) and emits through. */
export interface AnomalyWatchDeps {
  services: { list(): Promise<Service[]> };
  metrics: MetricsSource;
  /** Where each sample is stored before it is scored (the built-in TSDB). */
  inputs: { append(samples: NewSample[]): Promise<number> };
  logs: { onLogRecords(hook: LogRecordsHook): () => void };
  events: EventLog;
  clock: Clock;
  log: Logger;
}

/** How the watch runs (config `observe.*`). */
export interface AnomalyWatchSettings {
  /** The signals queried per service (default DEFAULT_SIGNALS). */
  signals?: GoldenSignal[];
  /** Time between two metric checks. */
  intervalMs: number;
  /** How long log templates are learnt before a new one is a finding. */
  logWarmupMs: number;
  /** The detectors metric samples feed (their window: `observe.anomaly_window`). */
  registry: DetectorRegistry;
  /** The log template watcher ingested logs go through (default: a new one, `logWarmupMs`). */
  logWatcher?: LogTemplateWatcher;
  /**
   * Whether this process stores the samples it scores (default: always). With several replicas
   * only the leader does, so the stored inputs are one stream: the one its checkpoints replay.
   */
  recordInputs?: () => boolean;
}

/** Starts the metric and log anomaly watchers; returns the stop function. */
export function startAnomalyWatch(deps: AnomalyWatchDeps, settings: AnomalyWatchSettings): () => void {
  const { events, clock, log } = deps;
  const signals = settings.signals ?? DEFAULT_SIGNALS;
  const registry = settings.registry;
  const source = deps.metrics;
  let busy = false;

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const now = clock.now();
      // every registered service: one with a metrics URL, or one scraped per replica (deploy.yaml
      // `metrics:`); a service with no samples yields no value and is skipped
      for (const svc of await deps.services.list()) {
        const samples: { signal: GoldenSignal; value: number }[] = [];
        for (const signal of signals) {
          const value = scalarOf(
            await source
              .instantQuery(renderSignal(signal.query, svc.name), now)
              .catch(() => ({ resultType: "vector", result: [] }) as QueryResult),
          );
          if (value !== undefined) samples.push({ signal, value });
        }
        if (settings.recordInputs?.() ?? true) {
          await deps.inputs.append(samples.map((s) => inputSample(svc.name, s.signal.name, now, s.value)));
        }
        for (const { signal, value } of samples) {
          const series = seriesKey(svc.name, signal.name);
          const out = registry.update(series, now, value);
          if (!out.alert) continue;
          await events.emit(
            "anomaly.detected",
            { kind: "series", key: series },
            {
              series,
              service: svc.name,
              signal: signal.name,
              value,
              score: out.score,
              explanation: out.explanation,
              detector: registry.provenance(series),
              at: now,
            },
          );
        }
      }
    } catch (err) {
      log.error({ err }, "anomaly watch of metrics failed");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), settings.intervalMs);
  timer.unref();

  const watcher = settings.logWatcher ?? new LogTemplateWatcher({ warmupMs: settings.logWarmupMs });
  const emitFinding = async (f: LogFinding) => {
    await events.emit(
      `log.template.${f.kind === "burst" ? "burst" : "new"}`,
      { kind: "service", key: f.service },
      { ...f },
    );
    const isError = ERROR_LEVELS.test(f.level);
    const score = f.kind === "burst" ? scoreFromP(f.pValue ?? 1) : isError ? NEW_ERROR_TEMPLATE_SCORE : 0;
    if (f.kind === "new-template" && !isError) return;
    await events.emit(
      "anomaly.detected",
      { kind: "series", key: `${f.service}/log:${f.templateId}` },
      {
        series: `${f.service}/log:${f.templateId}`,
        service: f.service,
        signal: f.kind === "burst" ? "log_burst" : "new_log_template",
        score,
        explanation:
          f.kind === "burst"
            ? `log template "${f.template}" ${f.count} times this minute, usually ${f.expected?.toFixed(1)} (p = ${f.pValue?.toExponential(1)}; ${f.learnt})`
            : `never-seen ${f.level} log: ${f.template} (${f.learnt})`,
        example: f.example,
        at: f.at,
      },
    );
  };
  const detachLogs = deps.logs.onLogRecords((records) => {
    const findings = watcher.observe(records);
    if (!findings.length) return;
    (async () => {
      for (const f of findings) await emitFinding(f);
    })().catch((err) => log.error({ err }, "emitting log findings failed"));
  });

  return () => {
    clearInterval(timer);
    detachLogs();
  };
}
