import { randomBytes } from "node:crypto";
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { QueueItemsRepo } from "../../store/index.js";
import type { ConsumeOptions, EnqueueOptions, JobQueue, QueueHandler, QueueItem } from "../job-queue.js";

/**
 * The embedded queue: items live in the store's `queue_items` table, so they survive a restart;
 * consumers in this process poll it (and are woken at once by local enqueues). Leases are
 * compare-and-set updates, so several pitcrew processes on one PostgreSQL also work.
 */
export function createMemoryQueue(items: QueueItemsRepo, clock: Clock, log: Logger, pollMs = 250): JobQueue {
  const owner = `proc_${process.pid}_${randomBytes(4).toString("hex")}`;
  const running = new Map<string, { controller: AbortController; done: Promise<void>; dedupeKey: string | null }>();
  const wakers = new Set<() => void>();
  const closers: Array<() => void> = [];
  let closed = false;

  const wakeAll = () => {
    for (const w of wakers) w();
  };

  async function claim(queue: string, labels: string[], leaseMs: number) {
    const now = clock.now();
    // Give back items whose lease expired (a crashed or stuck consumer).
    await items.releaseExpired(queue, now);
    for (const c of await items.due(queue, now, 20)) {
      const need = JSON.parse(c.labels) as string[];
      if (!need.every((l) => labels.includes(l))) continue;
      if (await items.lease(c, owner, now + leaseMs, now)) return { ...c, attempts: c.attempts + 1 };
    }
    return undefined;
  }

  return {
    name: "memory",

    async enqueue(queue, payload, opts: EnqueueOptions = {}) {
      const now = clock.now();
      const stored = await items.insert(
        {
          queue,
          dedupeKey: opts.dedupeKey ?? null,
          payload: JSON.stringify(payload),
          labels: JSON.stringify(opts.labels ?? []),
          maxAttempts: opts.maxAttempts ?? 1,
          runAfter: opts.runAfter ?? now,
        },
        now,
      );
      // a duplicate (the run scheduler enqueues every waiting job on each pass) has nothing new to
      // take: waking every consumer for it made each of them query the queue for nothing
      if (stored) wakeAll();
    },

    consume<P>(queue: string, handler: QueueHandler<P>, opts: ConsumeOptions) {
      let active = 0;
      let timer: NodeJS.Timeout | undefined;
      let polling = false;
      /** A wake-up came during a poll that may have looked before the new item was stored. */
      let pollAgain = false;
      const stopped = () => closed || opts.signal?.aborted === true;
      const poll = async () => {
        if (stopped()) return;
        if (polling) {
          pollAgain = true;
          return;
        }
        polling = true;
        pollAgain = false;
        try {
          while (!stopped() && active < opts.concurrency) {
            const row = await claim(queue, opts.labels, opts.leaseMs);
            if (!row && pollAgain) {
              pollAgain = false;
              continue;
            }
            if (!row) break;
            active++;
            const item: QueueItem<P> = {
              id: String(row.id),
              queue,
              payload: JSON.parse(row.payload) as P,
              attempt: row.attempts,
              labels: JSON.parse(row.labels),
            };
            const controller = new AbortController();
            const beat = setInterval(
              () => {
                void items
                  .heartbeat(row.id, owner, clock.now() + opts.leaseMs)
                  .catch((err) => log.warn({ err }, "queue heartbeat failed"));
              },
              Math.max(50, Math.floor(opts.leaseMs / 3)),
            );
            const done = (async () => {
              try {
                await handler(item, { signal: controller.signal });
                await items.remove(row.id);
              } catch (err) {
                const retry = row.attempts < row.max_attempts;
                await items.fail(row.id, {
                  retry,
                  runAfter: clock.now() + (retry ? 1000 * 2 ** (row.attempts - 1) : 0),
                  error: String(err instanceof Error ? (err.stack ?? err.message) : err).slice(0, 4000),
                  now: clock.now(),
                });
                log.error({ err, queue, item: row.id }, "queue handler failed");
              } finally {
                clearInterval(beat);
                running.delete(String(row.id));
                active--;
                setImmediate(() => void poll());
              }
            })();
            running.set(String(row.id), { controller, done, dedupeKey: row.dedupe_key });
          }
        } catch (err) {
          if (!closed) log.error({ err, queue }, "queue poll failed");
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
      opts.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        wakers.delete(wake);
      });
      tick();
      closers.push(() => clearTimeout(timer));
    },

    async cancel(dedupeKey) {
      for (const r of running.values()) {
        if (r.dedupeKey === dedupeKey) {
          r.controller.abort(new Error("cancelled"));
          return true;
        }
      }
      return items.removeQueued(dedupeKey);
    },

    async stats(queue) {
      return items.counts(queue);
    },

    async health() {
      // the store is the queue: its reachability is reported as the store's
      return { ok: true };
    },

    async close() {
      closed = true;
      for (const c of closers) c();
      wakers.clear();
      for (const r of running.values()) r.controller.abort(new Error("queue closing"));
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}
