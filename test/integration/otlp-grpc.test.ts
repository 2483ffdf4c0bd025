/**
 * The OTLP/gRPC receiver with the official OpenTelemetry JS exporters: spans and log records
 * land as they do over HTTP; and with a plain gRPC client: a signed message passes, a malformed
 * one is INVALID_ARGUMENT and stores nothing, an oversized one RESOURCE_EXHAUSTED, refused
 * metric points come back as a partial success in the protobuf response; calls past a token's
 * ingest budget are RESOURCE_EXHAUSTED.
 */
import { createHmac } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-grpc";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otlpRequestType, otlpResponseType } from "../../src/observe/index.js";
import { type OtlpGrpcReceiver, startOtlpGrpc } from "../../src/server/otlp-grpc.js";
import { callBudgets } from "../../src/server/rate-limits.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SECRET = "an-ingest-secret-of-some-length";
const LOGS = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
const METRICS = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

describe("OTLP/gRPC receiver", () => {
  let t: TestApp;
  let operator: string;
  let receiver: OtlpGrpcReceiver;
  let client: grpc.Client;
  const url = () => `http://127.0.0.1:${receiver.port}`;
  const metadata = (entries: Record<string, string>) => {
    const m = new grpc.Metadata();
    for (const [k, v] of Object.entries(entries)) m.set(k, v);
    return m;
  };
  const call = (path: string, body: Uint8Array, md: grpc.Metadata) =>
    new Promise<{ err: grpc.ServiceError | null; res?: Buffer }>((resolve) =>
      client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        md,
        (err, res) => resolve({ err, res }),
      ),
    );
  const get = (path: string) =>
    t.server.inject({ url: path, headers: { authorization: `Bearer ${operator}` } }).then((r) => r.json());
  const encodeLogs = (service: string, message: string) => {
    const type = otlpRequestType("logs");
    return type
      .encode(
        type.fromObject({
          resourceLogs: [
            {
              resource: { attributes: [str("service.name", service)] },
              scopeLogs: [{ logRecords: [{ severityText: "WARN", body: { stringValue: message } }] }],
            },
          ],
        }),
      )
      .finish();
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.server.body_limit = 64 * 1024;
        c.observe.ingest_secret = SECRET;
      },
    });
    operator = (await t.app.store.tokens.create("op", "operator")).token;
    receiver = await startOtlpGrpc(t.app, { host: "127.0.0.1", port: 0 });
    client = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await receiver?.stop();
    await t?.dispose();
  });

  it("stores spans from the OpenTelemetry trace exporter", async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "gateway" }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: url(), metadata: metadata({ authorization: `Bearer ${operator}` }) }),
        ),
      ],
    });
    const tracer = provider.getTracer("otlp-grpc-test");
    const span = tracer.startSpan("GET /cart", { kind: 1, attributes: { "http.route": "/cart" } });
    span.setStatus({ code: 2, message: "boom" });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const { traceId, spanId } = span.spanContext();
    const trace = await get(`/api/traces/${traceId}`);
    expect(trace.spans).toEqual([
      expect.objectContaining({ spanId, service: "gateway", name: "GET /cart", kind: "server", error: true }),
    ]);
  });

  it("stores log records from the OpenTelemetry log exporter", async () => {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ "service.name": "checkout" }),
      processors: [
        new SimpleLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: url(), metadata: metadata({ authorization: `Bearer ${operator}` }) }),
        }),
      ],
    });
    provider
      .getLogger("otlp-grpc-test")
      .emit({ severityNumber: 17, severityText: "ERROR", body: "payment declined", attributes: { order: "o-17" } });
    await provider.forceFlush();
    await provider.shutdown();
    const found = await get("/api/logs?service=checkout");
    expect(found.records).toEqual([
      expect.objectContaining({ level: "error", message: "payment declined", source: "otlp" }),
    ]);
    expect(found.records[0].attributes).toMatchObject({ order: "o-17" });
  });

  it("takes a message signed with the ingest secret instead of a token", async () => {
    const body = encodeLogs("signed", "signed hello");
    const sig = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const { err } = await call(LOGS, body, metadata({ "x-pitcrew-signature": sig }));
    expect(err).toBeNull();
    expect((await get("/api/logs?service=signed")).records).toHaveLength(1);
    const forged = await call(LOGS, encodeLogs("signed", "forged"), metadata({ "x-pitcrew-signature": sig }));
    expect(forged.err?.code).toBe(grpc.status.UNAUTHENTICATED);
  });

  it("answers malformed messages INVALID_ARGUMENT and stores nothing", async () => {
    const torn = encodeLogs("torn", "half a message").slice(0, -3);
    const { err } = await call(LOGS, torn, metadata({ authorization: `Bearer ${operator}` }));
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toMatch(/invalid OTLP protobuf logs body/);
    expect((await get("/api/logs?service=torn")).records).toEqual([]);
  });

  it("refuses a message larger than server.body_limit", async () => {
    const { err } = await call(
      LOGS,
      encodeLogs("huge", "x".repeat(100 * 1024)),
      metadata({ authorization: `Bearer ${operator}` }),
    );
    expect(err?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect((await get("/api/logs?service=huge")).records).toEqual([]);
    // the same bound holds for the inflated size of a gzip-compressed message (8 MiB of zeros)
    const zipping = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure(), {
      "grpc.default_compression_algorithm": grpc.compressionAlgorithms.gzip,
    });
    const bomb = await new Promise<grpc.ServiceError | null>((resolve) =>
      zipping.makeUnaryRequest(
        LOGS,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(8 * 1024 * 1024),
        metadata({ authorization: `Bearer ${operator}` }),
        (e) => resolve(e),
      ),
    );
    zipping.close();
    expect(bomb?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("answers refused metric points as a partial success", async () => {
    const type = otlpRequestType("metrics");
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const body = type
      .encode(
        type.fromObject({
          resourceMetrics: [
            {
              resource: { attributes: [str("service.name", "partial")] },
              scopeMetrics: [
                {
                  metrics: [
                    { name: "queue.depth", gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 4 }] } },
                    { name: "jobs.done", sum: { isMonotonic: true, dataPoints: [{ timeUnixNano: now, asInt: 3 }] } },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const { err, res } = await call(METRICS, body, metadata({ authorization: `Bearer ${operator}` }));
    expect(err).toBeNull();
    const answer = otlpResponseType("metrics").toObject(otlpResponseType("metrics").decode(res!), { longs: Number });
    expect(answer).toEqual({
      partialSuccess: { rejectedDataPoints: 1, errorMessage: "jobs.done: sum without aggregation temporality" },
    });
    const stored = await get(`/api/metrics/query?query=${encodeURIComponent('queue_depth{job="partial"}')}`);
    expect(stored.data.result).toMatchObject([{ value: [expect.any(Number), "4"] }]);
  });
});

describe("OTLP/gRPC rate limits", () => {
  let t: TestApp;
  let receiver: OtlpGrpcReceiver;
  let client: grpc.Client;
  afterAll(async () => {
    client?.close();
    await receiver?.stop();
    await t?.dispose();
  });

  it("counts calls against the token's ingest budget", async () => {
    t = await startTestApp({
      configure: (c) => {
        c.limits.rate_limit.ingest = 3;
      },
    });
    const operator = (await t.app.store.tokens.create("op", "operator")).token;
    receiver = await startOtlpGrpc(
      t.app,
      { host: "127.0.0.1", port: 0 },
      callBudgets(t.server, t.app.config.config.limits.rate_limit),
    );
    client = new grpc.Client(`127.0.0.1:${receiver.port}`, grpc.credentials.createInsecure());
    const md = new grpc.Metadata();
    md.set("authorization", `Bearer ${operator}`);
    const empty = Buffer.alloc(0); // an export with nothing in it
    const call = () =>
      new Promise<grpc.ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          LOGS,
          (b: Buffer) => b,
          (b: Buffer) => b,
          empty,
          md,
          (err) => resolve(err),
        ),
      );
    expect(await call()).toBeNull();
    expect(await call()).toBeNull();
    expect(await call()).toBeNull();
    const over = await call();
    expect(over?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(over?.details).toMatch(/too many requests for this token 'op'.*retry after \d+ s/);
  });
});
