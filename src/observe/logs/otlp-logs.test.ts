import { describe, expect, it } from "vitest";
import { parseOtlpLogs } from "./otlp-logs.js";

const str = (s: string) => ({ stringValue: s });

describe("OTLP/JSON logs", () => {
  it("reads resourceLogs → scopeLogs → logRecords with service.name from the resource", () => {
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: str("checkout") }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: "1795000000123456789",
                  severityNumber: 17,
                  body: str("card declined"),
                  attributes: [
                    { key: "http.status", value: { intValue: "502" } },
                    { key: "tags", value: { arrayValue: { values: [str("a"), { boolValue: true }] } } },
                  ],
                  traceId: "0af7651916cd43dd8448eb211c80319c",
                  spanId: "b7ad6b7169203331",
                },
                {
                  observedTimeUnixNano: 1795000001000000000,
                  severityText: "WARN",
                  body: { kvlistValue: { values: [] } },
                },
              ],
            },
          ],
        },
        { scopeLogs: [{ logRecords: [{ body: str("x") }] }] },
      ],
    };
    const [a, b, c] = parseOtlpLogs(body, 7);
    expect(a).toEqual({
      at: 1795000000123,
      service: "checkout",
      level: "error",
      message: "card declined",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      attributes: { "http.status": 502, tags: ["a", true] },
      source: "otlp",
    });
    expect(b).toMatchObject({ at: 1795000001000, level: "warn", message: "{}" });
    expect(c).toMatchObject({ at: 7, service: "unknown_service", level: "info" });
  });

  it("names the problem of an invalid export", () => {
    expect(() => parseOtlpLogs({ resourceLogs: {} }, 0)).toThrow(/invalid OTLP logs: body.resourceLogs: /);
    expect(() =>
      parseOtlpLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: "soon" }] }] }] }, 0),
    ).toThrow(/body.resourceLogs.0.scopeLogs.0.logRecords.0.timeUnixNano: unix nanoseconds/);
    expect(() => parseOtlpLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: "zz" }] }] }] }, 0)).toThrow(
      /logRecords.0: trace id must be 32 hex digits/,
    );
  });
});
