/**
 * The PromQL the Services view runs, from the conventional HTTP metrics of a service
 * (`http_requests_total{status}`, `http_request_duration_seconds` histogram; the scraper adds
 * `job="<service>"`). Every query keeps `job`, so one query answers for all services at once.
 */

/** The three figures charted per service. */
export type MetricKey = "requests" | "errors" | "p99";

/** How each figure is titled and printed. */
export const METRICS: { key: MetricKey; title: string; unit: "rate" | "seconds" }[] = [
  { key: "requests", title: "Requests", unit: "rate" },
  { key: "errors", title: "5xx errors", unit: "rate" },
  { key: "p99", title: "p99 latency", unit: "seconds" },
];

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The queries of the three figures by `job`, for every service, or for `service` only. */
export function metricQueries(service?: string): Record<MetricKey, string> {
  const job = service === undefined ? [] : [`job=${quote(service)}`];
  const sel = (...m: string[]) => ([...job, ...m].length ? `{${[...job, ...m].join(",")}}` : "");
  return {
    requests: `sum by (job) (rate(http_requests_total${sel()}[1m]))`,
    errors: `sum by (job) (rate(http_requests_total${sel('status=~"5.."')}[1m]))`,
    p99: `histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket${sel()}[1m])))`,
  };
}
