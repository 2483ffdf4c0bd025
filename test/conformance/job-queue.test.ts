import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createMemoryQueue } from "../../src/queue/memory/memory-queue.js";
import { QueueItemsRepo } from "../../src/store/index.js";
import { testDialects } from "../support/databases.js";
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
