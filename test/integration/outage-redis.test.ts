/**
 * Redis going away and coming back under a real `pitcrew serve` (PostgreSQL store, BullMQ queue
 * and Redis bus on a private `redis-server`): while a job runs and others wait in the queue,
 * Redis is killed with SIGKILL (or frozen with SIGSTOP) for longer than the queue lease, then
 * brought back on the same port and data. Nothing is lost (every job succeeds, every log line
 * is stored once, in order), nothing runs twice (one attempt per job, each step once), the
 * server says what is wrong while Redis is away (`/healthz`), and work resumes by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { createRepo } from "../support/git-repo.js";
import { type RedisProcess, startRedisProcess } from "../support/redis-process.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const ready = HAS_DIST && (await postgresAvailable());
const LINES = 30;
/** Away for this long: longer than the queue lease (2 s), so every Redis lock expires meanwhile. */
const AWAY_MS = 5000;

const pipeline = [
  "jobs:",
  "  slow:",
  "    steps:",
  `      - run: for i in $(seq 1 ${LINES}); do echo "line $i"; sleep 0.2; done`,
  "  second:",
  "    steps:",
  '      - run: echo "second done"',
  "  third:",
  "    steps:",
  '      - run: echo "third done"',
  "",
].join("\n");

describe.skipIf(!ready)("Redis (queue and bus) going away and coming back", () => {
  let db: TestDatabase;
  let redis: RedisProcess;
  let serve: ServeProcess;
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    redis = await startRedisProcess();
    serve = await startServe({
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: redis.url, lease: "2s", concurrency: 1 },
      bus: { driver: "redis", redis_url: redis.url },
      runner: { orphaned_jobs: "retry" },
    });
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await serve.api("POST", "/api/projects", { body: { name: "outage", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await redis?.stop();
    await db?.dispose();
  });

  /** Lines stored for the running `slow` job so far. */
  const storedLines = async (runId: number) =>
    db.database.db
      .selectFrom("log_lines")
      .innerJoin("jobs", "jobs.id", "log_lines.job_id")
      .select(["log_lines.line", "log_lines.attempt"])
      .where("jobs.run_id", "=", runId)
      .where("jobs.key", "=", "slow")
      .where("log_lines.stream", "!=", "system")
      .orderBy("log_lines.seq")
      .execute();

  /** Takes Redis away with `signal` (SIGKILL or SIGSTOP) for AWAY_MS while a run is in flight, then brings it back. */
  async function outage(signal: NodeJS.Signals) {
    const run = (await serve.api("POST", "/api/projects/outage/runs", { body: {} })).body;
    await until(async () => (await storedLines(run.id)).length >= 3, 30_000, "the slow job's first lines");
    let second: { status: number; body: any };
    let health: any;
    let metrics: { status: number; body: any } | undefined;
    await redis.signal(signal);
    const back = Date.now() + AWAY_MS;
    try {
      // a run triggered while Redis is away is accepted (persisted, queued once Redis is back)
      second = await serve.api("POST", "/api/projects/outage/runs", { body: {} });
      health = await until(
        async () => {
          const h = (await serve.api("GET", "/healthz")).body;
          return h?.queue?.ok === false ? h : undefined;
        },
        AWAY_MS,
        "/healthz to report the queue unreachable",
      ).catch(async () => (await serve.api("GET", "/healthz")).body);
      metrics = await serve.api("GET", "/metrics");
      await new Promise((r) => setTimeout(r, Math.max(0, back - Date.now())));
    } finally {
      await redis.revive();
    }
    expect(second.status).toBe(201);
    const runs = [run.id as number, second.body.id as number];
    for (const id of runs) expect((await serve.waitForRun(id, 60_000)).status).toBe("success");
    // nothing ran twice: one attempt per job, each step once
    for (const id of runs) {
      const jobs = await db.database.db.selectFrom("jobs").selectAll().where("run_id", "=", id).execute();
      expect(jobs.map((j) => [j.key, j.status, j.attempt]).sort()).toEqual([
        ["second", "success", 1],
        ["slow", "success", 1],
        ["third", "success", 1],
      ]);
      const steps = await db.database.db
        .selectFrom("steps")
        .select("status")
        .where(
          "job_id",
          "in",
          jobs.map((j) => j.id),
        )
        .execute();
      expect(steps.map((s) => s.status)).toEqual(["success", "success", "success"]);
    }
    // nothing lost: every line of the job running through the outage, once, in order
    const lines = await storedLines(run.id);
    expect(lines.map((l) => l.line)).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
    // the server said what was wrong, and is healthy again
    expect(health).toMatchObject({ ok: false, queue: { driver: "bullmq", ok: false } });
    expect(metrics?.status).toBe(200);
    expect(health.queue.error).toMatch(/Redis at 127\.0\.0\.1:\d+/);
    // a health answer is reused a few seconds (common/health.ts): healthy again shortly after
    await until(
      async () => (await serve.api("GET", "/healthz")).body?.queue?.ok === true,
      10_000,
      "/healthz to say Redis is back",
    );
    expect(serve.output()).toMatch(/queue: Redis at .* is back after/);
    // said once, not once per failed poll or heartbeat
    expect(serve.output().match(/queue poll failed|lease heartbeat failed/g)?.length ?? 0).toBeLessThan(5);
    // the bus (the same Redis) says so too, once, and nothing fails per published message
    expect(serve.output()).toMatch(/bus: Redis at .* is back after/);
    expect(serve.output().match(/bus subscriber failed|Unhandled error event/g)?.length ?? 0).toBeLessThan(5);
  }

  it("survives Redis killed with SIGKILL and started again on its data", () => outage("SIGKILL"), 120_000);

  it("survives Redis frozen with SIGSTOP, then thawed", () => outage("SIGSTOP"), 120_000);
});
