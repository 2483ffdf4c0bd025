/**
 * OTLP metrics from the official OpenTelemetry JS SDK: exported over HTTP/protobuf to
 * `/v1/metrics` and over gRPC, they land in the built-in TSDB under Prometheus' names
 * (`_total`, unit suffixes, `_bucket{le}`/`_sum`/`_count`, exponential histograms as classic
 * buckets, `job`/`instance` from the resource) and answer PromQL through the API; delta counters
 * are added up; the standard OTEL_EXPORTER_OTLP_* variables suffice; a wrong token is refused;
 * points past the per-request bound are a partial success.
 */
import { OTLPMetricExporter as GrpcMetricExporter } from "@opentelemetry/exporter-metrics-otlp-grpc";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  type PushMetricExporter,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpGrpc, type OtlpGrpcReceiver } from "../../src/server/otlp-grpc.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** A meter provider exporting only when flushed, for service `service`. */
function meterFor(service: string, exporter: PushMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      "service.name": service,
      "service.instance.id": `${service}-1`,
      "deployment.environment.name": "test",
    }),
    readers: [reader],
    views: [{ instrumentName: "payload.size", aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  return {
    meter: provider.getMeter("otlp-test"),
    flush: () => reader.forceFlush(),
    close: () => provider.shutdown(),
    /** Collects and exports once, answering the exporter's result (flushing only logs failures). */
    async exportOnce(): Promise<{ code: number; error?: Error }> {
      const { resourceMetrics } = await reader.collect();
      return new Promise((resolve) => exporter.export(resourceMetrics, resolve));
    },
  };
}

describe("OTLP metrics from the OpenTelemetry SDK", () => {
  let t: TestApp;
  let operator: string;
  let viewer: string;
  let base: string;
  let receiver: OtlpGrpcReceiver;
  const query = async (expr: string) => {
    const res = await t.server.inject({
      url: `/api/metrics/query?query=${encodeURIComponent(expr)}`,
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json().data.result as { metric: Record<string, string>; value: [number, string] }[];
    return result.map((r): Record<string, string | number> => ({ ...r.metric, value: Number(r.value[1]) }));
  };
  const grpcMetadata = (token: string) => {
    const m = new grpc.Metadata();
    m.set("authorization", `Bearer ${token}`);
    return m;
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.limits.otlp.max_points = 50;
      },
    });
    operator = (await t.app.store.tokens.create("op", "operator")).token;
    viewer = (await t.app.store.tokens.create("viewer", "viewer")).token;
    base = await t.server.listen({ host: "127.0.0.1", port: 0 });
    receiver = await startOtlpGrpc(t.app, { host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await receiver?.stop();
    await t?.dispose();
  });

  it("stores counters, histograms and gauges sent over HTTP/protobuf under Prometheus names", async () => {
    const sdk = meterFor(
      "shop",
      new ProtoMetricExporter({ url: `${base}/v1/metrics`, headers: { authorization: `Bearer ${operator}` } }),
    );
    const requests = sdk.meter.createCounter("http.server.requests", { unit: "{request}" });
    const duration = sdk.meter.createHistogram("http.server.request.duration", {
      unit: "s",
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
    });
    const inFlight = sdk.meter.createUpDownCounter("http.server.active_requests");
    const memory = sdk.meter.createGauge("process.memory.usage", { unit: "By" });
    requests.add(7, { "http.route": "/cart", "http.response.status_code": 500 });
    requests.add(3, { "http.route": "/cart", "http.response.status_code": 200 });
    for (const s of [0.05, 0.2, 0.3, 2]) duration.record(s, { "http.route": "/cart" });
    inFlight.add(4);
    inFlight.add(-1);
    memory.record(123_456);
    const payload = sdk.meter.createHistogram("payload.size", { unit: "By" }); // exponential (the view above)
    for (const size of [3, 5, 100]) payload.record(size);
    await sdk.flush();
    await sdk.close();

    expect(await query('http_server_requests_total{job="shop",http_response_status_code="500"}')).toEqual([
      expect.objectContaining({ instance: "shop-1", http_route: "/cart", value: 7 }),
    ]);
    const buckets = await query('http_server_request_duration_seconds_bucket{job="shop"}');
    expect(Object.fromEntries(buckets.map((b) => [String(b.le), b.value]))).toEqual({
      "0.1": 1,
      "0.5": 3,
      "1": 3,
      "+Inf": 4,
    });
    expect(await query('http_server_request_duration_seconds_count{job="shop"}')).toMatchObject([{ value: 4 }]);
    const [median] = await query(
      'histogram_quantile(0.5, sum by (le) (http_server_request_duration_seconds_bucket{job="shop"}))',
    );
    expect(Number(median?.value)).toBeCloseTo(0.3);
    const [sum] = await query('http_server_request_duration_seconds_sum{job="shop"}');
    expect(Number(sum?.value)).toBeCloseTo(2.55);
    expect(await query('http_server_active_requests{job="shop"}')).toMatchObject([{ value: 3 }]);
    expect(await query('process_memory_usage_bytes{job="shop"}')).toMatchObject([{ value: 123_456 }]);
    const payloadBuckets = await query('payload_size_bytes_bucket{job="shop"}');
    expect(Object.fromEntries(payloadBuckets.map((b) => [String(b.le), b.value]))).toMatchObject({
      "4": 1,
      "8": 2,
      "64": 2,
      "128": 3,
      "+Inf": 3,
    });
    expect(await query('payload_size_bytes_sum{job="shop"}')).toMatchObject([{ value: 108 }]);
    expect(await query('target_info{job="shop"}')).toMatchObject([
      { instance: "shop-1", deployment_environment_name: "test", value: 1 },
    ]);
    // what alert rules and the canary judge ask
    const ratio = await query(
      'sum(http_server_requests_total{job="shop",http_response_status_code=~"5.."}) / sum(http_server_requests_total{job="shop"})',
    );
    expect(Number(ratio[0]?.value)).toBeCloseTo(0.7);
  });

  it("adds up delta counters sent over gRPC", async () => {
    const sdk = meterFor(
      "billing",
      new GrpcMetricExporter({
        url: `http://127.0.0.1:${receiver.port}`,
        metadata: grpcMetadata(operator),
        temporalityPreference: AggregationTemporality.DELTA,
      }),
    );
    const charges = sdk.meter.createCounter("charges");
    const latency = sdk.meter.createHistogram("charge.latency", {
      unit: "ms",
      advice: { explicitBucketBoundaries: [10, 100] },
    });
    charges.add(2);
    latency.record(50);
    await sdk.flush();
    // the next export's delta lands one millisecond or more later
    await new Promise((r) => setTimeout(r, 5));
    charges.add(5);
    latency.record(5);
    latency.record(500);
    await sdk.flush();
    await sdk.close();
    expect(await query('charges_total{job="billing"}')).toMatchObject([{ instance: "billing-1", value: 7 }]);
    const buckets = await query('charge_latency_milliseconds_bucket{job="billing"}');
    expect(Object.fromEntries(buckets.map((b) => [String(b.le), b.value]))).toEqual({ "10": 1, "100": 2, "+Inf": 3 });
  });

  it("needs only OTEL_EXPORTER_OTLP_ENDPOINT and _HEADERS (gzip compression too), over HTTP and gRPC", async () => {
    const saved = { ...process.env };
    try {
      process.env.OTEL_EXPORTER_OTLP_HEADERS = `authorization=${encodeURIComponent(`Bearer ${operator}`)}`;
      process.env.OTEL_EXPORTER_OTLP_COMPRESSION = "gzip"; // what the OpenTelemetry Collector sends
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
      const overHttp = meterFor("env-http", new ProtoMetricExporter());
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${receiver.port}`;
      const overGrpc = meterFor("env-grpc", new GrpcMetricExporter());
      for (const sdk of [overHttp, overGrpc]) {
        sdk.meter.createCounter("logins").add(1);
        expect(await sdk.exportOnce()).toMatchObject({ code: 0 });
        await sdk.close();
      }
    } finally {
      process.env = saved;
    }
    expect((await query("logins_total")).map((s) => s.job).sort()).toEqual(["env-grpc", "env-http"]);
  });

  it("refuses an export without a valid operator token, over HTTP and gRPC", async () => {
    const cases: [PushMetricExporter, RegExp][] = [
      [
        new ProtoMetricExporter({ url: `${base}/v1/metrics`, headers: { authorization: "Bearer nope" } }),
        /^401 .*invalid or revoked token/,
      ],
      [new ProtoMetricExporter({ url: `${base}/v1/metrics` }), /^401 .*needs an operator token/],
      [
        new ProtoMetricExporter({ url: `${base}/v1/metrics`, headers: { authorization: `Bearer ${viewer}` } }),
        /^403 .*needs the 'operator' role/,
      ],
      [
        new GrpcMetricExporter({ url: `http://127.0.0.1:${receiver.port}`, metadata: grpcMetadata("nope") }),
        /UNAUTHENTICATED|invalid or revoked token/,
      ],
      [new GrpcMetricExporter({ url: `http://127.0.0.1:${receiver.port}` }), /UNAUTHENTICATED|needs 'authorization/],
      [
        new GrpcMetricExporter({ url: `http://127.0.0.1:${receiver.port}`, metadata: grpcMetadata(viewer) }),
        /PERMISSION_DENIED|needs the 'operator' role/,
      ],
    ];
    for (const [exporter, error] of cases) {
      const sdk = meterFor("intruder", exporter);
      sdk.meter.createCounter("break.ins").add(1);
      const result = await sdk.exportOnce();
      expect(result.code).toBe(1); // ExportResultCode.FAILED
      const e = result.error as (Error & { code?: number; data?: string }) | undefined;
      expect(`${e?.code} ${e?.message} ${e?.data}`).toMatch(error);
      await sdk.close().catch(() => undefined);
    }
    expect(await query('break_ins_total{job="intruder"}')).toEqual([]);
  });

  it("takes the first points of an oversized export and answers the rest as a partial success", async () => {
    const points = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        attributes: [{ key: "shard", value: { intValue: i } }],
        timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
        asDouble: i,
      }));
    const res = await t.server.inject({
      method: "POST",
      url: "/v1/metrics",
      headers: { authorization: `Bearer ${operator}` },
      payload: {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "bulk" } }] },
            scopeMetrics: [
              {
                metrics: [
                  { name: "shard.load", unit: "1", gauge: { dataPoints: points(60) } },
                  { name: "shard.moves", sum: { dataPoints: points(1), isMonotonic: true } },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      partialSuccess: {
        rejectedDataPoints: 11,
        errorMessage: expect.stringMatching(
          /more than 50 data points.*sum without aggregation temporality|sum without aggregation temporality.*more than 50/,
        ),
      },
    });
    expect(await query('count(shard_load_ratio{job="bulk"})')).toMatchObject([{ value: 50 }]);
  });
});
