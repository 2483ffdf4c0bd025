import { describe, expect, it } from "vitest";
import type { DomainEvent, EventPayloads, EventType } from "../events/index.js";
import { elapsedLabel, storyLineOf } from "./story-line.js";

const ev = <T extends EventType>(type: T, subject: string, data: EventPayloads[T]) =>
  ({ id: 1, type, subject, data, at: 0 }) as DomainEvent;
const rollout = { rollout: 3, project: "shop-catalog", environment: "production", release: 7, baseline: 6 };

describe("story lines", () => {
  it("narrates the events of the healing story and skips the rest", () => {
    expect(
      storyLineOf(
        ev("incident.opened", "incident:4", {
          id: 4,
          title: "HighErrorRate on cart",
          service: "cart",
          severity: "critical",
          signal: { kind: "alert", key: "fp" },
        }),
      ),
    ).toEqual({
      stage: "incident",
      text: "incident #4 opened: HighErrorRate on cart",
    });
    expect(
      storyLineOf(
        ev("heal.transitioned", "heal:2", {
          incident: 4,
          service: "cart",
          from: "patching",
          to: "pr_open",
          note: "PR #1",
        }),
      )?.text,
    ).toBe("heal of incident #4 → pr_open: PR #1");
    expect(
      storyLineOf(
        ev("alert.firing", "alert:x", {
          fingerprint: "x",
          name: "HighErrorRate",
          status: "firing",
          labels: {},
          annotations: {},
          severity: "critical",
          service: "cart",
          startsAt: "2026-12-07T00:00:00Z",
          endsAt: null,
          source: "alertmanager",
        }),
      )?.stage,
    ).toBe("detect");
    expect(
      storyLineOf(
        ev("rollout.rolled_back", "rollout:3", { ...rollout, reason: "analysis failed: error rate 8 % vs 0 %" }),
      ),
    ).toEqual({
      stage: "deploy",
      text: "shop-catalog/production: release 7 rolled back: analysis failed: error rate 8 % vs 0 %",
    });
    expect(
      storyLineOf(ev("rollout.step", "rollout:3", { ...rollout, idx: 1, kind: "weight", status: "passed" })),
    ).toBeUndefined();
    expect(
      storyLineOf(
        ev("anomaly.detected", "series:x", {
          series: "x",
          service: "cart",
          signal: "latency",
          score: 0.2,
          explanation: "z=1",
          at: 0,
        }),
      ),
    ).toBeUndefined();
    expect(storyLineOf(ev("step.finished", "run:1", { jobId: 1, step: 0, status: "success" }))).toBeUndefined();
  });

  it("labels times as mm:ss since the start", () => {
    expect(elapsedLabel(83_500, 0)).toBe("01:23");
    expect(elapsedLabel(0, 5_000)).toBe("00:00");
  });
});
