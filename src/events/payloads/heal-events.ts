import { z } from "zod";

const transitioned = {
  incident: z.number(),
  service: z.string(),
  from: z.string(),
  to: z.string(),
  note: z.string(),
};
const ended = z.looseObject({ ...transitioned, reason: z.string().nullable(), mttrMs: z.number().nullable() });

/** Payloads of the heal orchestrator's events (subject `heal:<id>`). */
export const HEAL_EVENTS = {
  "heal.started": z.looseObject({ incident: z.number(), service: z.string(), policy: z.string() }),
  "heal.transitioned": z.looseObject(transitioned),
  "heal.resolved": ended,
  "heal.escalated": ended,
  "heal.failed": ended,
};
