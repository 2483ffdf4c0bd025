import * as z from "zod";

/** The signal that opened or joined an incident, in brief. */
const signalBrief = z.looseObject({
  kind: z.enum(["alert", "anomaly"]),
  key: z.string(),
  service: z.string().optional(),
  title: z.string().optional(),
});
const transition = z.looseObject({ id: z.number(), from: z.string(), by: z.string(), reason: z.string() });

/** Payloads of the incident lifecycle's events (subject `incident:<id>`). */
export const INCIDENT_EVENTS = {
  "incident.opened": z.looseObject({
    id: z.number(),
    title: z.string(),
    service: z.string(),
    severity: z.string(),
    signal: signalBrief,
  }),
  "incident.updated": z.looseObject({
    id: z.number(),
    change: z.enum(["signal_added", "signal_resolved"]),
    reason: z.string().optional(),
    signal: signalBrief,
    services: z.array(z.string()).optional(),
  }),
  "incident.acknowledged": transition,
  "incident.resolved": transition,
};
