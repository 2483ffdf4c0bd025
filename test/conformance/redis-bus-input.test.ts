/** The Redis bus reads what anyone on the channel publishes: malformed messages are skipped, never delivered. */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import type { BusMessage } from "../../src/events/index.js";
import { createRedisBus } from "../../src/events/redis/redis-bus.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const redisUp = await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379));

describe.runIf(redisUp)("Redis bus input", () => {
  it("skips unknown types, malformed payloads and non-messages with an error report, and goes on", async () => {
    const channel = `pitcrew:test:${process.pid}:${Math.random()}`;
    const errors: string[] = [];
    const bus = await createRedisBus("redis://127.0.0.1:6379", {
      channel,
      onError: (err) => errors.push(err instanceof Error ? err.message : String(err)),
    });
    const got: BusMessage[] = [];
    bus.subscribe((m) => got.push(m));
    const raw = new Redis("redis://127.0.0.1:6379");
    try {
      const event = (type: string, data: unknown) =>
        JSON.stringify({ kind: "event", event: { id: 1, type, subject: "run:1", data, at: 1 } });
      await raw.publish(channel, event("no.such.event", {}));
      await raw.publish(channel, event("run.finished", { runId: "one", status: 3 }));
      await raw.publish(channel, JSON.stringify({ kind: "log", log: { line: "no run" } }));
      await raw.publish(channel, "{not json");
      await raw.publish(channel, event("run.started", { runId: 7 }));
      const end = Date.now() + 3000;
      while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([
        { kind: "event", event: { id: 1, type: "run.started", subject: "run:1", data: { runId: 7 }, at: 1 } },
      ]);
      expect(errors).toHaveLength(4);
      expect(errors[0]).toContain("unknown event type 'no.such.event'");
      expect(errors[1]).toMatch(/malformed run\.finished payload \(runId: .*; projectId: .*\)/);
      expect(errors[2]).toContain("not a bus message");
    } finally {
      raw.disconnect();
      await bus.close();
    }
  });
});
