/**
 * Cancelling a run while the queue's Redis is away (a real `pitcrew serve`, PostgreSQL store,
 * BullMQ queue and Redis bus on a private `redis-server` killed with SIGKILL), sent to a replica
 * that runs no jobs: the cancel is stored, so it answers as a success, and the job running on the
 * other replica stops anyway (its worker reads the cancel from the store on its lease heartbeat,
 * the queue's cancel message being lost).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { createRepo } from "../support/git-repo.js";
import { type RedisProcess, startRedisProcess } from "../support/redis-process.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const ready = HAS_DIST && (await postgresAvailable());

const pipeline = [
  "jobs:",
  "  slow:",
  "    steps:",
  "      - run: for i in $(seq 1 200); do echo line $i; sleep 0.2; done",
  "  second:",
  "    needs: [slow]",
  "    steps:",
  "      - run: echo second",
  "",
].join("\n");

describe.skipIf(!ready)("cancelling a run while the queue's Redis is away", () => {
  let db: TestDatabase;
  let redis: RedisProcess;
  let serve: ServeProcess;
  let front: ServeProcess;
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    redis = await startRedisProcess();
    const config = {
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: redis.url, lease: "2s", concurrency: 1 },
      bus: { driver: "redis", redis_url: redis.url },
    };
    serve = await startServe(config);
    front = await startServe(
      { ...config, runner: { local: false } },
      { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: serve.token },
    );
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await serve.api("POST", "/api/projects", { body: { name: "c", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await front?.stop();
    await serve?.stop();
    await redis?.stop();
    await db?.dispose();
  });

  it("answers success and stops the running job from the store", async () => {
    const run = (await serve.api("POST", "/api/projects/c/runs", { body: {} })).body;
    const jobs = async () => (await serve.api("GET", `/api/runs/${run.id}`)).body.jobs as any[];
    const lines = async () =>
      ((await serve.api("GET", `/api/runs/${run.id}/logs`)).body.jobs[0]?.lines ?? []) as { line: string }[];
    await until(async () => (await lines()).some((l) => l.line === "line 3"), 30_000, "the slow job's first lines");
    await redis.signal("SIGKILL");
    try {
      const cancel = await front.api("POST", `/api/runs/${run.id}/cancel`, { body: {} });
      expect(cancel.status).toBeLessThan(300);
      expect((await serve.api("GET", `/api/runs/${run.id}`)).body.status).toBe("cancelled");
      // the job (40 s of steps) stops while Redis is still away
      await until(
        async () => (await jobs()).every((j) => j.status !== "running" && j.status !== "queued"),
        15_000,
        "the running job to stop",
      );
      expect((await jobs()).map((j) => [j.key, j.status]).sort()).toEqual([
        ["second", "cancelled"],
        ["slow", "cancelled"],
      ]);
    } finally {
      await redis.revive();
    }
  }, 90_000);
});
