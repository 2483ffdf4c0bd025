/**
 * `pitcrew serve` with `observe.otlp_grpc`: the receiver listens beside the HTTP server, takes an
 * OpenTelemetry SDK's gRPC export, and closes with the server on SIGTERM (before the SIGKILL
 * fallback); a port it cannot bind stops the server with exit code 1.
 */
import { createServer } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

describe.skipIf(!HAS_DIST)("pitcrew serve with the OTLP/gRPC receiver", () => {
  let s: ServeProcess | undefined;
  afterAll(() => s?.stop());

  it("receives spans over gRPC and shuts the receiver down with the server", async () => {
    const port = await freePort();
    s = await startServe({ observe: { otlp_grpc: { port } } });
    expect(s.output()).toContain(`OTLP/gRPC receiver on 127.0.0.1:${port}`);
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${s.token}`);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ "service.name": "served" }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}`, metadata }))],
    });
    const span = provider.getTracer("serve-test").startSpan("GET /");
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const trace = await s.api("GET", `/api/traces/${span.spanContext().traceId}`);
    expect(trace.status).toBe(200);
    expect(trace.body.spans).toMatchObject([{ service: "served", name: "GET /" }]);

    const started = Date.now();
    await s.stop();
    s = undefined;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("exits 1 naming observe.otlp_grpc when the port is taken", async () => {
    const port = await freePort();
    const taken = createServer().listen(port, "127.0.0.1");
    try {
      await expect(startServe({ observe: { otlp_grpc: { port } } })).rejects.toThrow(
        /exited \(1\)[\s\S]*cannot listen for OTLP\/gRPC on 127\.0\.0\.1:\d+ \(observe\.otlp_grpc\)/,
      );
    } finally {
      taken.close();
    }
  });
});
