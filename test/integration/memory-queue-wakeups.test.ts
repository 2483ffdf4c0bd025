/**
 * The embedded queue wakes its consumers only for an item it stored: the run scheduler enqueues
 * every waiting job again on each pass (deduplicated), and waking every consumer for each of those
 * made each one query the store for nothing (the agent hub's consumers hold free slots for the
 * scheduler's window: 103 queue claims per job dispatched to 4 agents, 9 without the duplicates).
 */
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createMemoryQueue } from "../../src/queue/memory/memory-queue.js";
import { QueueItemsRepo } from "../../src/store/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { until } from "../support/serve-process.js";

/** The real repository, counting how often consumers look for due items. */
class CountingItems extends QueueItemsRepo {
  dueCalls = 0;
  override async due(queue: string, now: number, limit: number) {
    this.dueCalls++;
    return super.due(queue, now, limit);
  }
}

for (const [dialect, make] of await testDialects()) {
  describe(`embedded queue wake-ups (${dialect})`, () => {
    let tdb: TestDatabase | undefined;
    afterEach(async () => {
      await tdb?.dispose();
    });

    it("stores a duplicate dedupe key once and answers whether it stored the item", async () => {
      tdb = await make();
      const items = new QueueItemsRepo(tdb.database.db);
      const item = { queue: "q", dedupeKey: "k", payload: "{}", labels: "[]", maxAttempts: 1, runAfter: 0 };
      expect(await items.insert(item, 1)).toBe(true);
      expect(await items.insert(item, 2)).toBe(false);
      expect((await items.counts("q")).queued).toBe(1);
    });

    it("wakes consumers for a new item, not for a duplicate of a held one", async () => {
      tdb = await make();
      const items = new CountingItems(tdb.database.db);
      // a poll interval far beyond the test: only wake-ups make the consumer look
      const queue = createMemoryQueue(items, systemClock, silentLogger(), 600_000);
      const taken: unknown[] = [];
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      queue.consume(
        "q",
        async (item) => {
          taken.push(item.payload);
          await held;
        },
        { concurrency: 8, labels: [], leaseMs: 600_000 },
      );
      await queue.enqueue("q", { n: 1 }, { dedupeKey: "job-1" });
      await until(async () => taken.length === 1, 10_000, "the first item taken");
      const before = items.dueCalls;
      for (let i = 0; i < 20; i++) await queue.enqueue("q", { n: 1 }, { dedupeKey: "job-1" });
      await new Promise((r) => setTimeout(r, 100));
      expect(items.dueCalls).toBe(before);
      await queue.enqueue("q", { n: 2 }, { dedupeKey: "job-2" });
      await until(async () => taken.length === 2, 10_000, "the second item taken");
      expect(taken).toEqual([{ n: 1 }, { n: 2 }]);
      release();
      await queue.close();
    });
  });
}
