import { randomBytes } from "node:crypto";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createBullmqQueue } from "../../src/queue/bullmq/bullmq-queue.js";
import { createMemoryQueue } from "../../src/queue/memory/memory-queue.js";
import { QueueItemsRepo } from "../../src/store/index.js";
import { testDialects } from "../support/databases.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { isReachable, serviceAvailable } from "../support/services.js";
import { runJobQueueConformance } from "./job-queue.conformance.js";

for (const [dialect, make] of await testDialects()) {
  runJobQueueConformance(`memory (store on ${dialect})`, async () => {
    const tdb = await make();
    return {
      queue: createMemoryQueue(new QueueItemsRepo(tdb.database.db), systemClock, silentLogger(), 50),
      dispose: tdb.dispose,
    };
  });
}

if (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379))) {
  runJobQueueConformance("bullmq (Redis)", async () => {
    const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;
    return {
      queue: await createBullmqQueue(REDIS_URL, silentLogger(), { prefix, pollMs: 50 }),
      dispose: () => deleteRedisKeys(REDIS_URL, `${prefix}:*`),
    };
  });
}
