/**
 * A queue item that failed (its attempts spent) does not keep its dedupe key: adding the same
 * key again (the requeue pass re-adding a job whose item failed) queues a new item, which runs.
 * Every driver: the embedded queue on SQLite and PostgreSQL, BullMQ on the real Redis.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createBullmqQueue } from "../../src/queue/bullmq/bullmq-queue.js";
import type { JobQueue } from "../../src/queue/index.js";
import { createMemoryQueue } from "../../src/queue/memory/memory-queue.js";
import { QueueItemsRepo } from "../../src/store/index.js";
import { testDialects } from "../support/databases.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { until } from "../support/serve-process.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const drivers: Array<[string, () => Promise<{ queue: JobQueue; dispose: () => Promise<unknown> }>]> = [];
for (const [dialect, make] of await testDialects()) {
  drivers.push([
    `memory (store on ${dialect})`,
    async () => {
      const tdb = await make();
      const queue = createMemoryQueue(new QueueItemsRepo(tdb.database.db), systemClock, silentLogger(), 50);
      return { queue, dispose: tdb.dispose };
    },
  ]);
}
if (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379))) {
  const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;
  drivers.push([
    "bullmq (Redis)",
    async () => {
      const queue = await createBullmqQueue(REDIS_URL, silentLogger(), { prefix, pollMs: 50 });
      return { queue, dispose: () => deleteRedisKeys(REDIS_URL, `${prefix}:*`) };
    },
  ]);
}

for (const [name, make] of drivers) {
  describe(`${name}: re-adding a failed item`, () => {
    let made: Awaited<ReturnType<typeof make>> | undefined;
    afterAll(async () => {
      await made?.queue.close();
      await made?.dispose();
    });

    it("queues the same dedupe key again once its item has failed, and runs it", async () => {
      made = await make();
      const { queue } = made;
      const seen: number[] = [];
      queue.consume<{ n: number }>(
        "readd",
        async (item) => {
          seen.push(item.payload.n);
          if (item.payload.n === 1) throw new Error("first item fails");
        },
        { concurrency: 1, labels: [], leaseMs: 5000 },
      );
      await queue.enqueue("readd", { n: 1 }, { dedupeKey: "job-7-1", maxAttempts: 1 });
      await until(async () => (await queue.stats("readd")).failed === 1, 20_000, "the item to fail");
      await queue.enqueue("readd", { n: 2 }, { dedupeKey: "job-7-1", maxAttempts: 1 });
      await until(async () => seen.includes(2), 20_000, "the re-added item to run");
      expect(seen).toEqual([1, 2]);
      await until(
        async () => {
          const s = await queue.stats("readd");
          return s.queued === 0 && s.leased === 0 && s.failed === 0;
        },
        20_000,
        "the queue to be empty",
      );
      // while an item exists (not failed), the key still dedupes
      await queue.enqueue("readd", { n: 3 }, { dedupeKey: "job-8-1", runAfter: Date.now() + 60_000 });
      await queue.enqueue("readd", { n: 4 }, { dedupeKey: "job-8-1", runAfter: Date.now() + 60_000 });
      expect((await queue.stats("readd")).queued).toBe(1);
    }, 60_000);
  });
}
