/**
 * Two `pitcrew serve` replicas on one PostgreSQL and Redis; an agent talks to replica A only. When
 * the agent dies, either replica may be the first to mark it lost. Here replica B is made the one
 * (A is paused with SIGSTOP meanwhile): A, which holds the agent's job, must still queue the job
 * again once it runs on, and the job must finish on another agent, exactly once.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { createRepo } from "../support/git-repo.js";
import { deleteRedisKeys, REDIS_URL } from "../support/redis.js";
import { isReachable, serviceAvailable } from "../support/services.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const ready =
  HAS_DIST &&
  (await postgresAvailable()) &&
  (await serviceAvailable("Redis at 127.0.0.1:6379", () => isReachable("127.0.0.1", 6379)));
const prefix = `pitcrew-test-${process.pid}-${randomBytes(4).toString("hex")}`;

describe.skipIf(!ready)("an agent marked lost by another replica than the one holding its job", () => {
  let db: TestDatabase;
  const replicas: ServeProcess[] = [];
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const config = {
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: REDIS_URL, prefix },
      bus: { driver: "redis", redis_url: REDIS_URL },
      runner: { local: false },
      agents: { lease: "2s" },
    };
    replicas.push(await startServe(config));
    replicas.push(
      await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: replicas[0]!.token }),
    );
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) {
      try {
        process.kill(r.pid, "SIGCONT");
      } catch {}
      await r.stop();
    }
    for (const a of agents) await a.stop("SIGKILL");
    await db?.dispose();
    await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
  });

  it("queues the job again on the replica holding it, which finishes it on another agent", async () => {
    const [a] = replicas as [ServeProcess, ServeProcess];
    const token = (await a.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } })).body.token;
    const pipeline = ["jobs:", "  slow:", "    steps:", "      - run: sleep 6 && echo finished", ""].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await a.api("POST", "/api/projects", { body: { name: "slow", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const victim = startAgentProcess(a.base, token, "victim", ["--poll-wait", "1000"]);
    agents.push(victim);
    const run = (await a.api("POST", "/api/projects/slow/runs", { body: {} })).body;
    const store = db.database.db;
    const lease = await until(
      async () => store.selectFrom("agent_leases").selectAll().where("ended_at", "is", null).executeTakeFirst(),
      30_000,
      "the victim to lease the job",
    );
    victim.child.kill("SIGKILL");
    // A sweeps no more while paused: B marks the agent lost
    process.kill(a.pid, "SIGSTOP");
    try {
      await until(
        async () =>
          (await store.selectFrom("agents").select("state").where("id", "=", lease.agent_id).executeTakeFirst())
            ?.state === "lost",
        20_000,
        "replica B to mark the victim lost",
      );
    } finally {
      process.kill(a.pid, "SIGCONT");
    }
    agents.push(startAgentProcess(a.base, token, "rescuer", ["--poll-wait", "1000"]));
    const done = await a.waitForRun(run.id, 60_000);
    expect(done.status).toBe("success");
    const leases = await store.selectFrom("agent_leases").selectAll().orderBy("id").execute();
    expect(leases.map((l) => [l.agent_id === lease.agent_id ? "victim" : "rescuer", l.attempt, l.end_reason])).toEqual([
      ["victim", 1, "agent-lost"],
      ["rescuer", 2, "success"],
    ]);
  }, 120_000);
});
