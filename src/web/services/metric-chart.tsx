/** One figure of one service (requests, 5xx errors or p99 latency) as a chart with its latest value, or why there is none. */
import { formatRate, formatSeconds } from "../format.js";
import { type ChartSize, LineChart } from "./line-chart.js";
import { METRICS, type MetricKey } from "./service-queries.js";
import type { RangeData } from "./use-range-queries.js";

/** Props of `MetricChart`. */
export interface MetricChartProps {
  service: string;
  metric: MetricKey;
  data: RangeData<MetricKey> | undefined;
  size: ChartSize;
  /** Whether pitcrew scrapes the service (a metrics URL is registered), to explain a lack of data. */
  scraped: boolean;
}

/** The chart and latest value of `metric` for `service`; a "no data" note when the query failed or found nothing. */
export function MetricChart({ service, metric, data, size, scraped }: MetricChartProps) {
  const def = METRICS.find((m) => m.key === metric)!;
  if (!data) return <span className="muted">…</span>;
  const outcome = data.results[metric];
  const points = outcome.series.get(service) ?? [];
  if (outcome.error) return <NoData size={size} why={`query failed: ${outcome.error}`} />;
  if (points.length === 0) {
    if (metric === "errors" && (data.results.requests.series.get(service)?.length ?? 0) > 0) {
      return <span className="muted">no 5xx responses</span>;
    }
    return <NoData size={size} why={scraped ? undefined : "no metrics URL registered"} />;
  }
  const format = def.unit === "rate" ? formatRate : formatSeconds;
  const latest = format(points.at(-1)!.v);
  const peak = format(Math.max(...points.map((p) => p.v)));
  const minutes = Math.round((data.to - data.from) / 60);
  const chart = (
    <LineChart
      points={points}
      from={data.from}
      to={data.to}
      step={data.step}
      format={format}
      size={size}
      tone={metric === "errors" ? "bad" : undefined}
      label={`${def.title} of ${service} over the last ${minutes} minutes: latest ${latest}, peak ${peak}`}
    />
  );
  if (size === "small") {
    return (
      <span className="spark">
        {chart} <span className="spark-value">{latest}</span>
      </span>
    );
  }
  return chart;
}

function NoData({ size, why }: { size: ChartSize; why?: string }) {
  return (
    <span className={`muted no-data no-data-${size}`}>
      no data{why && <span className="no-data-why"> ({why})</span>}
    </span>
  );
}
