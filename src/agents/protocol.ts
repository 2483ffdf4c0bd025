/**
 * The agent protocol: what a `pitcrew agent` and the server say to each other over HTTP. The
 * agent always calls; the server never connects to an agent (agents behind NAT work).
 *
 *   register ─► (lease ─long-poll─► assignment) ─► source ─► events… ─► files… ─► finish
 *        └── heartbeat every leaseMs / 3 (answers which held jobs to cancel or drop) ──┘
 *   drain (SIGTERM: lease no more) ─► deregister;  release (hand a held job back)
 *
 * Every request carries `x-pitcrew-agent-protocol: <PROTOCOL_VERSION>` and every answer too;
 * either side refuses a different version with a 400 naming both. Every call about a job names
 * its lease id, the fencing token: only the live lease's holder is heard (409 otherwise).
 * Event batches are numbered 1, 2, 3, … per lease: a repeated number is acknowledged and ignored
 * (a retry), a gap is refused (409), `finish` names the last batch.
 */
import * as z from "zod";

/** The protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/** The header carrying the protocol version, both ways. */
export const PROTOCOL_HEADER = "x-pitcrew-agent-protocol";

/** Longest single log line an agent sends (characters); longer lines are cut by the agent. */
export const MAX_LINE_CHARS = 16 * 1024;

/** Most events in one batch. */
export const MAX_BATCH_EVENTS = 500;

const labels = z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "a label is 1–64 of [A-Za-z0-9_.:-]")).max(32);

/** `POST /api/agent/register`. */
export const registerBody = z
  .object({
    name: z.string().min(1).max(100),
    labels,
    capacity: z
      .object({ cpus: z.number().positive().max(4096).optional(), memory: z.number().int().positive().optional() })
      .strict(),
    concurrency: z.number().int().min(1).max(64),
    version: z.string().min(1).max(40),
  })
  .strict();

/** The answer to `register`. */
export interface Registration {
  agentId: number;
  /** An agent silent this long is lost; its jobs go elsewhere. */
  leaseMs: number;
}

/** `POST /api/agent/lease`: wait up to `waitMs` for a job. */
export const leaseBody = z
  .object({ agentId: z.number().int().positive(), waitMs: z.number().int().min(0).max(60_000) })
  .strict();

/** `POST /api/agent/heartbeat`. */
export const heartbeatBody = z
  .object({ agentId: z.number().int().positive(), leases: z.array(z.number().int().positive()).max(64) })
  .strict();

/** The answer to `heartbeat`: held jobs to cancel, and jobs the server no longer gives this agent. */
export interface HeartbeatAnswer {
  cancel: number[];
  drop: number[];
}

/** `POST /api/agent/drain` and `/deregister`. */
export const agentBody = z.object({ agentId: z.number().int().positive() }).strict();

const step = z.number().int().min(-1).max(10_000);

/** One thing that happened on the agent while running a job's steps (mirrors runner's StepSink). */
export const jobEvent = z.discriminatedUnion("t", [
  z.object({ t: z.literal("started"), step, name: z.string().max(1000) }).strict(),
  z.object({ t: z.literal("skipped"), step, reason: z.string().max(2000) }).strict(),
  z
    .object({
      t: z.literal("finished"),
      step,
      status: z.enum(["success", "failure", "cancelled"]),
      exitCode: z.number().int().nullable(),
      reason: z.string().max(2000).nullable(),
    })
    .strict(),
  z
    .object({
      t: z.literal("line"),
      step,
      stream: z.enum(["stdout", "stderr", "system"]),
      line: z.string().max(MAX_LINE_CHARS),
    })
    .strict(),
  z.object({ t: z.literal("end"), step }).strict(),
]);

/** A job event. */
export type JobEvent = z.infer<typeof jobEvent>;

/** `POST /api/agent/jobs/:lease/events`. */
export const eventsBody = z
  .object({
    agentId: z.number().int().positive(),
    seq: z.number().int().positive(),
    events: z.array(jobEvent).max(MAX_BATCH_EVENTS),
  })
  .strict();

/** The answer to an events batch: whether the job was cancelled meanwhile. */
export interface EventsAnswer {
  cancel: boolean;
}

/** `POST /api/agent/jobs/:lease/finish`. */
export const finishBody = z
  .object({
    agentId: z.number().int().positive(),
    lastSeq: z.number().int().min(0),
    status: z.enum(["success", "failure", "cancelled"]),
    reason: z.string().max(2000).nullable(),
    exitCode: z.number().int().nullable(),
  })
  .strict();

/** What a job's executor must be, decided on the server (runner's SandboxNeed). */
const sandboxNeed = z
  .object({ projectSandboxed: z.boolean(), jobAsksSandbox: z.boolean(), untrusted: z.string().nullable() })
  .strict();

const planStep = z.object({
  name: z.string(),
  run: z.string(),
  env: z.record(z.string(), z.string()),
  if: z.string().optional(),
  timeoutMs: z.number().optional(),
  workingDirectory: z.string().optional(),
  continueOnError: z.boolean(),
});

/** A job handed to an agent: the answer to `lease` (checked by the agent: it comes from the network). */
export const assignment = z.object({
  lease: z.number().int().positive(),
  job: z.object({ id: z.number().int(), key: z.string(), attempt: z.number().int() }),
  spec: z
    .object({
      key: z.string(),
      name: z.string(),
      matrix: z.record(z.string(), z.string()),
      needs: z.array(z.string()),
      env: z.record(z.string(), z.string()),
      secrets: z.array(z.string()),
      timeoutMs: z.number().positive(),
      retries: z.object({ count: z.number().int(), backoffMs: z.number() }),
      continueOnError: z.boolean(),
      runsOn: z.array(z.string()),
      sandbox: z.object({ enabled: z.boolean(), network: z.boolean() }),
      steps: z.array(planStep).min(1),
      artifacts: z.array(z.string()),
      reports: z.object({ junit: z.array(z.string()), coverage: z.array(z.string()) }),
    })
    .passthrough(),
  run: z.object({
    id: z.number().int(),
    number: z.number().int(),
    projectName: z.string(),
    event: z.enum(["push", "pull_request", "manual", "cron"]),
    branch: z.string(),
    commit: z.string().regex(/^[0-9a-f]{40,64}$/),
    baseBranch: z.string().nullable(),
    env: z.record(z.string(), z.string()),
    inputs: z.record(z.string(), z.string()),
  }),
  needs: z.record(z.string(), z.object({ status: z.string() })),
  secrets: z.record(z.string(), z.string()),
  sandbox: sandboxNeed,
});

/** A job handed to an agent. */
export type Assignment = z.infer<typeof assignment>;
