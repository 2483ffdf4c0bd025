import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1h30m15s", 5_415_000],
    ["250ms", 250],
    ["1.5s", 1500],
    ["45", 45_000],
    [30, 30_000],
    [0.5, 500],
  ] as const)("%s → %i ms", (input, ms) => {
    expect(parseDuration(input)).toEqual({ ms });
  });

  it.each(["", "abc", "10 minutes", "30m1h", "1m1m", "-5s", "5d"])("rejects %j", (input) => {
    expect(parseDuration(input)).toHaveProperty("error");
  });

  it("rejects negative numbers", () => {
    expect(parseDuration(-1)).toHaveProperty("error");
  });
});
