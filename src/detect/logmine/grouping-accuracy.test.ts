import { describe, expect, it } from "vitest";
import { groupingAccuracy } from "./grouping-accuracy.js";

describe("groupingAccuracy", () => {
  it("counts a line only when its predicted group is exactly its true group", () => {
    // truth: {0,1,2} A, {3,4} B, {5} C; predicted: {0,1,2} ok, {3} and {4} split B, {5} ok
    expect(groupingAccuracy(["x", "x", "x", "y", "z", "w"], ["A", "A", "A", "B", "B", "C"])).toBeCloseTo(4 / 6);
    // merging B and C costs all three lines
    expect(groupingAccuracy(["x", "x", "x", "y", "y", "y"], ["A", "A", "A", "B", "B", "C"])).toBe(0.5);
    expect(groupingAccuracy(["p", "q"], ["A", "B"])).toBe(1);
    expect(groupingAccuracy([], [])).toBe(1);
  });

  it("rejects label lists of different lengths", () => {
    expect(() => groupingAccuracy(["x"], [])).toThrow(RangeError);
  });
});
