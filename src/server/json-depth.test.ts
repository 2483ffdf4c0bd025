import { describe, expect, it } from "vitest";
import { assertJsonDepth, findExcessiveNesting } from "./json-depth.js";

describe("findExcessiveNesting", () => {
  it("finds the byte where nesting passes the limit, arrays and objects alike", () => {
    expect(findExcessiveNesting(Buffer.from("[[[1]]]"), 3)).toBe(-1);
    expect(findExcessiveNesting(Buffer.from("[[[[1]]]]"), 3)).toBe(3);
    expect(findExcessiveNesting(Buffer.from('{"a":{"b":[{}]}}'), 3)).toBe(11);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(findExcessiveNesting(Buffer.from('["[[[[", "\\"[[[[", {"k": "{{{{"}]'), 2)).toBe(-1);
  });

  it("counts depth, not the number of brackets", () => {
    expect(findExcessiveNesting(Buffer.from(`[${"[],".repeat(10_000)}[]]`), 2)).toBe(-1);
  });

  it("throws a 400 validation error past the limit", () => {
    expect(() => assertJsonDepth(Buffer.from("[".repeat(505)), 64)).toThrow(/nests deeper than 64 levels \(at byte 64/);
  });
});
