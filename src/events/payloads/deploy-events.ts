import * as z from "zod";

/** The fields every event of a running rollout carries. */
const rolloutRef = {
  rollout: z.number(),
  project: z.string(),
  environment: z.string(),
  release: z.number(),
  baseline: z.number().nullable(),
};
const reason = { reason: z.string() };

/** Payloads of delivery's events (subjects `rollout:<id>`, `release:<id>`, `run:<id>`). */
export const DEPLOY_EVENTS = {
  "deploy.skipped": z.looseObject({ runId: z.number(), project: z.string(), environment: z.string(), ...reason }),
  /** The deploy stage's run waits (another rollout in progress) and ships once it ends. */
  "deploy.pending": z.looseObject({ runId: z.number(), project: z.string(), environment: z.string(), ...reason }),
  "rollout.started": z.looseObject({ ...rolloutRef, commit: z.string(), strategy: z.string() }),
  "rollout.aborted": z.looseObject({ rollout: z.number(), project: z.string(), ...reason }),
  "rollout.step": z.looseObject({ ...rolloutRef, idx: z.number(), kind: z.string(), status: z.string() }),
  "rollout.weight": z.looseObject({ ...rolloutRef, weight: z.number() }),
  "rollout.paused": z.looseObject({ ...rolloutRef, why: z.string() }),
  "rollout.resumed": z.looseObject(rolloutRef),
  "rollout.analysis": z.looseObject({ ...rolloutRef, measurement: z.unknown() }),
  "rollout.succeeded": z.looseObject(rolloutRef),
  "rollout.failed": z.looseObject({ ...rolloutRef, ...reason }),
  "rollout.rolling_back": z.looseObject({ ...rolloutRef, ...reason }),
  "rollout.rolled_back": z.looseObject({ ...rolloutRef, ...reason }),
  "release.live": z.looseObject(rolloutRef),
  "release.building": z.looseObject({
    project: z.string(),
    environment: z.string(),
    release: z.number(),
    commands: z.number(),
  }),
  "release.built": z.looseObject({
    project: z.string(),
    environment: z.string(),
    release: z.number(),
    ok: z.boolean(),
    ...reason,
  }),
  "release.restored": z.looseObject({ project: z.string(), environment: z.string() }),
  "release.watched": z.looseObject({
    project: z.string(),
    environment: z.string(),
    verdict: z.string(),
    reason: z.string().nullish(),
  }),
};
