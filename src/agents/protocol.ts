/**
 * The agent protocol: what a `pitcrew agent` and the server say to each other over HTTP. The
 * agent always calls; the server never connects to an agent (agents behind NAT work).
 *
 *   register ─► (lease ─long-poll─► assignment) ─► source ─► events… ─► files… ─► finish
 *        └── heartbeat every leaseMs / 3 (answers which held jobs to cancel or drop) ──┘
 *   drain (SIGTERM: lease no more) ─► deregister;  release (hand a held job back)
 *
 * A job's `tests:` steps ask the server for their order, selection and flaky tests (`tests`, once
 * per step: the server holds the history), a step with `coverage: true` sends the dependency map
 * it reduced from its V8 coverage (`dependencies`: test file → repository files executed, never
 * the raw coverage), and `finish` names the failures they quarantined.
 *
 * Every request carries `x-pitcrew-agent-protocol: <version>` and every answer the same version;
 * the server answers the versions in ACCEPTED_PROTOCOLS, the agent only its own, and either side
 * refuses another with a 400 naming both. Protocol 1 (agents before `tests:` steps ran on agents)
 * drops the `tests:` block: such an agent runs a test step as its plain command, and the server
 * says so in the job's log. Protocol 2 (agents before dependency maps) sends no `dependencies`:
 * its `coverage: true` steps record nothing, said in the job's log. Every call about a job names
 * its lease id, the fencing token: only the live lease's holder is heard (409 otherwise).
 * Event batches are numbered 1, 2, 3, … per lease: a repeated number is acknowledged and ignored
 * (a retry), a gap is refused (409), `finish` names the last batch.
 */
import * as z from "zod";
import { MAX_TEST_FILES } from "../runner/index.js";

/** The protocol version this build speaks. */
export const PROTOCOL_VERSION = 3;

/** The versions the server answers (in the version of the request). */
export const ACCEPTED_PROTOCOLS: readonly number[] = [1, 2, 3];

/** The first version whose agents run `tests:` steps with the server's advice. */
export const TESTS_PROTOCOL = 2;

/** The first version whose agents send the dependency map of a `tests:` step with `coverage: true`. */
export const DEPENDENCIES_PROTOCOL = 3;

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

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Whether `s` has no lone surrogate (JSON would send one as a 6-byte escape). */
const wellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** Longest test file name the protocol carries (characters). */
export const MAX_TEST_PATH = 1024;

/** Most flaky tests one advice names (the rest are not excused on the agent). */
export const MAX_ADVICE_FLAKY = 10_000;
/** Most quarantined test ids one `finish` names (past it the agent excuses nothing). */
export const MAX_QUARANTINED = 1000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is refused
const testPath = z
  .string()
  .min(1)
  .max(MAX_TEST_PATH)
  .regex(/^[^\u0000-\u001f\u007f]+$/, "a test file name has no control characters")
  .refine(wellFormed, "a test file name has no lone surrogates");
/** Longest test id the protocol carries (characters). */
export const MAX_WIRE_TEST_ID = 2000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is refused
const testId = z
  .string()
  .min(1)
  .max(MAX_WIRE_TEST_ID)
  .regex(/^[^\u0000-\u001f\u007f]+$/, "a test id has no control characters")
  .refine(wellFormed, "a test id has no lone surrogates");

/** Whether the protocol carries `id` as a test id (the agent leaves others out of `finish`: the server's advice never names them). */
export const isWireTestId = (id: string): boolean => testId.safeParse(id).success;

/**
 * The most bytes `count` JSON strings of at most `chars` characters take in a body: strings
 * without control characters or lone surrogates (the schemas refuse them) take at most 3 bytes a
 * character in UTF-8 (an escaped quote or backslash 2, a surrogate pair 4 for 2), plus quotes and
 * a comma; `rest` covers the body's other fields.
 */
const maxListBytes = (count: number, chars: number, rest = 16 * 1024) => count * (chars * 3 + 3) + rest;

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
    /** Test ids whose failures failed no step (quarantined, or passed on a rerun): the server keeps only those it called flaky. */
    quarantined: z.array(testId).max(MAX_QUARANTINED).default([]),
  })
  .strict();

/** The largest `finish` body its schema allows (bytes): its route accepts it whatever the server's `body_limit`. */
export const FINISH_BODY_LIMIT = maxListBytes(MAX_QUARANTINED, MAX_WIRE_TEST_ID);

/** `POST /api/agent/jobs/:lease/tests`: the test files a `tests:` step matched, asking for its advice. */
export const testsAdviceBody = z
  .object({
    agentId: z.number().int().positive(),
    step,
    testFiles: z.array(testPath).min(1).max(MAX_TEST_FILES),
  })
  .strict();

/** The largest `tests` body its schema allows (bytes): its route accepts it whatever the server's `body_limit`. */
export const TESTS_BODY_LIMIT = maxListBytes(MAX_TEST_FILES, MAX_TEST_PATH);

/** The answer to `tests`: the runner's TestAdvice with its flaky tests as a list (checked by the agent). */
export const testsAdvice = z
  .object({
    run: z.array(testPath).max(MAX_TEST_FILES),
    skipped: z.array(z.object({ file: testPath, detail: z.string().max(2000) }).strict()).max(MAX_TEST_FILES),
    summary: z.string().max(2000),
    flaky: z
      .array(z.object({ id: testId, flaky: z.boolean(), evidence: z.string().max(2000) }).strict())
      .max(MAX_ADVICE_FLAKY),
  })
  .strict();

/** The advice for one test step. */
export type TestsAdvice = z.infer<typeof testsAdvice>;

/** Most distinct repository files one dependency map names (also the store's bound for one test file). */
export const MAX_MAP_FILES = 20_000;
/** Most test file → repository file links one dependency map carries. */
export const MAX_MAP_LINKS = 1_000_000;
/** Largest `dependencies` body (bytes): the agent sends nothing bigger; its route accepts it whatever the server's `body_limit`. */
export const DEPENDENCIES_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * `POST /api/agent/jobs/:lease/dependencies`: the dependency map of `tests:` step `step` (with
 * `coverage: true`), reduced on the agent from its V8 coverage: `files` lists each repository file
 * once, each test file names the indices of the files its process executed. Checked again on the
 * server (dependency-map.ts: relative paths inside the repository, test files of the step).
 */
export const dependenciesBody = z
  .object({
    agentId: z.number().int().positive(),
    step,
    files: z.array(testPath).max(MAX_MAP_FILES),
    tests: z
      .array(
        z
          .object({ file: testPath, deps: z.array(z.number().int().min(0).max(MAX_MAP_FILES)).max(MAX_MAP_FILES) })
          .strict(),
      )
      .min(1)
      .max(MAX_TEST_FILES),
  })
  .strict()
  .superRefine((b, ctx) => {
    const links = b.tests.reduce((n, t) => n + t.deps.length, 0);
    if (links > MAX_MAP_LINKS)
      ctx.addIssue({ code: "custom", path: ["tests"], message: `${links} links, over the limit of ${MAX_MAP_LINKS}` });
    if (b.tests.some((t) => t.deps.some((i) => i >= b.files.length)))
      ctx.addIssue({ code: "custom", path: ["tests"], message: "a test names a file index past the files list" });
  });

/** A dependency map as the protocol carries it. */
export type DependenciesBody = z.infer<typeof dependenciesBody>;

/** The answer to `dependencies`: how many test files' maps the server recorded, or why none. */
export interface DependenciesAnswer {
  testFiles: number;
  notRecorded?: string;
}

/** What a job's executor must be, decided on the server (runner's SandboxNeed). */
const sandboxNeed = z
  .object({ projectSandboxed: z.boolean(), jobAsksSandbox: z.boolean(), untrusted: z.string().nullable() })
  .strict();

const planTests = z.object({
  framework: z.enum(["vitest", "jest", "node-test", "pytest", "file"]),
  select: z.enum(["all", "prioritize", "select"]),
  failFast: z.boolean(),
  coverage: z.boolean(),
  rerunFlaky: z.number().int().min(0).max(5),
  quarantine: z.boolean(),
  files: z.array(z.string()).min(1),
});

const planStep = z.object({
  name: z.string(),
  tests: planTests.optional(),
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
