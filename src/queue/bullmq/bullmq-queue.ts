import { randomUUID } from "node:crypto";
import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { ValidationError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { ConsumeOptions, EnqueueOptions, JobQueue, QueueHandler, QueueItem } from "../job-queue.js";
import { jobIdForKey, labelSetQueueName, labelsMatch, normalizeLabels } from "./label-sets.js";
import { watchRedis } from "../../common/redis-reachability.js";

/** Options of the BullMQ driver. */
export interface BullmqQueueOptions {
  /** Key prefix of every Redis key the queue writes (isolates installations and test runs). */
  prefix?: string;
  /** How often idle consumers look for due work besides being woken by enqueues (ms). */
  pollMs?: number;
}

/** What an item carries inside its BullMQ job. */
interface JobData {
  payload: unknown;
  labels: string[];
  dedupeKey: string | null;
}

/** Retries wait 1 s, 2 s, 4 s, … like the embedded queue. */
const BACKOFF = { type: "exponential", delay: 1000 } as const;
/** A lease that expires puts the item back, however often (a crash is not the item's fault). */
const MAX_STALLS = 1_000_000;

/**
 * The scale-out queue on Redis through BullMQ. Each (queue, label set) is one BullMQ queue; a
 * consumer fetches jobs manually from the label sets it matches so its concurrency bound covers
 * all of them, renews each job's lock (the lease) every `leaseMs / 3`, and BullMQ's stalled-job
 * check hands an expired lease to another consumer. Enqueues and cancels are announced on Redis
 * pub/sub so consumers on other machines react at once; `pollMs` covers delayed items.
 */
export async function createBullmqQueue(
  redisUrl: string,
  log: Logger,
  opts: BullmqQueueOptions = {},
): Promise<JobQueue> {
  const prefix = opts.prefix ?? "pitcrew";
  const pollMs = opts.pollMs ?? 250;
  const redisOpts = { maxRetriesPerRequest: null, lazyConnect: true } as const;
  const conn = new Redis(redisUrl, redisOpts);
  const sub = new Redis(redisUrl, redisOpts);
  // while Redis is away its outage is logged once (common/redis-reachability.ts), not each failed call
  const fail = (what: string) => (err: unknown) => {
    if (reach.up()) log.warn({ err }, `bullmq queue: ${what}`);
  };
  // an outage is logged once, when it starts and when it ends (common/redis-reachability.ts)
  const reach = watchRedis(conn, redisUrl, log, {
    area: "queue",
    meanwhile: "no job is taken or queued until it is back, triggered runs wait as queued",
  });
  sub.on("error", () => undefined);
  await conn.connect();
  await sub.connect();
  const queuesKey = `${prefix}:pitcrew:queues`;
  const labelSetsKey = (queue: string) => `${prefix}:pitcrew:labelsets:${queue}`;
  const wakeChannel = `${prefix}:pitcrew:wake`;
  const cancelChannel = `${prefix}:pitcrew:cancel`;

  const queues = new Map<string, Queue>();
  const bullQueue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: conn, prefix });
      q.on("error", fail(`queue ${name} error`));
      queues.set(name, q);
    }
    return q;
  };
  /** Every BullMQ queue (with its label set) that belongs to pitcrew queue `queue`. */
  const labelSets = async (queue: string) =>
    (await conn.smembers(labelSetsKey(queue))).map((s) => {
      const labels = JSON.parse(s) as string[];
      return { labels, name: labelSetQueueName(queue, labels) };
    });

  const running = new Map<string, { controller: AbortController; done: Promise<void>; cancelled: boolean }>();
  const wakers = new Set<() => void>();
  const closers: Array<() => Promise<void>> = [];
  let closed = false;
  const abortLocal = (jobId: string) => {
    const r = running.get(jobId);
    if (!r) return false;
    r.cancelled = true;
    r.controller.abort(new Error("cancelled"));
    return true;
  };
  sub.on("message", (channel, message) => {
    if (channel === cancelChannel) abortLocal(message);
    else for (const w of wakers) w();
  });
  await sub.subscribe(wakeChannel, cancelChannel);

  const checkQueueName = (queue: string) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(queue))
      throw new ValidationError(`queue name '${queue}' must match [A-Za-z0-9_-]{1,64}`);
  };

  /** Adds an item (see `enqueue`). */
  const add = async (queue: string, payload: unknown, o: EnqueueOptions) => {
    const labels = normalizeLabels(o.labels ?? []);
    await conn.sadd(queuesKey, queue);
    await conn.sadd(labelSetsKey(queue), JSON.stringify(labels));
    const data: JobData = { payload, labels, dedupeKey: o.dedupeKey ?? null };
    const q = bullQueue(labelSetQueueName(queue, labels));
    const jobId = o.dedupeKey === undefined ? undefined : jobIdForKey(o.dedupeKey);
    // a failed item (kept for inspection) must not dedupe a new one away: it is replaced
    if (jobId !== undefined) {
      const old = await q.getJob(jobId);
      if (old && (await old.isFailed())) await old.remove().catch(() => undefined);
    }
    await q.add(queue, data, {
      jobId,
      delay: Math.max(0, (o.runAfter ?? 0) - Date.now()),
      attempts: o.maxAttempts ?? 1,
      backoff: BACKOFF,
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
    await conn.publish(wakeChannel, queue);
  };

  /** Removes the waiting item `jobId` or announces its cancel to the consumer running it (see `cancel`). */
  const cancelStored = async (jobId: string) => {
    for (const queue of await conn.smembers(queuesKey)) {
      for (const set of await labelSets(queue)) {
        const job = await bullQueue(set.name).getJob(jobId);
        if (!job) continue;
        const state = await job.getState();
        if (state === "active") {
          await conn.publish(cancelChannel, jobId);
          return true;
        }
        if (state === "waiting" || state === "delayed" || state === "prioritized") {
          await job.remove();
          return true;
        }
      }
    }
    return false;
  };

  return {
    name: "bullmq",

    async enqueue(queue, payload, o: EnqueueOptions = {}) {
      checkQueueName(queue);
      await reach.guard(() => add(queue, payload, o));
    },

    consume<P>(queue: string, handler: QueueHandler<P>, c: ConsumeOptions) {
      checkQueueName(queue);
      const workers = new Map<string, Worker>();
      const worker = (name: string) => {
        let w = workers.get(name);
        if (!w) {
          w = new Worker(name, null, {
            connection: conn,
            prefix,
            autorun: false,
            lockDuration: c.leaseMs,
            stalledInterval: Math.max(100, Math.floor(c.leaseMs / 2)),
            maxStalledCount: MAX_STALLS,
          });
          w.on("error", fail(`worker ${name} error`));
          void w.startStalledCheckTimer().catch(fail("stalled check failed to start"));
          workers.set(name, w);
        }
        return w;
      };
      let active = 0;
      let polling = false;
      let again = false;
      let timer: NodeJS.Timeout | undefined;

      const run = (job: Job, token: string) => {
        const data = job.data as JobData;
        const item: QueueItem<P> = {
          id: String(job.id),
          queue,
          payload: data.payload as P,
          attempt: job.attemptsMade + 1,
          labels: data.labels,
        };
        const controller = new AbortController();
        const beat = setInterval(
          () => void job.extendLock(token, c.leaseMs).catch(fail("lease heartbeat failed")),
          Math.max(50, Math.floor(c.leaseMs / 3)),
        );
        const entry = { controller, cancelled: false, done: Promise.resolve() };
        entry.done = (async () => {
          try {
            await handler(item, { signal: controller.signal });
            await job.moveToCompleted(null, token, false);
          } catch (err) {
            const e = err instanceof Error ? err : new Error(String(err));
            await job
              .moveToFailed(entry.cancelled ? new UnrecoverableError(`cancelled: ${e.message}`) : e, token, false)
              .catch(fail("could not record a failed attempt"));
            log.error({ err, queue, item: job.id }, "queue handler failed");
          } finally {
            clearInterval(beat);
            running.delete(String(job.id));
            active--;
            setImmediate(() => void poll());
          }
        })();
        running.set(String(job.id), entry);
      };

      const stopped = () => closed || c.signal?.aborted === true;
      const poll = async (): Promise<void> => {
        if (stopped()) return;
        if (polling) {
          again = true;
          return;
        }
        polling = true;
        try {
          do {
            again = false;
            for (const set of await labelSets(queue)) {
              if (!labelsMatch(set.labels, c.labels)) continue;
              while (!stopped() && active < c.concurrency) {
                const token = randomUUID();
                const job = await worker(set.name).getNextJob(token, { block: false });
                if (!job) break;
                active++;
                run(job, token);
              }
            }
          } while (again && !stopped() && active < c.concurrency);
        } catch (err) {
          if (!closed && reach.up()) log.error({ err, queue }, "queue poll failed");
        } finally {
          polling = false;
        }
      };
      const tick = () => {
        void poll().finally(() => {
          if (!stopped()) timer = setTimeout(tick, pollMs);
        });
      };
      const wake = () => void poll();
      wakers.add(wake);
      c.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        wakers.delete(wake);
      });
      tick();
      closers.push(async () => {
        clearTimeout(timer);
        await Promise.allSettled([...workers.values()].map((w) => w.close(true)));
      });
    },

    async cancel(dedupeKey) {
      const jobId = jobIdForKey(dedupeKey);
      if (abortLocal(jobId)) return true;
      return reach.guard(() => cancelStored(jobId));
    },

    stats(queue) {
      return reach.guard(async () => {
        const total = { queued: 0, leased: 0, failed: 0 };
        for (const set of await labelSets(queue)) {
          const n = await bullQueue(set.name).getJobCounts("waiting", "delayed", "prioritized", "active", "failed");
          total.queued += (n.waiting ?? 0) + (n.delayed ?? 0) + (n.prioritized ?? 0);
          total.leased += n.active ?? 0;
          total.failed += n.failed ?? 0;
        }
        return total;
      });
    },

    health: () => reach.health(),

    async close() {
      if (closed) return;
      closed = true;
      wakers.clear();
      for (const r of running.values()) r.controller.abort(new Error("queue closing"));
      await Promise.allSettled([...running.values()].map((r) => r.done));
      for (const close of closers) await close();
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      sub.disconnect();
      reach.closing();
      await conn.quit().catch(() => conn.disconnect());
    },
  };
}
