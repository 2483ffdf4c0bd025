/**
 * Two `pitcrew serve` replicas on one PostgreSQL and Redis, and one real `pitcrew agent` given
 * both (`--server A,B`). While the agent runs a job it got from replica A, A is killed with
 * SIGKILL: the agent moves to B, which takes over its lease (fenced in the store) and the job's
 * queue item, and the job finishes without a restart: one attempt, one lease ended `success`,
 * every output line stored once and in order.
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
const LINES = 60;

describe.skipIf(!ready)("an agent failing over to another replica mid-job", () => {
  let db: TestDatabase;
  const replicas: ServeProcess[] = [];
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    db = await createPostgresTestDatabase();
    const config = {
      database: { url: db.url },
      queue: { driver: "bullmq", redis_url: REDIS_URL, prefix, lease: "3s" },
      bus: { driver: "redis", redis_url: REDIS_URL },
      runner: { local: false },
      agents: { lease: "5s" },
    };
    replicas.push(await startServe(config));
    replicas.push(
      await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: replicas[0]!.token }),
    );
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas) await r.stop().catch(() => undefined);
    for (const a of agents) await a.stop("SIGKILL");
    await db?.dispose();
    await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
  });

  it("finishes the job once, through the other replica, with every line in order", async () => {
    const [a, b] = replicas as [ServeProcess, ServeProcess];
    const token = (await a.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } })).body.token;
    const step = `for i in $(seq 1 ${LINES}); do echo "line $i"; sleep 0.1; done`;
    const pipeline = ["jobs:", "  slow:", "    steps:", `      - run: ${JSON.stringify(step)}`, ""].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await a.api("POST", "/api/projects", { body: { name: "slow", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const agent = startAgentProcess(a.base, token, "mover", ["--server", b.base, "--poll-wait", "1000"]);
    agents.push(agent);
    await until(
      async () => (await a.api("GET", "/api/agents")).body.agents.some((x: any) => x.state === "online"),
      30_000,
      "the agent to register",
    );
    const run = (await a.api("POST", "/api/projects/slow/runs", { body: {} })).body;
    const store = db.database.db;
    const lines = () =>
      store.selectFrom("log_lines").select(["seq", "line", "step_idx", "attempt"]).orderBy("seq").execute();
    // the job has started printing on the agent, through replica A
    await until(
      async () => (await lines()).filter((l) => l.line.startsWith("line ")).length >= 10,
      30_000,
      "the job's first lines",
    );
    process.kill(a.pid, "SIGKILL");
    const done = await b.waitForRun(run.id, 90_000);
    expect(done.status).toBe("success");
    const jobs = await store.selectFrom("jobs").selectAll().execute();
    expect(jobs.map((j) => [j.status, j.attempt])).toEqual([["success", 1]]);
    const leases = await store.selectFrom("agent_leases").selectAll().execute();
    expect(leases.map((l) => [l.attempt, l.end_reason])).toEqual([[1, "success"]]);
    const output = (await lines()).filter((l) => l.step_idx === 0).map((l) => l.line);
    expect(output).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
    const all = await lines();
    expect(all.some((l) => /goes on with this job through another server replica/.test(l.line))).toBe(true);
    expect(agent.output()).toMatch(/moving to the next one/);
  }, 150_000);
});
