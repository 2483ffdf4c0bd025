import { describe, expect, it } from "vitest";
import { SlidingMax } from "./sliding-max.js";
import { SortedWindow } from "./sorted-window.js";

describe("SortedWindow", () => {
  it("keeps the last `capacity` values and answers quantiles and ranks over them", () => {
    const w = new SortedWindow(5);
    for (const v of [9, 1, 7, 3, 5, 2, 8]) w.push(v);
    expect(w.values()).toEqual([7, 3, 5, 2, 8]);
    expect(w.size).toBe(5);
    expect(w.quantile(0)).toBe(2);
    expect(w.quantile(0.5)).toBe(5);
    expect(w.quantile(1)).toBe(8);
    expect(w.quantile(0.125)).toBe(2.5);
    expect(w.countAtLeast(5)).toBe(3);
    expect(w.countBelow(5)).toBe(2);
    expect(w.countAtMost(5)).toBe(3);
    expect(w.top(2)).toEqual([7, 8]);
    w.clear();
    expect(Number.isNaN(w.quantile(0.5))).toBe(true);
  });
});

describe("SlidingMax", () => {
  it("tracks the maximum of the last `span` values and its age", () => {
    const m = new SlidingMax(3);
    expect(m.max).toBe(Number.NEGATIVE_INFINITY);
    m.push(5);
    m.push(1);
    m.push(2);
    expect([m.max, m.age]).toEqual([5, 2]);
    m.push(0);
    expect([m.max, m.age]).toEqual([2, 1]);
  });
});
