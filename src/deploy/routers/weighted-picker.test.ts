import { describe, expect, it } from "vitest";
import { WeightedPicker } from "./weighted-picker.js";

describe("WeightedPicker", () => {
  it("interleaves smoothly and exactly in proportion", () => {
    const p = new WeightedPicker([
      { item: "a", weight: 90 },
      { item: "b", weight: 10 },
    ]);
    const picks = Array.from({ length: 100 }, () => p.next());
    expect(picks.filter((x) => x === "b")).toHaveLength(10);
    expect(picks.slice(0, 10).filter((x) => x === "b")).toHaveLength(1);
  });

  it("never picks weight 0 and returns undefined when nothing is weighted", () => {
    const p = new WeightedPicker([
      { item: "a", weight: 0 },
      { item: "b", weight: 100 },
    ]);
    expect(new Set(Array.from({ length: 20 }, () => p.next()))).toEqual(new Set(["b"]));
    expect(new WeightedPicker([{ item: "a", weight: 0 }]).next()).toBeUndefined();
  });
});
