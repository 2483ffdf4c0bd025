import { describe, expect, it } from "vitest";
import { canTransition } from "./incident-lifecycle.js";
import { maxSeverity, signalFromEvent } from "./signal.js";
import type { DomainEvent, EventPayloads, EventType } from "../events/index.js";

const event = <T extends EventType>(type: T, subject: string, data: EventPayloads[T]) =>
  ({ id: 1, type, subject, data, at: 99 }) as DomainEvent;
const alert = {
  fingerprint: "fp",
  name: "HighErrors",
  labels: { alertname: "HighErrors", job: "api", severity: "CRITICAL" },
  annotations: {},
  severity: "CRITICAL",
  service: "api",
  source: "alertmanager",
};

describe("signals", () => {
  it("reads alert events, falling back to the event time and to 'unknown' for a missing service", () => {
    expect(
      signalFromEvent(
        event("alert.firing", "alert:fp", { ...alert, status: "firing", startsAt: "not a time", endsAt: null }),
      ),
    ).toMatchObject({
      kind: "alert",
      key: "fp",
      service: "api",
      status: "firing",
      severity: "critical",
      title: "HighErrors on api",
      at: 99,
    });
    expect(
      signalFromEvent(
        event("alert.resolved", "alert:fp", {
          ...alert,
          service: null,
          status: "resolved",
          startsAt: "2026-11-22T09:00:00Z",
          endsAt: "2026-11-22T10:00:00Z",
        }),
      ),
    ).toMatchObject({ key: "fp", service: "unknown", status: "resolved", at: Date.parse("2026-11-22T10:00:00Z") });
  });

  it("reads anomaly events and ignores other events", () => {
    const anomaly = { series: "web/cpu", service: "web", signal: "cpu", score: 0.97, explanation: "z=9", at: 5 };
    expect(signalFromEvent(event("anomaly.detected", "series:web/cpu", anomaly))).toMatchObject({
      kind: "anomaly",
      key: "web/cpu",
      score: 0.97,
      at: 5,
      title: "anomaly in web/cpu on web",
    });
    expect(
      signalFromEvent(event("run.finished", "run:1", { runId: 1, projectId: 1, status: "success" })),
    ).toBeUndefined();
  });

  it("ranks severities and allows only the written-down transitions", () => {
    expect(maxSeverity("warning", "critical")).toBe("critical");
    expect(maxSeverity("critical", "info")).toBe("critical");
    expect(maxSeverity("weird", "info")).toBe("info");
    expect(canTransition("open", "acknowledged")).toBe(true);
    expect(canTransition("open", "resolved")).toBe(true);
    expect(canTransition("acknowledged", "resolved")).toBe(true);
    expect(canTransition("acknowledged", "open")).toBe(false);
    expect(canTransition("resolved", "open")).toBe(false);
  });
});
