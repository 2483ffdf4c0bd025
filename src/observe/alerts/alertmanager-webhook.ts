/**
 * The Alertmanager webhook payload (version "4") and its translation to stored alerts. The whole
 * payload is validated before anything is stored; alerts keep Alertmanager's fingerprint (or get
 * one computed from their labels when it is missing).
 */
import * as z from "zod";
import { ValidationError } from "../../common/errors.js";
import type { Alert } from "../../store/index.js";
import { labelsFingerprint } from "./fingerprint.js";

const labelMap = z.record(z.string().max(256), z.string().max(16_384));
const time = z
  .string()
  .max(64)
  .refine((s) => Number.isFinite(Date.parse(s)), "an RFC 3339 time");

/** Schema of an Alertmanager webhook body. */
export const alertmanagerPayload = z.object({
  version: z.literal("4"),
  groupKey: z.string().max(16_384).optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().max(1024),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().max(4096).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: labelMap.refine((l) => typeof l.alertname === "string", "labels.alertname is required"),
        annotations: labelMap.default({}),
        startsAt: time,
        endsAt: time.optional(),
        generatorURL: z.string().max(4096).optional(),
        fingerprint: z
          .string()
          .regex(/^[0-9a-f]{1,64}$/)
          .optional(),
      }),
    )
    .max(100_000),
});

/** A validated webhook body. */
export type AlertmanagerPayload = z.output<typeof alertmanagerPayload>;

/** Validates a webhook body; ValidationError listing every problem. */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  const r = alertmanagerPayload.safeParse(body);
  if (!r.success) {
    const details = r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError(
      `invalid Alertmanager payload: ${details.map((d) => `${d.path || "body"}: ${d.message}`).join("; ")}`,
      details,
    );
  }
  return r.data;
}

/** The stored form of each alert in a payload, received at `now`. */
export function alertsFromPayload(p: AlertmanagerPayload, now: number): Alert[] {
  return p.alerts.map((a) => {
    const startsAt = Date.parse(a.startsAt);
    const endsAt = a.endsAt ? Date.parse(a.endsAt) : Number.NaN;
    return {
      fingerprint: a.fingerprint ?? labelsFingerprint(a.labels),
      name: a.labels.alertname!,
      status: a.status,
      source: "alertmanager",
      labels: a.labels,
      annotations: a.annotations,
      value: null,
      activeAt: startsAt,
      startsAt,
      endsAt: a.status === "resolved" ? (endsAt > 0 ? endsAt : now) : null,
      updatedAt: now,
    };
  });
}
