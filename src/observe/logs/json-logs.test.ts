import { describe, expect, it } from "vitest";
import { parseJsonLogs } from "./json-logs.js";
import { levelsAtLeast, MAX_MESSAGE_BYTES, normalizeLevel, parseTime } from "./log-fields.js";

const d = { service: "default", now: 42, source: "http" as const };

describe("JSON log records", () => {
  it("reads the common field names and keeps the rest as attributes", () => {
    const text = [
      JSON.stringify({
        time: "2026-11-22T10:00:00.000Z",
        level: 50,
        service: "api",
        msg: "boom",
        trace_id: "AB".repeat(16),
        user: 7,
      }),
      "",
      JSON.stringify({ ts: 1795000000.5, severity: "WARNING", message: { nested: true }, traceId: "cd".repeat(16) }),
      JSON.stringify({ timestamp: 1795000000000 }),
    ].join("\n");
    const [a, b, c] = parseJsonLogs(text, d);
    expect(a).toMatchObject({
      at: Date.parse("2026-11-22T10:00:00Z"),
      service: "api",
      level: "error",
      message: "boom",
      traceId: "ab".repeat(16),
      attributes: { user: 7 },
    });
    expect(b).toMatchObject({ at: 1795000000500, service: "default", level: "warn", message: '{"nested":true}' });
    expect(c).toMatchObject({ at: 1795000000000, level: "info", message: "", traceId: null, attributes: {} });
    expect(parseJsonLogs([{ msg: "x" }], d)[0]).toMatchObject({ at: 42, message: "x" });
  });

  it("rejects the whole request when one record is bad, naming the lines", () => {
    const text = `{"msg":"ok"}\nnot json\n{"msg":"x","time":"yesterday"}\n[1]\n{"trace_id":"xyz"}`;
    expect(() => parseJsonLogs(text, d)).toThrow(
      /4 invalid log record\(s\), nothing stored: line 2: .*JSON.*; line 3: unreadable time "yesterday"; line 4: not a JSON object; line 5: trace id must be 32 hex digits/,
    );
    expect(() => parseJsonLogs([{ service: "" }], { ...d, service: "" })).toThrow(/service must be/);
  });

  it("caps giant messages with a marker", () => {
    const [r] = parseJsonLogs([{ msg: "é".repeat(MAX_MESSAGE_BYTES) }], d);
    expect(Buffer.byteLength(r!.message)).toBeLessThan(MAX_MESSAGE_BYTES + 40);
    expect(r!.message).toMatch(/é…\[truncated 65536 bytes\]$/);
    const [big] = parseJsonLogs([{ msg: "m", blob: "x".repeat(100_000) }], d);
    expect(big!.attributes).toEqual({ _truncated: expect.stringMatching(/over 65536/) });
  });

  it("normalises levels and times", () => {
    expect(["warning", "ERR", "crit", 30, 60, "Custom"].map(normalizeLevel)).toEqual([
      "warn",
      "error",
      "fatal",
      "info",
      "fatal",
      "custom",
    ]);
    expect(levelsAtLeast("warn")).toEqual(["warn", "error", "fatal"]);
    expect(levelsAtLeast("audit")).toEqual(["audit"]);
    expect(parseTime("1795000000000000")).toBe(1795000000000);
    expect(parseTime(1795000000000000000)).toBe(1795000000000);
    expect(parseTime(undefined)).toBeUndefined();
    expect(() => parseTime(true)).toThrow(/unreadable/);
  });
});
