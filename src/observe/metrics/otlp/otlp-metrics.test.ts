import { describe, expect, it } from "vitest";
import { parseOtlpMetrics } from "./otlp-metrics.js";

const NOW = 1_700_000_000_000;
const T = String(BigInt(NOW - 1000) * 1_000_000n);
const export_ = (metrics: object[], resource: object[] = [{ key: "service.name", value: { stringValue: "api" } }]) => ({
  resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ metrics }] }],
});
const byName = (samples: { labels: Record<string, string>; v: number }[]) =>
  samples.map((s) => [s.labels.__name__, s.labels.le ?? s.labels.quantile ?? "", s.v]);

describe("parseOtlpMetrics", () => {
  it("takes job, instance and release from the resource and keeps a point's own as exported_", () => {
    const batch = parseOtlpMetrics(
      export_(
        [
          {
            name: "up.time",
            gauge: {
              dataPoints: [
                { timeUnixNano: T, asInt: "5", attributes: [{ key: "job", value: { stringValue: "mine" } }] },
              ],
            },
          },
        ],
        [
          { key: "service.name", value: { stringValue: "api" } },
          { key: "service.namespace", value: { stringValue: "shop" } },
          { key: "service.instance.id", value: { stringValue: "api-2" } },
          { key: "pitcrew.release", value: { stringValue: "17" } },
          { key: "host.name", value: { stringValue: "box" } },
        ],
      ),
      NOW,
    );
    expect(batch.points[0]?.samples).toEqual([
      {
        labels: { __name__: "up_time", job: "shop/api", instance: "api-2", release: "17", exported_job: "mine" },
        t: NOW - 1000,
        v: 5,
        delta: false,
      },
    ]);
    expect(batch.targetInfo[0]?.labels).toEqual({
      __name__: "target_info",
      job: "shop/api",
      instance: "api-2",
      release: "17",
      host_name: "box",
    });
  });

  it("turns a summary into quantiles, _sum and _count", () => {
    const batch = parseOtlpMetrics(
      export_([
        {
          name: "rpc.latency",
          unit: "ms",
          summary: {
            dataPoints: [
              {
                timeUnixNano: T,
                count: "10",
                sum: 42.5,
                quantileValues: [
                  { quantile: 0.5, value: 3 },
                  { quantile: 0.99, value: 20 },
                ],
              },
            ],
          },
        },
      ]),
      NOW,
    );
    expect(byName(batch.points[0]!.samples)).toEqual([
      ["rpc_latency_milliseconds_count", "", 10],
      ["rpc_latency_milliseconds_sum", "", 42.5],
      ["rpc_latency_milliseconds", "0.5", 3],
      ["rpc_latency_milliseconds", "0.99", 20],
    ]);
  });

  it("summarises an exponential histogram as classic buckets at powers of two", () => {
    // scale 1: bucket i holds (2^(i/2), 2^((i+1)/2)]; indexes 0..3 merge into (1,2] and (2,4]
    const batch = parseOtlpMetrics(
      export_([
        {
          name: "payload",
          unit: "By",
          exponentialHistogram: {
            aggregationTemporality: 2,
            dataPoints: [
              {
                timeUnixNano: T,
                count: "7",
                sum: 14,
                scale: 1,
                zeroCount: "1",
                positive: { offset: 0, bucketCounts: ["1", "2", "0", "3"] },
              },
            ],
          },
        },
      ]),
      NOW,
    );
    expect(byName(batch.points[0]!.samples)).toEqual([
      ["payload_bytes_count", "", 7],
      ["payload_bytes_sum", "", 14],
      ["payload_bytes_bucket", "2", 4],
      ["payload_bytes_bucket", "4", 7],
      ["payload_bytes_bucket", "+Inf", 7],
    ]);
  });

  it("keeps only _count and _sum of an exponential histogram with negative observations", () => {
    const batch = parseOtlpMetrics(
      export_([
        {
          name: "delta.t",
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [{ timeUnixNano: T, count: 2, sum: -1, negative: { offset: 0, bucketCounts: [2] } }],
          },
        },
      ]),
      NOW,
    );
    expect(batch.points[0]!.samples.map((s) => [s.labels.__name__, s.delta])).toEqual([
      ["delta_t_count", true],
      ["delta_t_sum", true],
    ]);
  });

  it("refuses points it cannot store, skips staleness markers, and rejects a malformed export", () => {
    const batch = parseOtlpMetrics(
      export_([
        { name: "moves", sum: { isMonotonic: false, aggregationTemporality: 1, dataPoints: [{ asInt: 1 }] } },
        {
          name: "lat",
          histogram: { aggregationTemporality: 2, dataPoints: [{ count: 1, bucketCounts: [1], explicitBounds: [1] }] },
        },
        { name: "gone", gauge: { dataPoints: [{ asDouble: 1, flags: 1 }] } },
      ]),
      NOW,
    );
    expect(batch.points.map((p) => p.refused)).toEqual([
      "moves: non-monotonic delta sums are not supported",
      "lat: 1 bucket counts for 1 bounds",
    ]);
    expect(() => parseOtlpMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{}] }] }] }, NOW)).toThrow(
      /invalid OTLP metrics: body.resourceMetrics.0.scopeMetrics.0.metrics.0.name/,
    );
  });
});
