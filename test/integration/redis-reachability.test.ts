/**
 * What the server logs about its Redis connections, on a private `redis-server`: the Redis bus
 * says an outage once when it starts and once when it ends (not a line per failed publish), and
 * neither the bus nor the queue calls its own clean close an outage.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisBus } from "../../src/events/redis/redis-bus.js";
import { createBullmqQueue } from "../../src/queue/bullmq/bullmq-queue.js";
import { type RedisProcess, startRedisProcess } from "../support/redis-process.js";
import { until } from "../support/serve-process.js";

/** A real pino logger whose lines are kept in `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
  return { log, lines, said: (re: RegExp) => lines.filter((l) => re.test(l)).length };
}

describe("Redis reachability in the log", () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedisProcess();
  }, 30_000);
  afterAll(() => redis?.stop());

  it("says a bus outage once when it starts and once when it ends", async () => {
    const { log, lines, said } = capturingLogger();
    const failures: unknown[] = [];
    const bus = await createRedisBus(redis.url, { log, onError: (err) => failures.push(err) });
    try {
      await redis.signal("SIGKILL");
      for (let i = 1; i <= 30; i++) {
        bus.publish({
          kind: "event",
          event: { id: i, type: "run.started", subject: `run:${i}`, data: { runId: i }, at: i },
        });
        await new Promise((r) => setTimeout(r, 100));
      }
      await redis.revive();
      await until(async () => said(/bus: Redis at .* is back after/) === 1, 20_000, "the bus to say Redis is back");
      expect(said(/bus: Redis at 127\.0\.0\.1:\d+ is unreachable/)).toBe(1);
      expect(failures).toEqual([]);
      expect(lines.length).toBeLessThan(5);
    } finally {
      await bus.close();
    }
  }, 60_000);

  it("does not call a clean close of the bus or the queue an outage", async () => {
    const { log, lines } = capturingLogger();
    const bus = await createRedisBus(redis.url, { log });
    const queue = await createBullmqQueue(redis.url, log, { prefix: `reach-${process.pid}` });
    expect((await queue.health()).ok).toBe(true);
    await queue.close();
    await bus.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(lines.filter((l) => /unreachable/.test(l))).toEqual([]);
  }, 30_000);
});
