import { createMemoryBus } from "../../src/events/memory/memory-bus.js";
import { createRedisBus } from "../../src/events/redis/redis-bus.js";
import { isReachable, serviceAvailable } from "../support/services.js";
import { runBusConformance } from "./bus.conformance.js";

runBusConformance("memory", async () => createMemoryBus());

if (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379))) {
  runBusConformance("redis", () =>
    createRedisBus("redis://127.0.0.1:6379", { channel: `pitcrew:test:${process.pid}:${Math.random()}` }),
  );
}
