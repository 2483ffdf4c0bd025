import { describe, expect, it } from "vitest";
import { matchesSubjectFilter } from "./subject-filter.js";

describe("matchesSubjectFilter", () => {
  it("matches whole segments, never a longer id", () => {
    expect(matchesSubjectFilter("run:42", "run:42")).toBe(true);
    expect(matchesSubjectFilter("run:420", "run:42")).toBe(false);
    expect(matchesSubjectFilter("project:12", "project:1")).toBe(false);
  });

  it("matches a group by its kind, with or without the trailing colon", () => {
    expect(matchesSubjectFilter("run:7", "run")).toBe(true);
    expect(matchesSubjectFilter("run:7", "run:")).toBe(true);
    expect(matchesSubjectFilter("rollout:7", "run")).toBe(false);
  });

  it("matches the labelled and numbered forms of a name", () => {
    expect(matchesSubjectFilter("series:cpu{web}", "series:cpu")).toBe(true);
    expect(matchesSubjectFilter("series:cpu_total", "series:cpu")).toBe(false);
    expect(matchesSubjectFilter("pr:shop#3", "pr:shop")).toBe(true);
    expect(matchesSubjectFilter("model:flaky:shop", "model:flaky")).toBe(true);
  });

  it("treats LIKE wildcards literally", () => {
    expect(matchesSubjectFilter("run:42", "run:%")).toBe(false);
    expect(matchesSubjectFilter("run:42", "r_n")).toBe(false);
  });
});
