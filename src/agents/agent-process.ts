/**
 * `pitcrew agent`: a worker on another machine. It only ever calls the server (protocol.ts).
 *
 *   registering ──► online: lease (long-poll) while a slot is free, run each job, heartbeat
 *   online ──stop()──► draining: lease nothing more, finish the running jobs ──► deregistered
 *   draining ──stop() again──► handing back: stop the steps, release each job ──► deregistered
 *   online: heartbeat answered 409 (the server marked this agent lost) ──► stop all jobs, register again
 *
 * Self-fencing: a job's steps are stopped once no server has answered for the agent lease
 * (`leaseMs`), because by then the server gives the job to another agent; so the same job never
 * runs on two agents at once.
 *
 * Failover: given several server replicas (sharing one store), the agent moves to the next one
 * when its server has stopped answering for good, not after one slow answer (agent-client.ts,
 * move-policy.ts), retrying with bounded, jittered backoff. Its
 * registration, its running jobs' leases (fenced in the store) and their event numbering carry
 * over: the next heartbeat or job call names the leases and that replica takes them over, so a
 * running job goes on without a restart. A job's uploads wait on the replica that received them
 * until `finish`: finishing through another, the agent uploads them there again first.
 */
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import type { ExecutorChoiceDeps } from "../runner/index.js";
import { AgentClient, isFencedOff, isRefusal } from "./agent-client.js";
import { EventSender } from "./event-sender.js";
import type { Assignment } from "./protocol.js";
import { heartbeatDelayMs, heartbeatTimeoutMs, moveSilenceMs } from "./lease-timing.js";
import { backoff, type PersistLimits, persistCall } from "./persist-call.js";
import { type AssignmentEnd, runAssignment, uploadAgain } from "./run-assignment.js";

/** How an agent is started. */
export interface AgentOptions extends ExecutorChoiceDeps {
  /** The server replicas to call, in order of preference (one at a time; the next when one stops answering). */
  servers: string[];
  token: string;
  name: string;
  labels: string[];
  capacity: { cpus?: number; memory?: number };
  concurrency: number;
  workDir: string;
  version: string;
  keepWorkspaces: boolean;
  /** How long one lease poll waits on the server (ms). */
  pollWaitMs: number;
  clock: Clock;
  log: Logger;
}

/** A running agent. */
export interface AgentHandle {
  /** First call: drain (finish running jobs, lease no more). Second call: hand running jobs back. */
  stop(): void;
  /** Resolves when the agent has deregistered (rejects when it cannot register at all). */
  done: Promise<void>;
}

interface RunningJob {
  assignment: Assignment;
  controller: AbortController;
  handBack: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts an agent (see the comment at the top of this file). */
export function startAgent(opts: AgentOptions): AgentHandle {
  const { log, clock } = opts;
  const client = new AgentClient(
    opts.servers,
    opts.token,
    (from, to, why) => log.warn({ from, to, why }, "server not answering: moving to the next one"),
    // a failed call moves the agent once the server has answered nothing for half the agent lease,
    // leaving time to heartbeat the next replica before the jobs' self-fencing below (lease-timing.ts)
    () => moveSilenceMs(leaseMs),
  );
  const running = new Map<number, RunningJob>();
  const pollAbort = new AbortController();
  let stops = 0;
  let agentId = 0;
  let leaseMs = 30_000;
  /** When the last heartbeat that the server answered was sent. */
  let lastContact = clock.now();
  let wakeSlot = () => {};

  const register = async () => {
    for (let n = 0; ; n++) {
      try {
        const reg = await client.register({
          name: opts.name,
          labels: opts.labels,
          capacity: opts.capacity,
          concurrency: opts.concurrency,
          version: opts.version,
        });
        agentId = reg.agentId;
        leaseMs = reg.leaseMs;
        lastContact = clock.now();
        log.info({ agentId, labels: opts.labels, server: client.server }, "agent registered");
        return;
      } catch (err) {
        if (isRefusal(err)) throw err;
        log.warn({ err: (err as Error).message }, "cannot register yet; retrying");
        await sleep(backoff(n, 250, 5000));
      }
    }
  };

  const persist = <T>(what: () => Promise<T>, limits?: PersistLimits): Promise<T> =>
    persistCall({ clock, lastContact: () => lastContact, leaseMs: () => leaseMs }, what, limits);

  const runJob = async (a: Assignment) => {
    const job: RunningJob = { assignment: a, controller: new AbortController(), handBack: false };
    running.set(a.lease, job);
    const sender = new EventSender(async (seq, events) => {
      try {
        const answer = await persist(() => client.events(agentId, a.lease, seq, events));
        if (answer.cancel) job.controller.abort();
      } catch (err) {
        job.controller.abort();
        throw err;
      }
    });
    let end: AssignmentEnd;
    try {
      end = await runAssignment(
        { ...opts, client, agentId, workDir: opts.workDir, clock, keepWorkspaces: opts.keepWorkspaces, persist },
        a,
        sender,
        job.controller.signal,
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      sender.push({ t: "line", step: -1, stream: "system", line: `pitcrew agent: ${reason}` });
      end = {
        outcome: { status: "failure", reason, exitCode: null, quarantined: [] },
        uploads: [],
        cleanup: async () => {},
      };
    }
    const { outcome, uploads } = end;
    try {
      if (job.handBack) {
        await sender.flush().catch(() => undefined);
        await client.release(agentId, a.lease);
      } else {
        const lastSeq = await sender.flush();
        // a replica that did not receive the uploads (the agent moved) gets them again first
        await persist(async () => {
          await uploadAgain({ client, agentId }, a.lease, uploads);
          await client.finish(agentId, a.lease, { lastSeq, ...outcome });
        });
      }
    } catch (err) {
      if (!isFencedOff(err))
        log.warn({ err: (err as Error).message, lease: a.lease }, "could not report the job's end");
      else log.warn({ lease: a.lease }, "the server no longer gives this job to this agent");
    } finally {
      await end.cleanup().catch((err) => log.warn({ err: (err as Error).message }, "could not remove a workspace"));
      running.delete(a.lease);
      wakeSlot();
    }
  };

  const heartbeats = async () => {
    let lastFailed = false;
    while (stops < 3 && (running.size > 0 || stops === 0)) {
      await sleep(heartbeatDelayMs(leaseMs, lastFailed));
      const sentAt = clock.now();
      lastFailed = true;
      try {
        // bounded well within the lease: a heartbeat hanging on a hung replica must fail in time for
        // the agent to move and heartbeat the next one before the lease ends (lease-timing.ts)
        const answer = await client.heartbeat(
          agentId,
          [...running.keys()],
          AbortSignal.timeout(heartbeatTimeoutMs(leaseMs)),
        );
        lastFailed = false;
        lastContact = sentAt;
        for (const id of [...answer.cancel, ...answer.drop]) running.get(id)?.controller.abort();
      } catch (err) {
        if (isFencedOff(err)) {
          log.warn("the server marked this agent lost: stopping its jobs and registering again");
          for (const j of running.values()) j.controller.abort();
          if (stops === 0)
            await register().catch((e) => log.error({ err: (e as Error).message }, "cannot register again"));
          continue;
        }
        log.warn({ err: (err as Error).message }, "heartbeat failed");
      }
      // Past the agent lease without an answer the server has given these jobs to others.
      if (clock.now() - lastContact > leaseMs && running.size > 0) {
        log.error("no answer from the server for the agent lease: stopping the running jobs");
        for (const j of running.values()) j.controller.abort();
      }
    }
  };

  const leaseLoop = async () => {
    let failures = 0;
    while (stops === 0) {
      if (running.size >= opts.concurrency) {
        await new Promise<void>((r) => {
          wakeSlot = r;
        });
        continue;
      }
      try {
        const a = await client.lease(agentId, opts.pollWaitMs, pollAbort.signal);
        failures = 0;
        if (a && stops === 0) void runJob(a);
        else if (a) {
          // Stopped while the answer was on its way: the job goes back at once.
          await client.release(agentId, a.lease).catch(() => undefined);
        }
      } catch (err) {
        if (stops > 0) break;
        if (isFencedOff(err)) await register();
        else if (isRefusal(err)) throw err;
        else {
          log.warn({ err: (err as Error).message }, "lease failed; retrying");
          await sleep(backoff(failures++, 250, 5000));
        }
      }
    }
  };

  const done = (async () => {
    await register();
    const beats = heartbeats();
    await leaseLoop();
    while (running.size > 0)
      await new Promise<void>((r) => {
        wakeSlot = r;
      });
    stops = 3;
    await client.deregister(agentId).catch((err) => log.warn({ err: (err as Error).message }, "deregister failed"));
    await beats.catch(() => undefined);
    log.info({ agentId }, "agent stopped");
  })();

  return {
    done,
    stop() {
      stops++;
      if (stops === 1) {
        log.info(
          { running: running.size },
          "draining: finishing the running jobs, leasing no more (stop again to hand them back)",
        );
        pollAbort.abort();
        wakeSlot();
        void client.drain(agentId).catch(() => undefined);
      } else if (stops === 2) {
        log.info({ running: running.size }, "handing the running jobs back");
        for (const j of running.values()) {
          j.handBack = true;
          j.controller.abort();
        }
      }
    },
  };
}
