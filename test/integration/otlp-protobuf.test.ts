/**
 * OTLP/HTTP with protobuf bodies (the OpenTelemetry SDKs' default): traces and logs encoded on
 * the wire from the OTLP message definitions are stored like their JSON twins (hex ids, times,
 * attributes, severity); the answer is an empty protobuf response; a body signed with the ingest
 * secret passes; a gzip-compressed body is inflated (within the body limit); a malformed body is a
 * 400 that stores nothing.
 */
import { createHmac } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otlpRequestType } from "../../src/observe/index.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SECRET = "an-ingest-secret-of-some-length";
const TRACE = "5b8efff798038103d269b633813fc60c";
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n);

describe("OTLP/HTTP protobuf ingest", () => {
  let t: TestApp;
  let operator: string;
  const post = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
    t.server.inject({
      method: "POST",
      url,
      headers: { authorization: `Bearer ${operator}`, "content-type": "application/x-protobuf", ...headers },
      payload: Buffer.from(body),
    });
  const encode = (signal: "traces" | "logs", obj: Record<string, unknown>) => {
    const type = otlpRequestType(signal);
    return type.encode(type.fromObject(obj)).finish();
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.app.config.config.observe.ingest_secret = SECRET;
    operator = (await t.app.store.tokens.create("op", "operator")).token;
  });
  afterAll(() => t?.dispose());

  it("stores protobuf spans with hex ids, kinds, status and attributes", async () => {
    const now = Date.now();
    const span = (id: string, parent: string | undefined, service: string, code: number) => ({
      resource: { attributes: [str("service.name", service)] },
      scopeSpans: [
        {
          scope: { name: "test" },
          spans: [
            {
              traceId: Buffer.from(TRACE, "hex"),
              spanId: Buffer.from(id, "hex"),
              ...(parent ? { parentSpanId: Buffer.from(parent, "hex") } : {}),
              name: `GET /${service}`,
              kind: parent ? 2 : 3,
              startTimeUnixNano: nanos(now),
              endTimeUnixNano: nanos(now + 25),
              attributes: [str("http.route", `/${service}`), { key: "http.status_code", value: { intValue: 500 } }],
              status: { code, message: code === 2 ? "boom" : "" },
            },
          ],
        },
      ],
    });
    const body = encode("traces", {
      resourceSpans: [
        span("eee19b7ec3c1b174", undefined, "gateway", 0),
        span("00f067aa0ba902b7", "eee19b7ec3c1b174", "cart", 2),
      ],
    });
    const res = await post("/v1/traces", body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/x-protobuf/);
    expect(res.rawPayload.length).toBe(0);
    const trace = await t.server.inject({
      url: `/api/traces/${TRACE}`,
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(trace.statusCode, trace.body).toBe(200);
    const spans = trace.json().spans as Record<string, unknown>[];
    expect(spans).toHaveLength(2);
    expect(spans.find((s) => s.spanId === "00f067aa0ba902b7")).toMatchObject({
      traceId: TRACE,
      parentSpanId: "eee19b7ec3c1b174",
      service: "cart",
      name: "GET /cart",
    });
  });

  it("stores protobuf log records, signed with the ingest secret instead of a token", async () => {
    const body = encode("logs", {
      resourceLogs: [
        {
          resource: { attributes: [str("service.name", "checkout")] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(Date.now()),
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: "payment declined" },
                  attributes: [str("order", "o-17")],
                  traceId: Buffer.from(TRACE, "hex"),
                  spanId: Buffer.from("00f067aa0ba902b7", "hex"),
                },
              ],
            },
          ],
        },
      ],
    });
    const sig = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    const res = await t.server.inject({
      method: "POST",
      url: "/v1/logs",
      headers: { "content-type": "application/x-protobuf", "x-pitcrew-signature": sig },
      payload: Buffer.from(body),
    });
    expect(res.statusCode, res.body).toBe(200);
    const found = await t.server.inject({
      url: `/api/logs?service=checkout&traceId=${TRACE}`,
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(found.json().records[0]).toMatchObject({
      level: "error",
      message: "payment declined",
      traceId: TRACE,
      spanId: "00f067aa0ba902b7",
      source: "otlp",
    });
  });

  it("takes gzip-compressed bodies and bounds their inflated size by server.body_limit", async () => {
    const body = encode("logs", {
      resourceLogs: [
        {
          resource: { attributes: [str("service.name", "zipped")] },
          scopeLogs: [{ logRecords: [{ severityText: "INFO", body: { stringValue: "compressed hello" } }] }],
        },
      ],
    });
    const res = await post("/v1/logs", gzipSync(body), { "content-encoding": "gzip" });
    expect(res.statusCode, res.body).toBe(200);
    const found = await t.server.inject({
      url: "/api/logs?service=zipped",
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(found.json().records).toMatchObject([{ message: "compressed hello" }]);
    // 8 MiB of zeros is 8 KiB compressed: refused once inflated past the 1 MiB body limit
    const bomb = await post("/v1/logs", gzipSync(Buffer.alloc(8 * 1024 * 1024)), { "content-encoding": "gzip" });
    expect(bomb.statusCode).toBe(413);
    const garbage = await post("/v1/logs", Buffer.from("not gzip at all"), { "content-encoding": "gzip" });
    expect(garbage.statusCode).toBe(400);
  });

  it("refuses malformed protobuf with a 400 and stores nothing", async () => {
    const truncated = encode("logs", {
      resourceLogs: [
        {
          resource: { attributes: [str("service.name", "torn")] },
          scopeLogs: [{ logRecords: [{ body: { stringValue: "x" } }] }],
        },
      ],
    }).slice(0, -3);
    const res = await post("/v1/logs", truncated);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/invalid OTLP protobuf logs body/);
    const found = await t.server.inject({
      url: "/api/logs?service=torn",
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(found.json().records).toHaveLength(0);
    expect((await post("/v1/traces", Buffer.from([0xff, 0xff, 0xff]))).statusCode).toBe(400);
  });
});
