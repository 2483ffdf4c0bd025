import { describe, expect, it } from "vitest";
import { parseMemorySize } from "./memory-size.js";

describe("parseMemorySize", () => {
  it.each([
    ["512m", 512 * 2 ** 20],
    ["4g", 4 * 2 ** 30],
    ["1.5G", 1.5 * 2 ** 30],
    ["8GiB", 8 * 2 ** 30],
    ["2gb", 2 * 2 ** 30],
    ["64k", 64 * 1024],
  ])("%s", (text, bytes) => expect(parseMemorySize(text)).toEqual({ bytes }));

  it.each(["4", "4x", "g", "-1g", "0g", ""])("refuses %j", (text) => {
    expect(parseMemorySize(text)).toHaveProperty("error");
  });
});
