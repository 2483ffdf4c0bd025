import * as z from "zod";

/** A model version and the gate's figures on its primary metric (NaN and absent figures are null). */
const versionSummary = {
  model: z.string(),
  scope: z.string(),
  version: z.number(),
  status: z.string(),
  reason: z.string().nullish(),
  metric: z.string(),
  candidate: z.number().nullish(),
  incumbent: z.number().nullish(),
  delta: z.number().nullish(),
  pNotBetter: z.number().nullish(),
};

/** Payloads of the model registry's events (subject `model:<name>:<scope>`). */
export const LEARNING_EVENTS = {
  "model.trained": z.looseObject(versionSummary),
  "model.refused": z.looseObject(versionSummary),
  "model.promoted": z.looseObject({ ...versionSummary, replaced: z.number().nullable(), forced: z.boolean() }),
  "model.drift": z.looseObject({
    model: z.string(),
    scope: z.string(),
    version: z.number(),
    reasons: z.array(z.string()),
    /** The most drifted features (at most 5). */
    features: z.array(z.unknown()),
    liveMetric: z.number().nullable(),
    promotedMetric: z.number().nullable(),
  }),
  "model.updated": z.looseObject({
    model: z.string(),
    scope: z.string(),
    version: z.number(),
    replaced: z.number().nullable(),
    reason: z.string().nullish(),
  }),
  "model.update_rolled_back": z.looseObject({
    model: z.string(),
    scope: z.string(),
    version: z.number(),
    kept: z.number().nullable(),
    reason: z.string().nullish(),
  }),
  "model.rolled_back": z.looseObject({
    model: z.string(),
    scope: z.string(),
    from: z.number(),
    to: z.number().nullable(),
    reason: z.string(),
  }),
};
