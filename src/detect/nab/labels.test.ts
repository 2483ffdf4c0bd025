import { describe, expect, it } from "vitest";
import { parseNabTimestamp, windowsFromJson } from "./labels.js";

describe("NAB labels", () => {
  it("reads data and window timestamps as the same UTC instant", () => {
    expect(parseNabTimestamp("2014-04-10 07:15:00")).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTimestamp("2014-04-10 07:15:00.000000")).toBe(parseNabTimestamp("2014-04-10 07:15:00"));
    expect(() => parseNabTimestamp("10/04/2014")).toThrow(/not a NAB timestamp/);
  });

  it("reads combined_windows.json, sorted by start", () => {
    const w = windowsFromJson({
      "a/x.csv": [],
      "a/y.csv": [
        ["2014-01-02 00:00:00.000000", "2014-01-02 01:00:00.000000"],
        ["2014-01-01 00:00:00.000000", "2014-01-01 01:00:00.000000"],
      ],
    });
    expect(w.get("a/x.csv")).toEqual([]);
    expect(w.get("a/y.csv")!.map((x) => new Date(x.start).toISOString())).toEqual([
      "2014-01-01T00:00:00.000Z",
      "2014-01-02T00:00:00.000Z",
    ]);
    expect(() => windowsFromJson({ "a/z.csv": [["2014-01-01 00:00:00"]] })).toThrow(/bad window/);
  });
});
