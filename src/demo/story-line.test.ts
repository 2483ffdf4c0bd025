import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../events/index.js";
import { elapsedLabel, storyLineOf } from "./story-line.js";

const ev = (type: string, subject: string, data: Record<string, unknown>): DomainEvent => ({
  id: 1,
  type,
  subject,
  data,
  at: 0,
});

describe("story lines", () => {
  it("narrates the events of the healing story and skips the rest", () => {
    expect(storyLineOf(ev("incident.opened", "incident:4", { title: "HighErrorRate on cart" }))).toEqual({
      stage: "incident",
      text: "incident #4 opened: HighErrorRate on cart",
    });
    expect(storyLineOf(ev("heal.transitioned", "heal:2", { incident: 4, to: "pr_open", note: "PR #1" }))?.text).toBe(
      "heal of incident #4 → pr_open: PR #1",
    );
    expect(storyLineOf(ev("alert.firing", "alert:x", { name: "HighErrorRate", service: "cart" }))?.stage).toBe(
      "detect",
    );
    expect(
      storyLineOf(
        ev("rollout.rolled_back", "rollout:3", {
          project: "shop-catalog",
          environment: "production",
          release: 7,
          reason: "analysis failed: error rate 8 % vs 0 %",
        }),
      ),
    ).toEqual({
      stage: "deploy",
      text: "shop-catalog/production: release 7 rolled back: analysis failed: error rate 8 % vs 0 %",
    });
    expect(storyLineOf(ev("rollout.step", "rollout:3", { idx: 1 }))).toBeUndefined();
    expect(storyLineOf(ev("anomaly.detected", "series:x", { score: 0.2 }))).toBeUndefined();
    expect(storyLineOf(ev("step.finished", "run:1", {}))).toBeUndefined();
  });

  it("labels times as mm:ss since the start", () => {
    expect(elapsedLabel(83_500, 0)).toBe("01:23");
    expect(elapsedLabel(0, 5_000)).toBe("00:00");
  });
});
