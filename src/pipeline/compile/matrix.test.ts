import { describe, expect, it } from "vitest";
import { expandMatrix, matrixJobKey } from "./matrix.js";

describe("expandMatrix", () => {
  it("without a matrix yields one empty combination", () => {
    expect(expandMatrix(undefined)).toEqual({ combos: [{}], count: 1, keys: [], unmatchedExcludes: [] });
  });

  it("builds the cartesian product in axis order, values as strings", () => {
    expect(expandMatrix({ node: [18, 20], os: ["linux", "mac"] }).combos).toEqual([
      { node: "18", os: "linux" },
      { node: "18", os: "mac" },
      { node: "20", os: "linux" },
      { node: "20", os: "mac" },
    ]);
  });

  it("exclude removes every combination matching all keys of a row", () => {
    const m = expandMatrix({ node: [18, 20], os: ["linux", "mac"], exclude: [{ node: 18 }, { node: 20, os: "mac" }] });
    expect(m.combos).toEqual([{ node: "20", os: "linux" }]);
  });

  it("reports exclude rows that matched nothing", () => {
    const m = expandMatrix({ node: [18], exclude: [{ node: 16 }, { node: 18 }] });
    expect(m.unmatchedExcludes).toEqual([0]);
    expect(m.combos).toEqual([]);
  });

  it("include extends matching combinations or adds a new one (the GitHub docs example)", () => {
    const m = expandMatrix({
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [
        { color: "green" },
        { color: "pink", animal: "cat" },
        { fruit: "apple", shape: "circle" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    });
    expect(m.combos).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("include never overwrites an axis value; it adds a combination instead", () => {
    const m = expandMatrix({
      node: [18, 20],
      os: ["linux"],
      include: [{ node: 22, os: "linux" }],
      exclude: [{ node: 18 }],
    });
    expect(m.combos).toEqual([
      { node: "20", os: "linux" },
      { node: "22", os: "linux" },
    ]);
  });

  it("lists declared keys, including those only include rows add", () => {
    expect(expandMatrix({ node: [18], exclude: [{ node: 18 }], include: [{ node: 20, extra: 1 }] }).keys).toEqual([
      "node",
      "extra",
    ]);
  });

  it("include alone makes one combination per row", () => {
    expect(expandMatrix({ include: [{ a: 1 }, { a: 2, b: true }] }).combos).toEqual([
      { a: "1" },
      { a: "2", b: "true" },
    ]);
  });

  it("exclude applies before include", () => {
    const m = expandMatrix({ node: [18, 20], exclude: [{ node: 20 }], include: [{ node: 20, extra: "x" }] });
    expect(m.combos).toEqual([{ node: "18" }, { node: "20", extra: "x" }]);
  });

  it("an empty axis or an empty matrix yields nothing", () => {
    expect(expandMatrix({ node: [] }).combos).toEqual([]);
    expect(expandMatrix({}).combos).toEqual([]);
  });

  it("counts huge products without building them", () => {
    const axis = Array.from({ length: 20 }, (_, i) => i);
    const m = expandMatrix({ a: axis, b: axis, c: axis, d: axis });
    expect(m.count).toBe(160_000);
    expect(m.combos).toEqual([]);
  });
});

describe("matrixJobKey", () => {
  it("names a job after its combination", () => {
    expect(matrixJobKey("test", {})).toBe("test");
    expect(matrixJobKey("test", { node: "20", os: "linux" })).toBe("test (node: 20, os: linux)");
  });
});
