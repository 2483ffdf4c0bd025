/**
 * Several `pitcrew serve` replicas on one PostgreSQL and one Redis (BullMQ queue, Redis bus):
 * cron and polling run on the leader-lease holder only, and when the holder is killed with -9
 * another replica takes the lease within a bounded time.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";
import { isReachable, serviceAvailable } from "../support/services.js";

const ready =
  HAS_DIST &&
  (await postgresAvailable()) &&
  (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379)));
const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;
const LEASE_MS = 2000;

describe.skipIf(!ready)("server replicas sharing PostgreSQL and Redis", () => {
  let db: TestDatabase;
  const replicas: ServeProcess[] = [];
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const config = {
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: REDIS_URL, prefix },
      bus: { driver: "redis", redis_url: REDIS_URL },
      server: { leader_lease: `${LEASE_MS}ms` },
    };
    replicas.push(await startServe(config));
    replicas.push(
      await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: replicas[0]!.token }),
    );
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await db?.dispose();
    await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
  });

  const leaseHolder = async () =>
    (await db.database.db.selectFrom("leases").selectAll().where("name", "=", "leader").executeTakeFirst())?.holder;
  const replicaOf = (holder: string) => replicas.find((r) => holder.split(":")[1] === String(r.pid));

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
