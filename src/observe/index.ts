export { fromJsonObject, type JsonLogDefaults, parseJsonLogs } from "./logs/json-logs.js";
export { LEVELS, levelsAtLeast, MAX_ATTRIBUTES_BYTES, MAX_MESSAGE_BYTES, normalizeLevel } from "./logs/log-fields.js";
export { LogIngestor, type LogRecordsHook } from "./logs/log-ingestor.js";
export { parseOtlpLogs } from "./logs/otlp-logs.js";
export {
  decodeOtlpProtobuf,
  encodeOtlpResponse,
  type OtlpPartialSuccess,
  type OtlpSignal,
  otlpRequestType,
  otlpResponseJson,
  otlpResponseType,
} from "./otlp/otlp-protobuf.js";
export { OtlpMetricsIngestor, type OtlpMetricsDeps } from "./metrics/otlp/otlp-metrics-ingestor.js";
export { followLogFile } from "./logs/follow-log-file.js";
export { ReplicaLogBuffer } from "./logs/replica-log-buffer.js";
export { type FileTail, parseLogLine, type TailOptions, tailFile } from "./logs/tail-file.js";
export { buildDependencyGraph, type DependencyEdge, type DependencyGraph } from "./traces/dependency-graph.js";
export { parseOtlpSpans } from "./traces/otlp-spans.js";
export { type TopologyChange, type TopologyOptions, TopologyWatcher } from "./traces/topology-watcher.js";
export { createBuiltinMetricsSource } from "./metrics/builtin/builtin-metrics-source.js";
export { type Exposition, parseExposition } from "./metrics/exposition/parse-exposition.js";
export { type MetricsSource, MetricsSourceError } from "./metrics/metrics-source.js";
export { createPrometheusMetricsSource } from "./metrics/prometheus/prometheus-metrics-source.js";
export { parsePromql } from "./metrics/promql/parse-promql.js";
export { escapePromqlString } from "./metrics/promql/promql-string.js";
export type { QueryResult } from "./metrics/promql/query-result.js";
export { firstValue, scalarOf } from "./metrics/promql/scalar-of.js";
export { routeLatencyP99 } from "./metrics/route-latency.js";
export { ScraperFleet, type ScraperFleetDeps } from "./metrics/scrape/scraper-fleet.js";
export { applyRetention, type RetentionOptions } from "./metrics/retention.js";
export { type ScrapeTarget, Scraper } from "./metrics/scrape/scraper.js";
export { type AlertEventData, AlertRecorder, alertEventData } from "./alerts/alert-recorder.js";
export { alertsFromPayload, parseAlertmanagerPayload } from "./alerts/alertmanager-webhook.js";
export { labelsFingerprint } from "./alerts/fingerprint.js";
export { type AlertingRule, loadRuleFile, parseRuleFile, type RuleGroup } from "./alerts/rule-file.js";
export { RuleEvaluator } from "./alerts/rule-evaluator.js";
export { projectOfService } from "./service-project.js";
export { ALERTMANAGER_BIN } from "./prometheus/prometheus-processes.js";
export { PROMETHEUS_BIN } from "./prometheus/prometheus-processes.js";
export { prometheusInstalled } from "./prometheus/prometheus-processes.js";
export type { RunningProcess } from "./prometheus/prometheus-processes.js";
export { startAlertmanager } from "./prometheus/prometheus-processes.js";
export { startPrometheus } from "./prometheus/prometheus-processes.js";
export { writeTargetsFile } from "./prometheus/prometheus-processes.js";
