import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeTraceInput, findTrace, findTraces } from "./detect.js";
import { TraceInputError } from "./trace-input-error.js";

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof TraceInputError ? err.problem : `other: ${String(err)}`;
  }
  return "none";
};

describe("findTraces", () => {
  it("refuses binary garbage, empty input and text without a trace, saying which", () => {
    expect(problem(() => findTrace(Buffer.concat([Buffer.from("\x7fELF\x02\x01"), randomBytes(4096)])))).toBe("binary");
    expect(problem(() => findTrace("  \n\n"))).toBe("empty");
    expect(problem(() => findTrace("GET /healthz 200\nall good\n"))).toBe("no_trace");
    expect(() => findTrace("just text")).toThrow(/no stack trace found/);
  });

  it("strips ANSI colours and CRLF line ends", () => {
    expect(decodeTraceInput("\x1b[31mError\x1b[0m: x\r\n")).toBe("Error: x\n");
    const { trace } = findTrace("\x1b[31mTypeError: bad\x1b[0m\r\n    at run (/srv/a.js:1:2)\r\n");
    expect(trace.frames[0]).toMatchObject({ file: "/srv/a.js", line: 1, column: 2 });
  });

  it("skips a few foreign lines inside a trace and warns", () => {
    const text = [
      "java.lang.IllegalStateException: closed",
      "\tat com.acme.Pool.take(Pool.java:10)",
      "12:00:01 INFO [other-thread] heartbeat ok",
      "\tat com.acme.Worker.run(Worker.java:22)",
    ].join("\n");
    const { trace } = findTrace(text);
    expect(trace.frames.map((f) => f.function)).toEqual(["take", "run"]);
    expect(trace.warnings).toEqual(["interleaved: 1 unrelated line inside the trace were skipped"]);
  });

  it("returns every trace in input order with its line, classified by --app prefixes", () => {
    const text = [
      "boot",
      "Traceback (most recent call last):",
      '  File "/app/svc/a.py", line 1, in f',
      "ValueError: x",
      '{"level":"error","stack":"Error: y\\n    at g (/app/lib/b.js:2:3)"}',
    ].join("\n");
    const found = findTraces(text, { app: ["lib/"] });
    expect(found.map((f) => [f.line, f.trace.language])).toEqual([
      [2, "python"],
      [5, "node"],
    ]);
    expect(found[0]!.trace.frames[0]!.inApp).toBe(false);
    expect(found[1]!.trace.frames[0]!.inApp).toBe(true);
  });

  it("reads Docker json-file records, one trace line per record", () => {
    const lines = ["panic: boom", "", "goroutine 1 [running]:", "main.main()", "\t/src/main.go:9 +0x1d"];
    const text = lines.map((l) => JSON.stringify({ log: `${l}\n`, stream: "stderr" })).join("\n");
    const { trace } = findTrace(text);
    expect(trace.frames[0]).toMatchObject({ file: "/src/main.go", line: 9, function: "main" });
  });
});
