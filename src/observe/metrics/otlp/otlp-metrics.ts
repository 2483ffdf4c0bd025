/**
 * An OTLP/JSON `ExportMetricsServiceRequest` (or a decoded protobuf one) turned into Prometheus
 * samples the way Prometheus' OTLP receiver does:
 *
 *   resource `service.name` (with `service.namespace/`) → `job`, `service.instance.id` → `instance`,
 *   `pitcrew.release` → `release` and `pitcrew.replica` → `replica` (the scraper's labels),
 *   the other resource attributes → one `target_info` series; point attributes → labels;
 *   gauge and non-monotonic sum → a gauge; monotonic sum → `<name>_total`;
 *   histogram → `_bucket{le}` (cumulative, `+Inf` = count), `_sum`, `_count`;
 *   summary → `{quantile}`, `_sum`, `_count`;
 *   exponential histogram → `_count`, `_sum` and classic `_bucket{le}` at powers of two (scale 0,
 *   or its own coarser scale); with negative observations only `_count` and `_sum`.
 *
 * Delta points are marked `delta` for the ingestor to accumulate. A point the receiver cannot
 * take (a sum or histogram without temporality, a non-monotonic delta sum, bucket counts that do
 * not match the bounds) is refused with a reason instead of failing the request;
 * a body that does not have the OTLP shape is a ValidationError and stores nothing.
 */
import * as z from "zod";
import { ValidationError } from "../../../common/errors.js";
import type { Labels } from "../../../store/index.js";
import {
  describeIssues,
  fromAnyValue,
  fromAttributes,
  type KeyValue,
  keyValueSchema,
  nanosToMs,
  resourceSchema,
  unixNanoSchema,
} from "../../logs/otlp-values.js";
import { type PrometheusKind, prometheusLabelName, prometheusMetricName } from "./prometheus-name.js";

const int64 = z.union([z.string().regex(/^-?\d{1,20}$/, "an integer"), z.number().int()]);
const double = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);
const temporality = z
  .union([
    z.number().int().min(0).max(2),
    z.enum([
      "AGGREGATION_TEMPORALITY_UNSPECIFIED",
      "AGGREGATION_TEMPORALITY_DELTA",
      "AGGREGATION_TEMPORALITY_CUMULATIVE",
    ]),
  ])
  .optional();
const base = {
  attributes: z.array(keyValueSchema).optional(),
  startTimeUnixNano: unixNanoSchema.optional(),
  timeUnixNano: unixNanoSchema.optional(),
  flags: z.number().int().optional(),
};
const numberPoint = z.object({ ...base, asDouble: double.optional(), asInt: int64.optional() });
const histogramPoint = z.object({
  ...base,
  count: int64.optional(),
  sum: double.optional(),
  bucketCounts: z.array(int64).optional(),
  explicitBounds: z.array(double).optional(),
});
const buckets = z.object({ offset: z.number().int().optional(), bucketCounts: z.array(int64).optional() }).optional();
const expPoint = z.object({
  ...base,
  count: int64.optional(),
  sum: double.optional(),
  scale: z.number().int().min(-10).max(20).optional(),
  zeroCount: int64.optional(),
  positive: buckets,
  negative: buckets,
});
const summaryPoint = z.object({
  ...base,
  count: int64.optional(),
  sum: double.optional(),
  quantileValues: z.array(z.object({ quantile: double.optional(), value: double.optional() })).optional(),
});
const metricSchema = z.object({
  name: z.string().min(1).max(1000),
  unit: z.string().max(200).optional(),
  gauge: z.object({ dataPoints: z.array(numberPoint).optional() }).optional(),
  sum: z
    .object({
      dataPoints: z.array(numberPoint).optional(),
      aggregationTemporality: temporality,
      isMonotonic: z.boolean().optional(),
    })
    .optional(),
  histogram: z
    .object({ dataPoints: z.array(histogramPoint).optional(), aggregationTemporality: temporality })
    .optional(),
  exponentialHistogram: z
    .object({ dataPoints: z.array(expPoint).optional(), aggregationTemporality: temporality })
    .optional(),
  summary: z.object({ dataPoints: z.array(summaryPoint).optional() }).optional(),
});

/** Schema of an OTLP/JSON `ExportMetricsServiceRequest`. */
export const exportMetricsSchema = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: resourceSchema,
        scopeMetrics: z.array(z.object({ metrics: z.array(metricSchema).optional() })).optional(),
      }),
    )
    .default([]), // an empty export may leave it out (OTLP omits empty repeated fields)
});

/** One Prometheus sample of a converted point; `delta` values still need adding up. */
export interface OtlpSample {
  labels: Labels;
  t: number;
  v: number;
  delta: boolean;
}

/** One OTLP data point, converted (`samples`) or refused (`refused` says why). */
export interface OtlpPoint {
  job: string;
  instance: string;
  samples: OtlpSample[];
  refused?: string;
}

/** Everything a metrics export holds, point by point, plus one `target_info` per resource. */
export interface OtlpMetricsBatch {
  points: OtlpPoint[];
  targetInfo: OtlpSample[];
}

/** Resource attributes that label every series, as the scraper labels a release's replicas. */
const PROMOTED: Record<string, string> = { "pitcrew.release": "release", "pitcrew.replica": "replica" };
type Temporality = z.infer<typeof temporality>;
const num = (v: string | number | undefined) => (v === undefined ? 0 : Number(v));
const TEMPORALITY_NAMES = ["", "AGGREGATION_TEMPORALITY_DELTA", "AGGREGATION_TEMPORALITY_CUMULATIVE"];
const isDelta = (t: Temporality) => t === 1 || t === TEMPORALITY_NAMES[1];
const known = (t: Temporality) => isDelta(t) || t === 2 || t === TEMPORALITY_NAMES[2];
/** Most classic buckets an exponential histogram becomes; a wider one keeps only `le="+Inf"`. */
const MAX_EXP_BUCKETS = 160;

/** Reads a metrics export into converted points (see the file comment); `now` stands in for missing times. */
export function parseOtlpMetrics(body: unknown, now: number): OtlpMetricsBatch {
  const parsed = exportMetricsSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(`invalid OTLP metrics: ${describeIssues(parsed.error, "body")}`);
  const out: OtlpMetricsBatch = { points: [], targetInfo: [] };
  for (const rm of parsed.data.resourceMetrics) {
    const resource = fromAttributes(rm.resource?.attributes);
    const str = (k: string) => (typeof resource[k] === "string" && resource[k] !== "" ? (resource[k] as string) : "");
    const service = str("service.name") || "unknown_service";
    const job = str("service.namespace") ? `${str("service.namespace")}/${service}` : service;
    const instance = str("service.instance.id");
    const own: Labels = instance ? { job, instance } : { job };
    for (const [attribute, label] of Object.entries(PROMOTED)) if (str(attribute)) own[label] = str(attribute);
    let latest = 0;
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const p of convertMetric(m, own, now)) {
          out.points.push({ job, instance, ...p });
          for (const s of p.samples) latest = Math.max(latest, s.t);
        }
      }
    }
    const info = Object.entries(resource).filter(
      ([k, v]) =>
        !["service.name", "service.namespace", "service.instance.id"].includes(k) && !(k in PROMOTED) && v !== null,
    );
    if (info.length > 0 && latest > 0) {
      const labels: Labels = { __name__: "target_info" };
      for (const [k, v] of info) labels[prometheusLabelName(k)] = typeof v === "string" ? v : JSON.stringify(v);
      out.targetInfo.push({ labels: { ...labels, ...own }, t: latest, v: 1, delta: false });
    }
  }
  return out;
}

type Metric = z.infer<typeof metricSchema>;
type Converted = { samples: OtlpSample[]; refused?: string };

function convertMetric(m: Metric, own: Labels, now: number): Converted[] {
  const unit = m.unit ?? "";
  const name = (kind: PrometheusKind) => prometheusMetricName(m.name, unit, kind);
  const each = <P extends { attributes?: KeyValue[]; timeUnixNano?: string | number; flags?: number }>(
    points: P[] | undefined,
    convert: (p: P, labels: Labels, t: number) => Converted,
  ) =>
    (points ?? [])
      .filter((p) => ((p.flags ?? 0) & 1) === 0) // "no recorded value": a staleness marker, nothing to store
      .map((p) => convert(p, pointLabels(p.attributes, own), nanosToMs(p.timeUnixNano) ?? now));
  if (m.gauge) {
    return each(m.gauge.dataPoints, (p, l, t) => number(name("gauge"), p, l, t, false));
  }
  if (m.sum) {
    const { aggregationTemporality: at, isMonotonic } = m.sum;
    if (!known(at)) return refuseAll(m.sum.dataPoints, `${m.name}: sum without aggregation temporality`);
    const kind = isMonotonic ? "counter" : "gauge";
    // a non-monotonic delta sum is a change, not a level: only a counter's deltas add up meaningfully
    if (isDelta(at) && !isMonotonic) {
      return refuseAll(m.sum.dataPoints, `${m.name}: non-monotonic delta sums are not supported`);
    }
    return each(m.sum.dataPoints, (p, l, t) => number(name(kind), p, l, t, isDelta(at)));
  }
  if (m.histogram) {
    const at = m.histogram.aggregationTemporality;
    if (!known(at)) return refuseAll(m.histogram.dataPoints, `${m.name}: histogram without aggregation temporality`);
    return each(m.histogram.dataPoints, (p, l, t) => histogram(name("histogram"), p, l, t, isDelta(at)));
  }
  if (m.exponentialHistogram) {
    const at = m.exponentialHistogram.aggregationTemporality;
    if (!known(at)) {
      return refuseAll(m.exponentialHistogram.dataPoints, `${m.name}: histogram without aggregation temporality`);
    }
    return each(m.exponentialHistogram.dataPoints, (p, l, t) => exponential(name("histogram"), p, l, t, isDelta(at)));
  }
  if (m.summary) return each(m.summary.dataPoints, (p, l, t) => summary(name("summary"), p, l, t));
  return [];
}

function refuseAll(points: unknown[] | undefined, reason: string): Converted[] {
  return (points ?? []).map(() => ({ samples: [], refused: reason }));
}

/** Point attributes as labels; the resource's `job`/`instance` win, a point's own are kept as `exported_…`. */
function pointLabels(attributes: KeyValue[] | undefined, own: Labels): Labels {
  const out: Labels = {};
  for (const kv of attributes ?? []) {
    const v = fromAnyValue(kv.value);
    if (v === null) continue;
    let key = prometheusLabelName(kv.key);
    if (key in own || key === "__name__") key = `exported_${key}`;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    out[key] = out[key] === undefined ? text : `${out[key]};${text}`;
  }
  return { ...out, ...own };
}

const sample = (name: string, labels: Labels, t: number, v: number, delta: boolean): OtlpSample => ({
  labels: { ...labels, __name__: name },
  t,
  v,
  delta,
});

function number(name: string, p: z.infer<typeof numberPoint>, labels: Labels, t: number, delta: boolean): Converted {
  const v = p.asDouble !== undefined ? Number(p.asDouble) : num(p.asInt);
  return { samples: [sample(name, labels, t, v, delta)] };
}

function histogram(
  name: string,
  p: z.infer<typeof histogramPoint>,
  labels: Labels,
  t: number,
  delta: boolean,
): Converted {
  const counts = (p.bucketCounts ?? []).map(num);
  const bounds = (p.explicitBounds ?? []).map(Number);
  if (counts.length > 0 && counts.length !== bounds.length + 1) {
    return { samples: [], refused: `${name}: ${counts.length} bucket counts for ${bounds.length} bounds` };
  }
  const out = [sample(`${name}_count`, labels, t, num(p.count), delta)];
  if (p.sum !== undefined) out.push(sample(`${name}_sum`, labels, t, Number(p.sum), delta));
  let cumulative = 0;
  bounds.forEach((le, i) => {
    cumulative += counts[i] ?? 0;
    out.push(sample(`${name}_bucket`, { ...labels, le: formatLe(le) }, t, cumulative, delta));
  });
  out.push(sample(`${name}_bucket`, { ...labels, le: "+Inf" }, t, num(p.count), delta));
  return { samples: out };
}

function exponential(name: string, p: z.infer<typeof expPoint>, labels: Labels, t: number, delta: boolean): Converted {
  const out = [sample(`${name}_count`, labels, t, num(p.count), delta)];
  if (p.sum !== undefined) out.push(sample(`${name}_sum`, labels, t, Number(p.sum), delta));
  const negative = (p.negative?.bucketCounts ?? []).some((c) => num(c) > 0);
  if (negative) return { samples: out }; // classic buckets would need negative bounds: count and sum only
  const scale = p.scale ?? 0;
  // at scale s a bucket i holds (2^(i·2^-s), 2^((i+1)·2^-s)]; scale > 0 is merged down to powers of two
  const byIndex = new Map<number, number>();
  (p.positive?.bucketCounts ?? []).forEach((c, k) => {
    const i = (p.positive?.offset ?? 0) + k;
    const j = scale > 0 ? Math.floor(i / 2 ** scale) : i; // not `>>`: offsets past 2^31 stay exact
    byIndex.set(j, (byIndex.get(j) ?? 0) + num(c));
  });
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const first = indexes[0];
  const last = indexes.at(-1);
  if (first === undefined || last === undefined || last - first >= MAX_EXP_BUCKETS) {
    out.push(sample(`${name}_bucket`, { ...labels, le: "+Inf" }, t, num(p.count), delta));
    return { samples: out };
  }
  const width = scale > 0 ? 1 : 2 ** -scale;
  let cumulative = num(p.zeroCount);
  for (let j = first; j <= last && Number.isFinite(2 ** ((j + 1) * width)); j++) {
    cumulative += byIndex.get(j) ?? 0;
    out.push(sample(`${name}_bucket`, { ...labels, le: formatLe(2 ** ((j + 1) * width)) }, t, cumulative, delta));
  }
  out.push(sample(`${name}_bucket`, { ...labels, le: "+Inf" }, t, num(p.count), delta));
  return { samples: out };
}

function summary(name: string, p: z.infer<typeof summaryPoint>, labels: Labels, t: number): Converted {
  const out = [
    sample(`${name}_count`, labels, t, num(p.count), false),
    sample(`${name}_sum`, labels, t, Number(p.sum ?? 0), false),
  ];
  for (const q of p.quantileValues ?? []) {
    out.push(sample(name, { ...labels, quantile: formatLe(Number(q.quantile ?? 0)) }, t, Number(q.value ?? 0), false));
  }
  return { samples: out };
}

/** A bound as Prometheus writes `le` and `quantile` (`0.5`, `1`, `+Inf`). */
function formatLe(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}
