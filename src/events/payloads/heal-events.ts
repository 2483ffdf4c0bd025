import * as z from "zod";

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

const revertRef = { rollout: z.number(), project: z.string(), good: z.string(), bad: z.string() };

/**
 * Payloads of the release reverter's events (subject `rollout:<id>`, the rolled-back rollout):
 * a revert planned, its pull request opened, merged, skipped (with the reason) or failed.
 */
export const REVERT_EVENTS = {
  "revert.planned": z.looseObject({ ...revertRef, heal: z.number().nullable() }),
  "revert.opened": z.looseObject({ ...revertRef, repo: z.string(), pr: z.number(), url: z.string() }),
  "revert.merged": z.looseObject({ ...revertRef, repo: z.string(), pr: z.number(), commit: z.string() }),
  "revert.skipped": z.looseObject({ ...revertRef, reason: z.string() }),
  "revert.failed": z.looseObject({ ...revertRef, reason: z.string() }),
};
