import { describe, expect, it } from "vitest";
import { closestName, didYouMean, editDistance } from "./did-you-mean.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["timout", "timeout", 1],
    ["stpes", "steps", 1],
    ["kitten", "sitting", 3],
    ["abc", "", 3],
  ])("%s → %s is %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("closestName", () => {
  it("suggests the nearest known name for a typo", () => {
    expect(closestName("timout", ["steps", "timeout", "retries"])).toBe("timeout");
    expect(closestName("tset", ["build", "test", "lint"])).toBe("test");
    expect(closestName("Needs", ["needs", "env"])).toBe("needs");
  });

  it("suggests nothing for a name that is not close to any", () => {
    expect(closestName("deploy", ["steps", "timeout"])).toBeUndefined();
    expect(closestName("ab", ["xy"])).toBeUndefined();
    expect(didYouMean("zzz", ["steps"])).toBe("");
    expect(didYouMean("step", ["steps"])).toBe("; did you mean 'steps'?");
  });
});
