/**
 * BullMQ driver: a consumer process killed with -9 while holding an item loses it when its lease
 * expires, and a consumer elsewhere runs it (real Redis, real second process).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { createBullmqQueue } from "../../src/queue/bullmq/bullmq-queue.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const STUCK = resolve(import.meta.dirname, "../fixtures/queue/stuck-consumer.ts");
const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;
const hasRedis = await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379));

describe.skipIf(!hasRedis)("bullmq queue leases", () => {
  afterAll(() => deleteRedisKeys(REDIS_URL, `${prefix}:*`));

  it("gives a kill -9'd consumer's item to another consumer after the lease expires", async () => {
    const queue = await createBullmqQueue(REDIS_URL, silentLogger(), { prefix, pollMs: 50 });
    await queue.enqueue("q", { n: 1 }, { dedupeKey: "only" });
    const child = spawn(process.execPath, ["--import", "tsx", STUCK, REDIS_URL, prefix], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const leased = await new Promise<string>((res, rej) => {
      child.stdout.on("data", (d: Buffer) => {
        const m = /leased (\S+)/.exec(String(d));
        if (m) res(m[1]!);
      });
      child.once("exit", (code) => rej(new Error(`consumer exited early (${code})`)));
    });
    expect((await queue.stats("q")).leased).toBe(1);
    child.kill("SIGKILL");
    const killedAt = Date.now();
    const got = await new Promise<{ id: string; attempt: number }>((res) => {
      queue.consume("q", async (item) => res({ id: item.id, attempt: item.attempt }), {
        concurrency: 1,
        labels: [],
        leaseMs: 1500,
      });
    });
    expect(got.id).toBe(leased);
    // Lock 1.5 s plus one stalled-check interval (0.75 s) plus polling; 10 s leaves room for a loaded CI.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await queue.close();
  }, 20_000);
});
