/**
 * Attack: OTLP bodies whose `arrayValue` is nested ~505 deep (which overflowed the recursive
 * validator's stack: HTTP 500), on every JSON ingest route, and bodies over the size limit. Each
 * gets a 4xx and the server keeps serving; a normal OTLP body is still accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_DIST, type ServeProcess, startServe } from "../support/serve-process.js";

/** An OTLP AnyValue nested `depth` arrayValues deep. */
function nestedValue(depth: number): unknown {
  let v: unknown = { stringValue: "bottom" };
  for (let i = 0; i < depth; i++) v = { arrayValue: { values: [v] } };
  return v;
}

const logsBody = (value: unknown) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: "1700000000000000000", body: value }] }],
    },
  ],
});
const tracesBody = (value: unknown) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "api" } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: "0af7651916cd43dd8448eb211c80319c",
              spanId: "b7ad6b7169203331",
              name: "GET /",
              startTimeUnixNano: "1700000000000000000",
              endTimeUnixNano: "1700000000100000000",
              attributes: [{ key: "deep", value }],
            },
          ],
        },
      ],
    },
  ],
});

describe.skipIf(!HAS_DIST)("ingest depth and size", () => {
  let s: ServeProcess;
  beforeAll(async () => {
    s = await startServe();
  });
  afterAll(async () => s?.stop());

  it("answers 400 (not 500) to a 505-deep arrayValue on every JSON ingest route", async () => {
    const deep = nestedValue(505);
    const cases: [string, unknown][] = [
      ["/v1/logs", logsBody(deep)],
      ["/v1/traces", tracesBody(deep)],
      ["/api/logs/ingest", [{ message: "x", nested: deep }]],
      ["/api/alerts/alertmanager", { version: "4", alerts: [{ labels: deep }] }],
      ["/api/hooks/nobody", { ref: deep }],
      ["/api/forge/webhook", { action: deep }],
    ];
    for (const [path, body] of cases) {
      const res = await s.api("POST", path, { body });
      expect(res.status, path).toBe(400);
      expect(res.body.error.message, path).toMatch(/nests deeper than 64 levels/);
    }
    const ndjson = await fetch(`${s.base}/api/logs/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.token}`, "content-type": "application/x-ndjson" },
      body: `${JSON.stringify({ message: "x", nested: deep })}\n`,
    });
    expect(ndjson.status).toBe(400);
    expect(s.output()).not.toMatch(/Maximum call stack|RangeError/);
  });

  it("still accepts an ordinary OTLP body with a shallow nested value", async () => {
    const res = await s.api("POST", "/v1/logs", { body: logsBody(nestedValue(5)) });
    expect(res.status).toBeLessThan(300);
  });

  it("refuses bodies over the size limit on ingest and API routes with 413", async () => {
    const big = JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) });
    for (const path of ["/v1/logs", "/v1/traces", "/api/logs/ingest", "/api/alerts/alertmanager", "/api/projects"]) {
      const res = await s.api("POST", path, { body: big });
      expect(res.status, path).toBe(413);
    }
    expect((await s.api("GET", "/healthz", { token: null })).status).toBe(200);
  });
});
