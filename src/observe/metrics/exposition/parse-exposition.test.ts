import { describe, expect, it } from "vitest";
import { parseExposition } from "./parse-exposition.js";

const TEXT = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# A normal comment.
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045
nan_gauge NaN
neg -Inf
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.5",} 4773
rpc_duration_seconds_sum 1.7560473e+07
`;

describe("parseExposition", () => {
  it("reads the reference example: escapes, timestamps, special values, histogram and summary series", () => {
    const e = parseExposition(TEXT);
    expect(e.samples).toHaveLength(13);
    expect(e.samples[0]).toEqual({
      labels: { __name__: "http_requests_total", method: "post", code: "200" },
      value: 1027,
      timestampMs: 1395066363000,
    });
    expect(e.samples[2]!.labels).toEqual({
      __name__: "msdos_file_access_time_seconds",
      path: "C:\\DIR\\FILE.TXT",
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(e.samples[4]).toMatchObject({ value: Number.POSITIVE_INFINITY, timestampMs: -3982045 });
    expect(e.samples[5]!.value).toBeNaN();
    expect(e.samples[6]!.value).toBe(Number.NEGATIVE_INFINITY);
    expect(e.samples[8]!.labels.le).toBe("+Inf");
    expect(e.samples[11]!.labels).toEqual({ __name__: "rpc_duration_seconds", quantile: "0.5" });
    expect(e.families.get("http_requests_total")).toEqual({
      type: "counter",
      help: "The total number of HTTP requests.",
    });
    expect(e.families.get("http_request_duration_seconds")?.type).toBe("histogram");
  });

  it.each([
    ['a{b="c} 1', 1, /unterminated/],
    ['ok 1\nbad{1x="y"} 2', 2, /invalid label name/],
    ["ok 1\n\nx 1 2 3", 3, /after the timestamp/],
    ["x abc", 1, /invalid value "abc"/],
    ["x 1 1.5", 1, /invalid timestamp/],
    ['x{a="1",a="2"} 1', 1, /duplicate label/],
    ['x{a="\\t"} 1', 1, /invalid escape/],
    ["# TYPE x counter\n# TYPE x gauge", 2, /second TYPE/],
    ["x 1\n# TYPE x gauge", 2, /after its samples/],
    ["# TYPE h histogram\nh_bucket 1", 2, /without an 'le'/],
    ["# TYPE x sometimes", 1, /unknown metric type/],
    ['{a="b"} 1', 1, /metric name/],
  ])("rejects %j at line %i", (text, line, msg) => {
    let err: unknown;
    try {
      parseExposition(text);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: "ValidationError", details: { line } });
    expect((err as Error).message).toMatch(msg);
  });
});
