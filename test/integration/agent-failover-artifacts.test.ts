/**
 * Artifacts survive an agent's failover (two `pitcrew serve` replicas on one PostgreSQL and Redis,
 * one real `pitcrew agent` given both): a job's output files are uploaded to replica A, which holds
 * them on its disk until `finish`; A is killed with SIGKILL once the first of them has arrived
 * there, the agent moves to B, uploads to B those that B has not received, and finishes there:
 * every artifact is stored and downloadable through B.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
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
const FILES = 300;

/** Whether any file has arrived in a replica's agent upload folders. */
function anyUpload(dataDir: string): boolean {
  const root = join(dataDir, "data", "agent-uploads");
  if (!existsSync(root)) return false;
  return readdirSync(root).some((lease) => {
    const out = join(root, lease, "out");
    return existsSync(out) && readdirSync(out).length > 0;
  });
}

describe.skipIf(!ready)("artifacts of an agent job that fails over to another replica", () => {
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

  it("stores every artifact, including those uploaded to the killed replica", async () => {
    const [a, b] = replicas as [ServeProcess, ServeProcess];
    const token = (await a.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } })).body.token;
    const step = `mkdir -p out && for i in $(seq 1 ${FILES}); do echo "artifact $i" > out/f$i.txt; done`;
    const pipeline = [
      "jobs:",
      "  build:",
      "    artifacts: [out/**]",
      "    steps:",
      `      - run: ${JSON.stringify(step)}`,
      "",
    ].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await a.api("POST", "/api/projects", { body: { name: "files", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const agent = startAgentProcess(a.base, token, "uploader", ["--server", b.base, "--poll-wait", "1000"]);
    agents.push(agent);
    await until(
      async () => (await a.api("GET", "/api/agents")).body.agents.some((x: any) => x.state === "online"),
      30_000,
      "the agent to register",
    );
    const run = (await a.api("POST", "/api/projects/files/runs", { body: {} })).body;
    // polled tightly: the agent uploads its files one after another, then finishes
    for (const end = Date.now() + 60_000; !anyUpload(a.dataDir); await new Promise((r) => setTimeout(r, 2)))
      if (Date.now() > end) throw new Error("no upload reached replica A");
    process.kill(a.pid, "SIGKILL");
    const done = await b.waitForRun(run.id, 90_000);
    expect(done.status).toBe("success");
    const listed = (await b.api("GET", `/api/runs/${run.id}/artifacts`)).body.artifacts as { path: string }[];
    expect(listed.map((x) => x.path).sort()).toEqual(
      Array.from({ length: FILES }, (_, i) => `out/f${i + 1}.txt`).sort(),
    );
    const first = await fetch(`${b.base}/api/runs/${run.id}/artifacts/out/f1.txt`, {
      headers: { authorization: `Bearer ${b.token}` },
    });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("artifact 1\n");
    expect(agent.output()).toMatch(/moving to the next one/);
  }, 150_000);
});
