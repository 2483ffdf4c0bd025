/**
 * Queue dispatch rate: N trivial items through 4 consumers (4 queue instances, each with its own
 * connections, concurrency 4), BullMQ on Redis vs the embedded queue on SQLite (baseline, same
 * run). Needs Redis at PITCREW_BENCH_REDIS_URL (default redis://127.0.0.1:6379).
 * This measures the queue only: `pitcrew agent` does not exist yet (see bench/README.md).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createBullmqQueue } from "../../src/queue/bullmq/bullmq-queue.js";
import { createMemoryQueue, type JobQueue } from "../../src/queue/index.js";
import { createStore, migrateToLatest, openDatabase } from "../../src/store/index.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { deleteRedisKeys } from "../../test/support/redis.js";

const ITEMS = Number(process.env.PITCREW_BENCH_ITEMS ?? 2000);
const REDIS = process.env.PITCREW_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

async function measure(name: string, consumers: JobQueue[]): Promise<number> {
  let done = 0;
  let finish: () => void = () => {};
  const all = new Promise<void>((r) => (finish = r));
  for (const q of consumers) {
    q.consume(
      "bench",
      async () => {
        if (++done === ITEMS) finish();
      },
      { concurrency: 4, labels: [], leaseMs: 30_000 },
    );
  }
  const start = performance.now();
  for (let i = 0; i < ITEMS; i++) await consumers[i % consumers.length]!.enqueue("bench", { i });
  await all;
  const rate = ITEMS / ((performance.now() - start) / 1000);
  console.log(
    `${name}: ${ITEMS} items in ${((performance.now() - start) / 1000).toFixed(2)} s = ${rate.toFixed(0)} items/s`,
  );
  for (const q of consumers) await q.close();
  return rate;
}

const dir = mkdtempSync(join(tmpdir(), "pitcrew-bench-scale-"));
const database = await openDatabase(join(dir, "bench.db"));
await migrateToLatest(database.db);
const store = createStore(database, systemClock, createSecretBox(randomBytes(32)));
const memory = await measure(
  "embedded queue (SQLite)",
  [0, 1, 2, 3].map(() => createMemoryQueue(store.queueItems, systemClock, silentLogger())),
);
await database.close();
rmSync(dir, { recursive: true, force: true });

const prefix = `pitcrew-bench-${process.pid}`;
const bull = await measure(
  "bullmq (Redis)",
  await Promise.all([0, 1, 2, 3].map(() => createBullmqQueue(REDIS, silentLogger(), { prefix }))),
);
await deleteRedisKeys(REDIS, `${prefix}:*`);
console.log(`bullmq / embedded: ${(bull / memory).toFixed(2)}x`);
