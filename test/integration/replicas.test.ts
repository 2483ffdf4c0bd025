/**
 * Several `pitcrew serve` replicas on one PostgreSQL, one Redis (BullMQ queue, Redis bus) and one
 * S3-compatible store (s3rver): an artifact stored by a run is served by either replica; cron and
 * polling run on the leader-lease holder only, and when the holder is killed with -9 another
 * replica takes the lease within a bounded time.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { createRepo } from "../support/git-repo.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";
import { type S3Server, startS3Server } from "../support/s3-server.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const ready =
  HAS_DIST &&
  (await postgresAvailable()) &&
  (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379)));
const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;
const LEASE_MS = 2000;

describe.skipIf(!ready)("server replicas sharing PostgreSQL and Redis", () => {
  let db: TestDatabase;
  let s3: S3Server;
  const replicas: ServeProcess[] = [];
  let config: Record<string, unknown>;
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    s3 = await startS3Server();
    config = {
      storage: s3.storageConfig(),
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: REDIS_URL, prefix, lease: "3s" },
      bus: { driver: "redis", redis_url: REDIS_URL },
      server: { leader_lease: `${LEASE_MS}ms` },
      runner: { orphaned_jobs: "retry" },
    };
    replicas.push(await startServe(config));
    replicas.push(
      await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: replicas[0]!.token }),
    );
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await db?.dispose();
    await s3?.stop();
    await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
  });

  const leaseHolder = async () =>
    (await db.database.db.selectFrom("leases").selectAll().where("name", "=", "leader").executeTakeFirst())?.holder;
  const replicaOf = (holder: string) => replicas.find((r) => holder.split(":")[1] === String(r.pid));

  it("serves an artifact stored by a run through either replica, from the shared object store", async () => {
    const [a, b] = replicas as [ServeProcess, ServeProcess];
    const pipeline = [
      "jobs:",
      "  build:",
      "    artifacts: [out/**]",
      "    steps:",
      "      - run: mkdir -p out && head -c 300000 /dev/zero | tr '\\0' x > out/big.txt && echo done > out/small.txt",
      "",
    ].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await a.api("POST", "/api/projects", { body: { name: "arts", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const run = (await a.api("POST", "/api/projects/arts/runs", { body: {} })).body;
    expect((await a.waitForRun(run.id)).status).toBe("success");
    for (const r of [b, a]) {
      const res = await fetch(`${r.base}/api/runs/${run.id}/artifacts/out/big.txt`, {
        headers: { authorization: `Bearer ${r.token}` },
      });
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body.length).toBe(300_000);
      expect(body).toMatch(/^x+$/);
    }
    const small = await fetch(`${b.base}/api/runs/${run.id}/artifacts/out/small.txt`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    expect(await small.text()).toBe("done\n");
    // Nothing was written to either replica's disk: the blobs live in the object store.
    for (const r of replicas) expect(existsSync(join(r.dataDir, "data", "artifacts"))).toBe(false);
  }, 90_000);

  it("runs a job again on another replica when the replica running it is killed with -9", async () => {
    const pipeline = ["jobs:", "  slow:", "    steps:", "      - run: sleep 4 && echo finished", ""].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    const [a] = replicas as [ServeProcess];
    expect(
      (await a.api("POST", "/api/projects", { body: { name: "slow", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const run = (await a.api("POST", "/api/projects/slow/runs", { body: {} })).body;
    // The replica running the step is the parent of the step's process.
    const stepPid = await until(
      async () => {
        const s = await db.database.db
          .selectFrom("steps")
          .select("pid")
          .where("status", "=", "running")
          .where("pid", "is not", null)
          .executeTakeFirst();
        return s?.pid ?? undefined;
      },
      30_000,
      "the step to start",
    );
    const parent = Number(readFileSync(`/proc/${stepPid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
    const runner = replicas.find((r) => r.pid === parent);
    expect(runner).toBeDefined();
    const survivor = replicas.find((r) => r !== runner)!;
    process.kill(runner!.pid, "SIGKILL");
    const done = await survivor.waitForRun(run.id, 60_000);
    expect(done.status).toBe("success");
    const job = await db.database.db
      .selectFrom("jobs")
      .selectAll()
      .where("run_id", "=", run.id)
      .executeTakeFirstOrThrow();
    expect(job.attempt).toBe(2);
    const steps = await db.database.db
      .selectFrom("steps")
      .selectAll()
      .where("job_id", "=", job.id)
      .orderBy("attempt")
      .execute();
    expect(steps.map((s) => [s.attempt, s.status, s.reason])).toEqual([
      [1, "failure", "lease-expired"],
      [2, "success", null],
    ]);
    // Two replicas again for the next test.
    replicas.splice(replicas.indexOf(runner!), 1);
    replicas.push(
      await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: survivor.token }),
    );
  }, 120_000);

  it("has one leader, and another replica takes over within a lease period after kill -9", async () => {
    const first = await until(leaseHolder, 20_000, "a leader");
    const leader = replicaOf(first);
    expect(leader).toBeDefined();
    const other = replicas.find((r) => r !== leader)!;
    process.kill(leader!.pid, "SIGKILL");
    const killedAt = Date.now();
    const next = await until(
      async () => {
        const h = await leaseHolder();
        return h !== undefined && h !== first ? h : undefined;
      },
      20_000,
      "a new leader",
    );
    expect(replicaOf(next)).toBe(other);
    // Takeover needs the lease to expire (2 s) and the next renewal attempt (0.67 s); 10 s bounds it on a loaded CI.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect((await other.api("GET", "/healthz")).status).toBe(200);
  }, 60_000);
});
