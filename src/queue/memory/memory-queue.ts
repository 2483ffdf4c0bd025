import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { DB } from "../../store/schema.js";
import type { ConsumeOptions, EnqueueOptions, JobQueue, QueueHandler, QueueItem } from "../job-queue.js";

/**
 * The embedded queue: items live in the store's `queue_items` table, so they survive a restart;
 * consumers in this process poll it (and are woken at once by local enqueues). Leases are
 * compare-and-set updates, so several pitcrew processes on one PostgreSQL also work.
 */
export function createMemoryQueue(db: Kysely<DB>, clock: Clock, log: Logger, pollMs = 250): JobQueue {
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
    await db
      .updateTable("queue_items")
      .set({ status: "queued", lease_owner: null, lease_expires_at: null, updated_at: now })
      .where("queue", "=", queue)
      .where("status", "=", "leased")
      .where("lease_expires_at", "<", now)
      .execute();
    const candidates = await db
      .selectFrom("queue_items")
      .selectAll()
      .where("queue", "=", queue)
      .where("status", "=", "queued")
      .where("run_after", "<=", now)
      .orderBy("run_after")
      .orderBy("id")
      .limit(20)
      .execute();
    for (const c of candidates) {
      const need = JSON.parse(c.labels) as string[];
      if (!need.every((l) => labels.includes(l))) continue;
      const res = await db
        .updateTable("queue_items")
        .set({
          status: "leased",
          lease_owner: owner,
          lease_expires_at: now + leaseMs,
          attempts: c.attempts + 1,
          updated_at: now,
        })
        .where("id", "=", c.id)
        .where("status", "=", "queued")
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return { ...c, attempts: c.attempts + 1 };
    }
    return undefined;
  }

  return {
    name: "memory",

    async enqueue(queue, payload, opts: EnqueueOptions = {}) {
      const now = clock.now();
      await db
        .insertInto("queue_items")
        .values({
          queue,
          dedupe_key: opts.dedupeKey ?? null,
          payload: JSON.stringify(payload),
          labels: JSON.stringify(opts.labels ?? []),
          status: "queued",
          lease_owner: null,
          lease_expires_at: null,
          attempts: 0,
          max_attempts: opts.maxAttempts ?? 1,
          run_after: opts.runAfter ?? now,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .execute();
      wakeAll();
    },

    consume<P>(queue: string, handler: QueueHandler<P>, opts: ConsumeOptions) {
      let active = 0;
      let timer: NodeJS.Timeout | undefined;
      let polling = false;
      const poll = async () => {
        if (closed || polling) return;
        polling = true;
        try {
          while (!closed && active < opts.concurrency) {
            const row = await claim(queue, opts.labels, opts.leaseMs);
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
                void db
                  .updateTable("queue_items")
                  .set({ lease_expires_at: clock.now() + opts.leaseMs })
                  .where("id", "=", row.id)
                  .where("lease_owner", "=", owner)
                  .execute()
                  .catch((err) => log.warn({ err }, "queue heartbeat failed"));
              },
              Math.max(50, Math.floor(opts.leaseMs / 3)),
            );
            const done = (async () => {
              try {
                await handler(item, { signal: controller.signal });
                await db.deleteFrom("queue_items").where("id", "=", row.id).execute();
              } catch (err) {
                const retry = row.attempts < row.max_attempts;
                await db
                  .updateTable("queue_items")
                  .set({
                    status: retry ? "queued" : "failed",
                    lease_owner: null,
                    lease_expires_at: null,
                    run_after: clock.now() + (retry ? 1000 * 2 ** (row.attempts - 1) : 0),
                    last_error: String(err instanceof Error ? (err.stack ?? err.message) : err).slice(0, 4000),
                    updated_at: clock.now(),
                  })
                  .where("id", "=", row.id)
                  .execute();
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
          if (!closed) timer = setTimeout(tick, pollMs);
        });
      };
      wakers.add(() => void poll());
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
      const res = await db
        .deleteFrom("queue_items")
        .where("dedupe_key", "=", dedupeKey)
        .where("status", "=", "queued")
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async stats(queue) {
      const rows = await db
        .selectFrom("queue_items")
        .select(["status", (eb) => eb.fn.countAll().as("n")])
        .where("queue", "=", queue)
        .groupBy("status")
        .execute();
      const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { queued: n("queued"), leased: n("leased"), failed: n("failed") };
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
