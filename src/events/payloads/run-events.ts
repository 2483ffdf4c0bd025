import * as z from "zod";

const jobRef = { jobId: z.number(), key: z.string() };

/** Payloads of the CI engine's events (subject `run:<id>`). */
export const RUN_EVENTS = {
  "run.created": z.looseObject({
    runId: z.number(),
    projectId: z.number(),
    number: z.number(),
    rerunOf: z.number().optional(),
    event: z.string().optional(),
    branch: z.string().optional(),
    commit: z.string().optional(),
    trust: z.string().optional(),
    jobs: z.array(z.string()).optional(),
    warnings: z.array(z.unknown()).optional(),
  }),
  "run.started": z.looseObject({ runId: z.number() }),
  "run.finished": z.looseObject({
    runId: z.number(),
    projectId: z.number(),
    status: z.string(),
    reason: z.string().nullish(),
    gates: z.array(z.unknown()).optional(),
    diagnostics: z.array(z.unknown()).optional(),
  }),
  "run.rerun": z.looseObject({ runId: z.number(), jobs: z.array(z.string()), by: z.string() }),
  "job.started": z.looseObject({ ...jobRef, attempt: z.number() }),
  "job.finished": z.looseObject({ ...jobRef, status: z.string(), reason: z.string().nullish() }),
  "job.retrying": z.looseObject({
    ...jobRef,
    attempt: z.number().optional(),
    delayMs: z.number().optional(),
    status: z.string().optional(),
    reason: z.string().nullish(),
  }),
  "job.explained": z.looseObject({
    runId: z.number(),
    ...jobRef,
    attempt: z.number(),
    category: z.string(),
    confidence: z.number(),
    top: z.array(z.string()),
  }),
  /** A job's test failures whose files were outside the change (DeFlaker: suspect, likely flaky). */
  "tests.outside_change": z.looseObject({
    runId: z.number(),
    ...jobRef,
    attempt: z.number(),
    failures: z.array(z.object({ id: z.string(), file: z.string(), why: z.string() })),
  }),
  "step.started": z.looseObject({ jobId: z.number(), step: z.number(), name: z.string() }),
  "step.finished": z.looseObject({
    jobId: z.number(),
    step: z.number(),
    status: z.string(),
    reason: z.string().nullish(),
  }),
  "token.bootstrapped": z.looseObject({ name: z.string() }),
};
