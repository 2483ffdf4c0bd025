import { describe, expect, it } from "vitest";
import { canTransition } from "./incident-lifecycle.js";
import { maxSeverity, signalFromEvent } from "./signal.js";

const event = (type: string, subject: string, data: Record<string, unknown>) => ({
  id: 1,
  type,
  subject,
  data,
  at: 99,
});

describe("signals", () => {
  it("reads alert events, falling back to labels, the subject and the event time", () => {
    expect(
      signalFromEvent(
        event("alert.firing", "alert:fp", { labels: { alertname: "HighErrors", job: "api", severity: "CRITICAL" } }),
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
        event("alert.resolved", "alert:x", { fingerprint: "fp", service: "db", endsAt: "2026-11-22T10:00:00Z" }),
      ),
    ).toMatchObject({ key: "fp", service: "db", status: "resolved", at: Date.parse("2026-11-22T10:00:00Z") });
  });

  it("reads anomaly events and ignores other events", () => {
    expect(
      signalFromEvent(event("anomaly.detected", "series:cpu{web}", { service: "web", score: 0.97 })),
    ).toMatchObject({
      kind: "anomaly",
      key: "cpu{web}",
      score: 0.97,
      title: "anomaly in cpu{web} on web",
    });
    expect(signalFromEvent(event("run.finished", "run:1", {}))).toBeUndefined();
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
