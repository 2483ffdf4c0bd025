/**
 * The server side of `pitcrew agent` (protocol in protocol.ts). Agents never get a queue
 * connection: for each live agent the hub consumes the job queue with the agent's labels and
 * its concurrency + LOOKAHEAD (its concurrency alone when the server runs jobs too), and each
 * item it takes becomes an offer (offer-board.ts); a polling agent gets the offer the scheduling
 * policy gives it (place-jobs.ts: its labels cover the job's `runs-on`, its free capacity holds
 * the job's `resources`, the highest score first):
 *
 *   queue item ─► offer ──an agent's lease poll──► attempt begun (hand-job.ts), lease row
 *   persisted (its id is the fencing token) ─► assignment answered ─► held until:
 *     finish  ─► outputs collected, attempt ended (retries as on a server worker)
 *     release ─► (second SIGTERM) the attempt fails with `agent-released` and is queued again
 *     lost    ─► (no heartbeat for `leaseMs`) the attempt fails with `agent-lost` and is queued
 *                again (a bounded number of times past the job's own retries), elsewhere
 *   (end-held-job.ts)
 *
 * The handler holding the queue item lives until the attempt ends, so the queue's own lease
 * stays renewed by this server meanwhile. A job is never run by two agents at once: a lost
 * agent's lease is ended before its job is queued again, and the agent stops its steps once it
 * has not reached any server for `leaseMs` (agent-process.ts).
 *
 * Replicas: an agent may move to another replica sharing the store (its own died or stopped
 * answering). That replica takes over the leases the agent names (adopt-lease.ts: fenced by the
 * store, the event batches going on after the last one applied), and the job's queue item,
 * handed to some replica again once the dead one's queue lease runs out, is held there until the
 * attempt ends (runner's running-attempt.ts) instead of starting a new attempt.
 */
import { ConflictError, ForbiddenError, NotFoundError } from "../common/errors.js";
import { holdRunningAttempt, JOBS_QUEUE, type JobTicket, type RunnerDeps } from "../runner/index.js";
import type { Agent, TokenInfo } from "../store/index.js";
import { attemptCancelled } from "./attempt-cancelled.js";
import { DurationPredictor } from "./duration-predictor.js";
import { abandonHeldJob, type AgentOutcome, finishHeldJob } from "./end-held-job.js";
import { handJob } from "./hand-job.js";
import type { HeldJob } from "./held-job.js";
import { HeldJobs } from "./held-jobs.js";
import { durationKey, pendingJob, type WaitingView } from "./hub-schedule.js";
import { openJobSourceArchive } from "./job-source.js";
import type { FileHandle } from "node:fs/promises";
import { OfferBoard, type Offered } from "./offer-board.js";
import type { Assignment, HeartbeatAnswer, JobEvent } from "./protocol.js";
import type { registerBody } from "./protocol.js";
import { DEFAULT_SCHEDULE_POLICY, type SchedulePolicy } from "./schedule-policy.js";
import { endUnheldLeases } from "./unheld-leases.js";
import type * as z from "zod";

/**
 * Queue items each agent's consumer takes beyond the agent's concurrency, as offers the policy
 * orders: a bound on memory and queue leases (an offer is a few hundred bytes and a lease renewed
 * every lease / 3), not a tuning of the order; the policy gains as its window covers the queue.
 */
export const LOOKAHEAD = 32;

/** What the hub needs. */
export interface AgentHubDeps {
  runner: RunnerDeps;
  /** An agent silent this long is lost. */
  leaseMs: number;
  /** How offered jobs are ordered and placed (default: DEFAULT_SCHEDULE_POLICY). */
  policy?: SchedulePolicy;
}

interface Offer extends Offered {
  ticket: JobTicket;
  /** Hands the item to a polling agent; resolves with the assignment, or undefined (stale ticket). */
  take(agent: Agent, protocol: number): Promise<Assignment | undefined>;
}

/** The server's hub of agents: registration, offers, held jobs, heartbeats and loss. */
export class AgentHub {
  private readonly offers: OfferBoard<Offer>;
  private readonly held: HeldJobs;
  private readonly consumers = new Map<number, AbortController>();
  /** Queue wait of jobs handed to agents (ms, most recent first), for /metrics. */
  private readonly waits: number[] = [];
  /** Learns from the jobs agents finish; estimates the offered ones. */
  private readonly predictor = new DurationPredictor();

  constructor(private readonly deps: AgentHubDeps) {
    this.offers = new OfferBoard(deps.policy ?? DEFAULT_SCHEDULE_POLICY, () => deps.runner.clock.now());
    this.held = new HeldJobs(deps.runner);
  }

  /** Registers an agent for `caller` (an agent token) and starts taking work on its behalf. */
  async register(caller: TokenInfo, body: z.output<typeof registerBody>): Promise<Agent> {
    const r = this.deps.runner;
    const agent = await r.store.agents.register({ ...body, tokenId: caller.id }, r.clock.now());
    await r.events.emit(
      "agent.registered",
      { kind: "agent", id: agent.id },
      { agentId: agent.id, name: agent.name, labels: agent.labels },
    );
    this.startConsumer(agent);
    // Jobs that failed fast for want of these labels are not revived; new ones will be placed.
    return agent;
  }

  /** The live agent `agentId` of `caller`; ConflictError when it is lost or gone (it must register again). */
  async agentOf(caller: TokenInfo, agentId: number): Promise<Agent> {
    const agent = await this.deps.runner.store.agents.get(agentId);
    if (!agent) throw new NotFoundError("agent", agentId);
    if (agent.tokenId !== caller.id) throw new ForbiddenError(`agent ${agentId} was registered with another token`);
    if (agent.state === "lost" || agent.state === "offline")
      throw new ConflictError(`agent ${agentId} is ${agent.state}: register again`);
    return agent;
  }

  /**
   * Waits up to `waitMs` for a job `agent` (speaking agent protocol `protocol`) may take (the
   * scheduling policy's choice); undefined when none came.
   */
  async lease(agent: Agent, waitMs: number, aborted: AbortSignal, protocol: number): Promise<Assignment | undefined> {
    if (agent.state !== "online") return undefined;
    // an agent served by this server since before its restart polls again
    if (!this.consumers.has(agent.id)) this.startConsumer(agent);
    const deadline = Date.now() + waitMs;
    while (!aborted.aborted) {
      const offer = await this.offers.next(agent, () => this.held.values(), deadline, aborted);
      if (!offer) return undefined;
      const a = await offer.take(agent, protocol);
      if (a) return a;
    }
    return undefined;
  }

  /** The jobs offered to agents and not yet taken, each with the scheduler's reason (all live agents considered). */
  async waiting(): Promise<WaitingView[]> {
    const live = await this.deps.runner.store.agents.list(["online"]);
    return this.offers.views(this.held.values(), live);
  }

  /**
   * Records a heartbeat; answers which of `leases` to cancel and which the agent no longer holds.
   * A lease another replica handed out is taken over here (the agent moved); an open lease of the
   * agent it no longer names, past the time its first heartbeat could name it, is not run by it
   * any more: its attempt ends and the job is queued again.
   */
  async heartbeat(agent: Agent, leases: number[]): Promise<HeartbeatAnswer> {
    const r = this.deps.runner;
    const now = r.clock.now();
    if (!(await r.store.agents.heartbeat(agent.id, now)))
      throw new ConflictError(`agent ${agent.id} is no longer live: register again`);
    const cancel: number[] = [];
    const drop: number[] = [];
    for (const id of leases) {
      const h = await this.held.find(agent, id);
      if (!h) drop.push(id);
      else if (h.cancelled || (await attemptCancelled(r, h))) {
        // the queue handler that heard the cancel may be another replica's (the agent moved here)
        h.cancelled = true;
        cancel.push(id);
      }
    }
    for (const l of await r.store.agents.openLeases(agent.id)) {
      if (leases.includes(l.id) || l.leasedAt > now - this.deps.leaseMs) continue;
      const h = await this.held.find(agent, l.id);
      if (h) await this.abandon(h, "agent-lost", `agent '${agent.name}' no longer runs the job`);
    }
    return { cancel, drop };
  }

  /** The job lease `lease` if `agent` holds it (taken over from another replica if need be); 409 otherwise. */
  heldBy(agent: Agent, lease: number): Promise<HeldJob> {
    return this.held.get(agent, lease);
  }

  /** Applies an event batch of a held job; answers whether the job was cancelled meanwhile. */
  async events(agent: Agent, lease: number, seq: number, events: JobEvent[]): Promise<{ cancel: boolean }> {
    const h = await this.heldBy(agent, lease);
    await h.apply(seq, events);
    return { cancel: h.cancelled };
  }

  /** The source archive of a held job's commit, opened (the caller reads and closes it). */
  async source(agent: Agent, lease: number): Promise<FileHandle> {
    const h = await this.heldBy(agent, lease);
    const project = await this.deps.runner.store.projects.get(h.begun.run.projectId);
    return openJobSourceArchive(this.deps.runner, h.begun.run, project.repoUrl);
  }

  /** Ends a held job with the agent's outcome: its uploaded outputs are collected, then the attempt ends. */
  async finish(agent: Agent, lease: number, outcome: AgentOutcome): Promise<void> {
    const h = await this.heldBy(agent, lease);
    await finishHeldJob(this.deps.runner, this.held, h, outcome);
    if (outcome.status !== "cancelled") {
      const r = this.deps.runner;
      const { run, job } = h.begun;
      const project = await r.store.projects.get(run.projectId);
      this.predictor.observe({ ...durationKey(project, run, job), durationMs: r.clock.now() - h.startedAt });
    }
  }

  /** Hands a held job back (the agent is stopping): it fails with `agent-released` and is queued again. */
  async release(agent: Agent, lease: number): Promise<void> {
    await this.abandon(await this.heldBy(agent, lease), "agent-released", `agent '${agent.name}' handed the job back`);
  }

  /** SIGTERM on the agent: it leases nothing more; the server stops taking work for it. */
  async drain(agent: Agent): Promise<void> {
    await this.deps.runner.store.agents.transition(agent.id, ["online"], "draining");
    this.stopConsumer(agent.id);
  }

  /** The agent stopped: its jobs (if any are left) are handed back. */
  async deregister(agent: Agent): Promise<void> {
    const r = this.deps.runner;
    await r.store.agents.transition(agent.id, ["online", "draining"], "offline");
    this.stopConsumer(agent.id);
    for (const h of this.held.values()) {
      if (h.agentId === agent.id) await this.abandon(h, "agent-released", `agent '${agent.name}' stopped`);
    }
    await endUnheldLeases(r, (l) => this.held.has(l), "agent-stopped", agent.id);
  }

  /**
   * Marks agents silent for `leaseMs` lost, queues again the jobs this server holds for agents
   * that are no longer live, whichever replica marked them, and ends gone agents' leases nobody
   * holds any more (unheld-leases.ts); returns how many were lost.
   */
  async sweep(): Promise<number> {
    const r = this.deps.runner;
    const silent = await r.store.agents.silentSince(r.clock.now() - this.deps.leaseMs);
    let lost = 0;
    for (const agent of silent) {
      if (!(await r.store.agents.transition(agent.id, ["online", "draining"], "lost"))) continue;
      lost++;
      await r.events.emit("agent.lost", { kind: "agent", id: agent.id }, { agentId: agent.id, name: agent.name });
    }
    await this.dropGoneAgents();
    await this.held.pruneEnded();
    await endUnheldLeases(r, (l) => this.held.has(l), "agent-lost");
    return lost;
  }

  /**
   * Stops serving the agents this server serves that are lost or gone: their consumers stop and
   * their held jobs are queued again. Replicas sharing the store race to mark a silent agent lost,
   * so the one holding its jobs learns it here, from the store, not from winning that race.
   */
  private async dropGoneAgents(): Promise<void> {
    const r = this.deps.runner;
    const served = new Set([...this.consumers.keys(), ...this.held.values().map((h) => h.agentId)]);
    for (const id of served) {
      const agent = await r.store.agents.get(id);
      if (agent?.state === "online" || agent?.state === "draining") continue;
      this.stopConsumer(id);
      const name = agent?.name ?? `#${id}`;
      for (const h of this.held.values()) {
        if (h.agentId !== id) continue;
        if (agent?.state === "lost")
          await this.abandon(h, "agent-lost", `agent '${name}' sent no heartbeat for ${this.deps.leaseMs} ms`);
        else await this.abandon(h, "agent-released", `agent '${name}' stopped`);
      }
    }
  }

  /**
   * Starts the hub's loop: leases held before a restart of this server are ended unless other
   * replicas share the store (their jobs were recovered with the server's other running jobs), and
   * silent agents are swept every `leaseMs / 4`. A live agent gets its consumer again at its next
   * poll here, so a replica takes jobs only for the agents that talk to it. Returns the stop function.
   */
  async start(opts: { sharedWithReplicas: boolean }): Promise<() => void> {
    const r = this.deps.runner;
    if (!opts.sharedWithReplicas) {
      for (const l of await r.store.agents.openLeases())
        await r.store.agents.endLease(l.id, "server-restart", r.clock.now());
    }
    const timer = setInterval(
      () => void this.sweep().catch((err) => r.log.error({ err }, "agent sweep failed")),
      Math.max(100, Math.floor(this.deps.leaseMs / 4)),
    );
    return () => {
      clearInterval(timer);
      this.close();
    };
  }

  /** Label sets of the live agents (the scheduler fails a job no worker can take). */
  async liveLabelSets(): Promise<string[][]> {
    return (await this.deps.runner.store.agents.list(["online", "draining"])).map((a) => a.labels);
  }

  /** Open offers, and queue waits of the last jobs handed out (ms), for metrics. */
  stats(): { offers: number; held: number; recentWaitsMs: readonly number[] } {
    return { offers: this.offers.size, held: this.held.size, recentWaitsMs: this.waits };
  }

  /** Stops every consumer; held jobs stay as they are (their agents are lost if this server is gone). */
  close(): void {
    for (const c of this.consumers.values()) c.abort();
    this.consumers.clear();
    this.offers.close();
  }

  private startConsumer(agent: Agent): void {
    const stop = new AbortController();
    this.consumers.set(agent.id, stop);
    this.deps.runner.queue.consume<JobTicket>(
      JOBS_QUEUE,
      (item, { signal }) => this.offer(item.payload, item.labels, signal),
      {
        // when only agents run jobs, LOOKAHEAD waiting jobs more, so the scheduling policy
        // chooses among them instead of taking the queue's oldest; when the server runs jobs too,
        // no more than the agent runs, so no job waits for an agent while the server idles
        concurrency: agent.concurrency + (this.deps.runner.options.local ? 0 : LOOKAHEAD),
        labels: agent.labels,
        leaseMs: this.deps.runner.options.leaseMs,
        signal: stop.signal,
      },
    );
  }

  private stopConsumer(agentId: number): void {
    this.consumers.get(agentId)?.abort();
    this.consumers.delete(agentId);
  }

  /** The queue handler: offers the item to polling agents and holds it until its attempt ends. */
  private async offer(ticket: JobTicket, labels: string[], signal: AbortSignal): Promise<void> {
    // an attempt still running (its replica died): held until it ends, not offered again
    if (await holdRunningAttempt(this.deps.runner, ticket, signal)) return;
    const offeredAt = Date.now();
    const { pending, view } = await pendingJob(
      this.deps.runner,
      this.predictor,
      ticket,
      labels,
      this.deps.runner.clock.now(),
    );
    const held = await new Promise<HeldJob | undefined>((resolve) => {
      const offer: Offer = {
        ticket,
        labels,
        pending,
        view,
        take: async (agent, protocol) => {
          signal.removeEventListener("abort", onAbort);
          try {
            const h = await handJob(this.deps.runner, ticket, agent, protocol, (held) => this.held.add(held));
            resolve(h?.held);
            return h?.assignment;
          } catch (err) {
            resolve(undefined);
            throw err;
          }
        },
      };
      const onAbort = () => {
        this.offers.remove(offer);
        resolve(undefined);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.offers.add(offer);
    });
    if (!held) {
      // aborted before any agent took it (this replica stopping, or a cancel): the item is acked,
      // so the store must not say it is still queued, or no scheduler pass would add it again
      if (signal.aborted) await this.deps.runner.store.jobs.clearEnqueued(ticket.jobId, ticket.attempt);
      return;
    }
    this.waits.unshift(Date.now() - offeredAt);
    this.waits.length = Math.min(this.waits.length, 256);
    const onCancel = () => {
      held.cancelled = true;
    };
    signal.addEventListener("abort", onCancel, { once: true });
    await held.ended;
    signal.removeEventListener("abort", onCancel);
  }

  private abandon(h: HeldJob, reason: string, why: string): Promise<void> {
    return abandonHeldJob(this.deps.runner, this.held, h, reason, why);
  }
}
