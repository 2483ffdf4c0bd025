import * as z from "zod";

const alert = z.looseObject({
  fingerprint: z.string(),
  name: z.string(),
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  /** `labels.severity`, or `warning`. */
  severity: z.string(),
  /** `labels.service`, else `labels.job`, else null. */
  service: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  source: z.string(),
});

const logFinding = z.looseObject({
  kind: z.enum(["new-template", "burst"]),
  service: z.string(),
  templateId: z.string(),
  template: z.string(),
  level: z.string(),
  example: z.string(),
  at: z.number(),
  /** What the service's templates were learnt from, e.g. `log-templates v3 + 120 lines` (older events: absent). */
  learnt: z.string().optional(),
  /** Lines of the template the service logged before this one. */
  seen: z.number().optional(),
  count: z.number().optional(),
  expected: z.number().optional(),
  pValue: z.number().optional(),
});

/** Payloads of observation's events (subjects `alert:`, `series:`, `service:`, `logs:`, `topology`). */
export const OBSERVE_EVENTS = {
  "alert.firing": alert,
  "alert.resolved": alert,
  "anomaly.detected": z.looseObject({
    /** The series key: `<service>/<signal>` or `<service>/log:<template>`. */
    series: z.string(),
    service: z.string(),
    signal: z.string(),
    score: z.number(),
    explanation: z.string(),
    value: z.number().nullish(),
    /**
     * Which detector scored it (a golden signal's): the calibration version it was restored from
     * and the samples since, e.g. `anomaly-calibration v3 + 240 samples`, or `a new detector, N samples`.
     */
    detector: z.string().optional(),
    /** When it was seen, epoch ms. */
    at: z.number(),
  }),
  "log.template.new": logFinding,
  "log.template.burst": logFinding,
  "metrics.cardinality_capped": z.looseObject({
    service: z.string(),
    instance: z.string(),
    limit: z.number(),
    dropped: z.number(),
    level: z.string(),
  }),
  "logs.ingested": z.looseObject({
    source: z.string(),
    count: z.number(),
    services: z.record(z.string(), z.number()),
    levels: z.record(z.string(), z.number()),
  }),
  "topology.updated": z.looseObject({ windowMs: z.number(), changes: z.array(z.unknown()), edges: z.number() }),
};
