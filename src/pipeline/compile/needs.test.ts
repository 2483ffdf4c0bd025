import { describe, expect, it } from "vitest";
import { findCycles, type NeedsGraph, topologicalOrder } from "./needs.js";

const graph = (edges: Record<string, string[]>): NeedsGraph => new Map(Object.entries(edges));

describe("findCycles", () => {
  it("finds none in a DAG", () => {
    expect(findCycles(graph({ a: [], b: ["a"], c: ["a", "b"] }))).toEqual([]);
  });

  it.each([
    [{ a: ["a"] }, [["a", "a"]]],
    [{ a: ["b"], b: ["a"] }, [["a", "b", "a"]]],
    [{ x: [], a: ["c"], b: ["a"], c: ["b"] }, [["a", "c", "b", "a"]]],
    [
      { a: ["b"], b: ["a"], c: ["d"], d: ["c"] },
      [
        ["a", "b", "a"],
        ["c", "d", "c"],
      ],
    ],
  ])("reports the cycle path of %j", (edges, cycles) => {
    expect(findCycles(graph(edges))).toEqual(cycles);
  });

  it("ignores needs on unknown jobs", () => {
    expect(findCycles(graph({ a: ["ghost"] }))).toEqual([]);
  });
});

describe("topologicalOrder", () => {
  it("puts needs first and keeps file order otherwise", () => {
    expect(topologicalOrder(graph({ deploy: ["build"], lint: [], build: ["lint", "test"], test: [] }))).toEqual([
      "lint",
      "test",
      "build",
      "deploy",
    ]);
  });

  it("appends jobs on a cycle at the end", () => {
    expect(topologicalOrder(graph({ a: ["b"], b: ["a"], c: [] }))).toEqual(["c", "a", "b"]);
  });
});
