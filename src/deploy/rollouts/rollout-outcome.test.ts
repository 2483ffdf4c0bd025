import { describe, expect, it } from "vitest";
import { rolloutOutcome } from "./rollout-outcome.js";

describe("rolloutOutcome", () => {
  it("reads a restart's abort as interrupted and keeps the reason of a rollback or failure", () => {
    expect(rolloutOutcome({ state: "aborted", message: "pitcrew restarted" })).toEqual({
      kind: "interrupted",
      reason: "pitcrew restarted",
    });
    expect(rolloutOutcome({ state: "rolled_back", message: "analysis failed" })).toEqual({
      kind: "rolled_back",
      reason: "analysis failed",
    });
    expect(rolloutOutcome({ state: "failed", message: "never ready" })).toEqual({
      kind: "failed",
      reason: "never ready",
    });
    expect(rolloutOutcome({ state: "succeeded", message: "" })).toEqual({ kind: "succeeded" });
    for (const state of ["progressing", "paused", "rolling_back"] as const)
      expect(rolloutOutcome({ state, message: "" })).toEqual({ kind: "in_progress" });
  });
});
