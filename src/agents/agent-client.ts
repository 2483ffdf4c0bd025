import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type * as z from "zod";
import {
  type Assignment,
  assignment,
  type DependenciesAnswer,
  type DependenciesBody,
  type EventsAnswer,
  type HeartbeatAnswer,
  type JobEvent,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  type Registration,
  type registerBody,
  type TestsAdvice,
  testsAdvice,
} from "./protocol.js";
import { type CallFailure, failureOf, MovePolicy } from "./move-policy.js";

/** An answer the server gave with an HTTP error status (`status` 401, 409, …). */
export class AgentCallError extends Error {
  override name = "AgentCallError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An answer that reached the agent but does not fit the protocol: asking again gets the same answer, so it is final. */
export class MalformedAnswerError extends Error {
  override name = "MalformedAnswerError";
}

/** Whether `err` says the server no longer hears this agent or job (fenced off): stop, do not retry. */
export function isFencedOff(err: unknown): boolean {
  return err instanceof AgentCallError && (err.status === 409 || err.status === 404);
}

/** A refusal no retry can fix (bad token, other protocol, bad request). */
export function isRefusal(err: unknown): boolean {
  return err instanceof AgentCallError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

/** Answers of a proxy or load balancer in front of a replica that is down: strong evidence to move on. */
const GATEWAY_DOWN = new Set([502, 503, 504]);
/** {@link AgentClient}'s sustain time when its owner gives none (ms). */
const DEFAULT_SUSTAIN_MS = 10_000;

/**
 * The agent's side of the protocol (protocol.ts) over HTTP: every request carries the token and
 * the protocol version, every answer's version is checked, and a lease answer is validated
 * before anything runs (it comes from the network).
 *
 * It knows one or more server replicas (sharing one store) and calls one at a time. A call that
 * does not reach its server (refused, reset, timed out, or a gateway's 502/503/504) fails, and
 * the caller retries with its own backoff; once the server has failed on sustained evidence
 * (move-policy.ts: several calls in a row, refused or for a while), the calls after go to the
 * next server in the list, round the list. An answer, even a refusal, keeps the server.
 */
export class AgentClient {
  private readonly servers: string[];
  private current = 0;
  private readonly policy: MovePolicy;

  constructor(
    servers: string | readonly string[],
    private readonly token: string,
    /** Told when calls move from one server to the next. */
    private readonly onMove: (from: string, to: string, why: string) => void = () => {},
    /** How long the server must have failed every call before timeouts alone move the agent (ms). */
    sustainMs: () => number = () => DEFAULT_SUSTAIN_MS,
  ) {
    this.servers = typeof servers === "string" ? [servers] : [...servers];
    if (this.servers.length === 0) throw new Error("an agent needs at least one server URL");
    this.policy = new MovePolicy(sustainMs);
  }

  /** The server calls go to now. */
  get server(): string {
    return this.servers[this.current]!;
  }

  /** Registers this agent. */
  register(body: z.input<typeof registerBody>): Promise<Registration> {
    return this.json("POST", "/api/agent/register", body) as Promise<Registration>;
  }

  /** Waits up to `waitMs` for a job; undefined when none came. */
  async lease(agentId: number, waitMs: number, signal?: AbortSignal): Promise<Assignment | undefined> {
    const raw = await this.json("POST", "/api/agent/lease", { agentId, waitMs }, signal);
    if (raw === undefined) return undefined;
    return this.checked(assignment, raw, "lease");
  }

  /** Asks for the advice of `tests:` step `step` of job lease `lease`, given the test files it matched. */
  async testsAdvice(
    agentId: number,
    lease: number,
    step: number,
    testFiles: string[],
    signal?: AbortSignal,
  ): Promise<TestsAdvice> {
    const raw = await this.json("POST", `/api/agent/jobs/${lease}/tests`, { agentId, step, testFiles }, signal);
    return this.checked(testsAdvice, raw, "test advice");
  }

  /** Sends the dependency map of a `tests:` step of job lease `lease` (reduced from its V8 coverage). */
  dependencies(lease: number, body: DependenciesBody, signal?: AbortSignal): Promise<DependenciesAnswer> {
    return this.json("POST", `/api/agent/jobs/${lease}/dependencies`, body, signal) as Promise<DependenciesAnswer>;
  }

  /** Heartbeat with the leases held. */
  heartbeat(agentId: number, leases: number[], signal?: AbortSignal): Promise<HeartbeatAnswer> {
    return this.json("POST", "/api/agent/heartbeat", { agentId, leases }, signal) as Promise<HeartbeatAnswer>;
  }

  /** Sends event batch `seq` of job lease `lease`. */
  events(agentId: number, lease: number, seq: number, events: JobEvent[]): Promise<EventsAnswer> {
    return this.json("POST", `/api/agent/jobs/${lease}/events`, { agentId, seq, events }) as Promise<EventsAnswer>;
  }

  /** Ends job lease `lease` with its outcome. */
  async finish(
    agentId: number,
    lease: number,
    outcome: {
      lastSeq: number;
      status: "success" | "failure" | "cancelled";
      reason: string | null;
      exitCode: number | null;
      quarantined: string[];
    },
  ): Promise<void> {
    await this.json("POST", `/api/agent/jobs/${lease}/finish`, { agentId, ...outcome });
  }

  /** Hands job lease `lease` back to the server. */
  async release(agentId: number, lease: number): Promise<void> {
    await this.json("POST", `/api/agent/jobs/${lease}/release`, { agentId });
  }

  /** Says this agent leases nothing more. */
  async drain(agentId: number): Promise<void> {
    await this.json("POST", "/api/agent/drain", { agentId });
  }

  /** Says this agent stopped. */
  async deregister(agentId: number): Promise<void> {
    await this.json("POST", "/api/agent/deregister", { agentId });
  }

  /** Downloads the source archive of job lease `lease` into `file`. */
  async source(agentId: number, lease: number, file: string): Promise<void> {
    const res = await this.call("GET", `/api/agent/jobs/${lease}/source?agentId=${agentId}`);
    if (!res.body) throw new Error("the source archive answer has no body");
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file, { mode: 0o600 }));
  }

  /** Uploads output file `file` of job lease `lease` as workspace-relative `path`. */
  async upload(agentId: number, lease: number, path: string, file: string): Promise<void> {
    const size = (await stat(file)).size;
    const q = new URLSearchParams({ agentId: String(agentId), path });
    await this.call("PUT", `/api/agent/jobs/${lease}/files?${q}`, {
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      type: "application/octet-stream",
      length: size,
    });
  }

  /** `raw` checked against `schema` (an answer from the network), or a MalformedAnswerError naming what is wrong. */
  private checked<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
    const parsed = schema.safeParse(raw);
    if (!parsed.success)
      throw new MalformedAnswerError(
        `malformed ${what} answer from ${this.servers[this.current]}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    return parsed.data;
  }

  /**
   * A call sent at `sentAt` to server `index` failed to reach it: the next calls go to the next
   * server once the move policy says so (failures of a server no longer called count for nothing).
   */
  private failed(index: number, kind: CallFailure, sentAt: number, why: string): void {
    if (this.servers.length < 2 || this.current !== index) return;
    if (!this.policy.failed(kind, sentAt, Date.now())) return;
    this.current = (index + 1) % this.servers.length;
    this.policy.moved(Date.now());
    this.onMove(this.servers[index]!, this.servers[this.current]!, why);
  }

  private async json(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const res = await this.call(method, path, { body: JSON.stringify(body), type: "application/json" }, signal);
    if (res.status === 204) return undefined;
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  private async call(
    method: string,
    path: string,
    body?: { body: string | ReadableStream; type: string; length?: number },
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    };
    if (body) headers["content-type"] = body.type;
    if (body?.length !== undefined) headers["content-length"] = String(body.length);
    const index = this.current;
    const server = this.servers[index]!;
    const sentAt = Date.now();
    let res: Response;
    try {
      res = await fetch(`${server}${path}`, {
        method,
        headers,
        body: body?.body,
        signal,
        ...(body && typeof body.body !== "string" ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (err) {
      // the caller's own abort (a drain ending a long poll) says nothing about the server; a timeout does
      const ownAbort = signal?.aborted === true && (signal.reason as Error | undefined)?.name !== "TimeoutError";
      if (!ownAbort) this.failed(index, failureOf(err), sentAt, (err as Error).message);
      throw new Error(`cannot reach the pitcrew server at ${server}: ${(err as Error).message}`, { cause: err });
    }
    if (GATEWAY_DOWN.has(res.status)) this.failed(index, "down", sentAt, `HTTP ${res.status}`);
    else if (index === this.current) this.policy.answered(sentAt);
    const theirs = res.headers.get(PROTOCOL_HEADER);
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {}
      throw new AgentCallError(res.status, `${method} ${path.split("?")[0]}: ${res.status} ${message}`);
    }
    if (theirs !== String(PROTOCOL_VERSION))
      throw new AgentCallError(
        400,
        `the server at ${server} speaks agent protocol ${theirs ?? "(none: not a pitcrew server with agents?)"}, this agent ${PROTOCOL_VERSION}: upgrade one of them`,
      );
    return res;
  }
}
