import { describe, expect, it } from "vitest";
import { correlate, type OpenIncident } from "./correlator.js";
import type { Signal } from "./signal.js";

const opts = { windowMs: 600_000, anomalyThreshold: 0.9 };
const signal = (over: Partial<Signal>): Signal => ({
  kind: "alert",
  key: "fp1",
  service: "api",
  status: "firing",
  severity: "critical",
  title: "t",
  at: 1_000_000,
  data: {},
  ...over,
});
const incident = (over: Partial<OpenIncident>): OpenIncident => ({
  id: 1,
  services: ["api"],
  lastSignalAt: 900_000,
  activeSignals: ["alert:other"],
  ...over,
});
const edges = [
  { from: "web", to: "api" },
  { from: "api", to: "db" },
];

describe("correlate", () => {
  it("opens an incident when nothing is open", () => {
    expect(correlate(signal({}), [], edges, opts)).toEqual({ action: "open" });
  });

  it("ignores weak anomalies and lets strong ones in", () => {
    expect(correlate(signal({ kind: "anomaly", score: 0.89 }), [], edges, opts)).toMatchObject({ action: "ignore" });
    expect(correlate(signal({ kind: "anomaly", score: 0.9 }), [], edges, opts)).toEqual({ action: "open" });
  });

  it("recognises a signal an incident already holds, whatever the time", () => {
    const open = [incident({ id: 4, activeSignals: ["alert:fp1"], lastSignalAt: 0 })];
    expect(correlate(signal({}), open, edges, opts)).toEqual({ action: "duplicate", incidentId: 4 });
    expect(correlate(signal({ kind: "anomaly", score: 1 }), open, [], opts)).toEqual({ action: "open" });
  });

  it("joins the same service within the window, the most recent incident first", () => {
    const open = [
      incident({ id: 1 }),
      incident({ id: 2, lastSignalAt: 950_000 }),
      incident({ id: 3, services: ["db"] }),
    ];
    expect(correlate(signal({}), open, edges, opts)).toEqual({ action: "join", incidentId: 2, reason: "same service" });
    expect(correlate(signal({ at: 2_000_000 }), open, edges, opts)).toEqual({ action: "open" });
  });

  it("joins a caller's signal to its callee's incident within the window; a callee's signal opens its own", () => {
    const open = [incident({ id: 7, services: ["db"] })];
    expect(correlate(signal({ service: "api" }), open, edges, opts)).toEqual({
      action: "join",
      incidentId: 7,
      reason: "called service",
    });
    // db is called by api: its failure may be the cause of api's incident, not a symptom of it
    expect(correlate(signal({ service: "db" }), [incident({ id: 9, services: ["api"] })], edges, opts)).toEqual({
      action: "open",
    });
    expect(correlate(signal({ service: "web" }), open, edges, opts)).toEqual({ action: "open" });
    expect(correlate(signal({ service: "api" }), open, [], opts)).toEqual({ action: "open" });
    expect(correlate(signal({ service: "api", at: 1_600_000 }), open, edges, opts)).toEqual({ action: "open" });
    const both = [incident({ id: 7, services: ["db"], lastSignalAt: 990_000 }), incident({ id: 8, services: ["api"] })];
    expect(correlate(signal({}), both, edges, opts)).toMatchObject({ incidentId: 8, reason: "same service" });
  });
});
