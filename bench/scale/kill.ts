/**
 * The kill bench (issue 16, "real processes"): two `pitcrew serve` replicas on one PostgreSQL
 * database, Redis (BullMQ queue, Redis bus) and an S3-compatible store (s3rver), with
 * `runner.local: false`, and 4 `pitcrew agent` processes (separate work dirs; two carry label
 * `blue`, two `green`). 20 pipelines of 10 jobs each (200 jobs, half of them `runs-on: [blue]`),
 * each job printing LINES numbered lines over about a second and storing one artifact. Mid-way,
 * kill -9 a `blue` agent that holds jobs, and kill -9 the other server replica.
 *
 * Every agent is given both replicas: agents 0 and 2 call A first, agents 1 and 3 (one blue, one
 * green) call B first, so the killed replica B has agents attached that hold jobs; they move to A
 * and their running jobs go on there (the lease taken over, no new attempt).
 *
 * Checked, from the store and through replica A's API: every job succeeded exactly once (one
 * successful attempt, one lease ended `success`, no two leases of a job overlapping in time),
 * every line of the successful attempt is there in order, every artifact downloads with its
 * content, and the killed agent's jobs finished on another agent. Reported: the time from the kill
 * to the agent being declared lost, and to the last of its jobs starting again elsewhere; for
 * the replica kill, how many jobs B's agents held then, how many finished in that same attempt
 * (not restarted), and the time from the kill to the first line each stored through A.
 *
 * Needs `dist/` (the npm script builds it), PostgreSQL at 127.0.0.1:5432 and Redis at 6379 (as the
 * tests: PITCREW_TEST_PG_URL, PITCREW_TEST_REDIS_URL); skips with a message when one is missing.
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { type AgentProcess, startAgentProcess } from "../../test/support/agent-process.js";
import { createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "../../test/support/databases.js";
import { createRepo } from "../../test/support/git-repo.js";
import { deleteRedisKeys, REDIS_URL } from "../../test/support/redis.js";
import { type S3Server, startS3Server } from "../../test/support/s3-server.js";
import { isReachable } from "../../test/support/services.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../../test/support/serve-process.js";

const PIPELINES = 20;
const JOBS_PER_PIPELINE = 10;
const LINES = 40;
/** Agent and queue leases short enough for a bench (defaults: 30 s). */
const AGENT_LEASE = "3s";

const missing = !HAS_DIST
  ? "dist/ (npm run build)"
  : !(await postgresAvailable())
    ? "PostgreSQL at 127.0.0.1:5432"
    : !(await isReachable("127.0.0.1", 6379))
      ? "Redis at 127.0.0.1:6379"
      : undefined;
if (missing) {
  console.log(`kill bench skipped: needs ${missing}`);
  process.exit(0);
}

/** A pipeline of JOBS_PER_PIPELINE jobs; the first half runs on `blue` agents only. */
function pipeline(p: number): string {
  const lines = ["jobs:"];
  for (let j = 0; j < JOBS_PER_PIPELINE; j++) {
    const key = `p${p}j${j}`;
    lines.push(
      `  ${key}:`,
      ...(j < JOBS_PER_PIPELINE / 2 ? ["    runs-on: [blue]"] : []),
      `    artifacts: [out/${key}.txt]`,
      "    steps:",
      `      - run: for i in $(seq 1 ${LINES}); do echo "${key} line $i"; sleep 0.025; done; mkdir -p out; echo "artifact of ${key}" > out/${key}.txt`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const prefix = `pitcrew-bench-kill-${process.pid}-${randomBytes(4).toString("hex")}`;
let db: TestDatabase | undefined;
let s3: S3Server | undefined;
const replicas: ServeProcess[] = [];
const agents: AgentProcess[] = [];
const load = [loadavg()[0] ?? 0];
try {
  db = await createPostgresTestDatabase();
  s3 = await startS3Server();
  const config = {
    storage: s3.storageConfig(),
    database: { url: db.url },
    queue: { driver: "bullmq", redis_url: REDIS_URL, prefix, lease: AGENT_LEASE },
    bus: { driver: "redis", redis_url: REDIS_URL },
    server: { leader_lease: "2s" },
    runner: { local: false, orphaned_jobs: "retry" },
    agents: { lease: AGENT_LEASE },
  };
  const a = await startServe(config);
  replicas.push(a);
  const b = await startServe(config, { dataDir: mkdtempSync(join(tmpdir(), "pitcrew-serve-")), token: a.token });
  replicas.push(b);

  const token = (await a.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } })).body.token;
  const colours = ["blue", "blue", "green", "green"];
  // agents 1 and 3 call replica B first (the one killed), the others A; each has both
  for (const [i, c] of colours.entries()) {
    const [first, second] = i % 2 === 1 ? [b, a] : [a, b];
    agents.push(
      startAgentProcess(first.base, token, `kill-${i}-${c}`, ["--labels", `linux,${c}`, "--server", second.base]),
    );
  }
  await until(
    async () => (await a.api("GET", "/api/agents")).body.agents.filter((x: any) => x.state === "online").length === 4,
    60_000,
    "4 agents online",
  );

  const runs: number[] = [];
  for (let p = 0; p < PIPELINES; p++) {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline(p) });
    const res = await a.api("POST", "/api/projects", { body: { name: `kill${p}`, repoUrl: repo, sandbox: false } });
    if (res.status !== 201) throw new Error(`project kill${p}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const started = performance.now();
  for (let p = 0; p < PIPELINES; p++)
    runs.push((await a.api("POST", `/api/projects/kill${p}/runs`, { body: {} })).body.id);

  // a third of the way: a blue agent holding jobs; two thirds: replica B (alive meanwhile, so
  // either replica may be the one that notices the agent is gone)
  const total = PIPELINES * JOBS_PER_PIPELINE;
  const store = db.database.db;
  const succeeded = async () =>
    Number(
      (
        await store
          .selectFrom("jobs")
          .select((e) => e.fn.countAll().as("n"))
          .where("run_id", "in", runs)
          .where("status", "=", "success")
          .executeTakeFirstOrThrow()
      ).n,
    );
  await until(async () => (await succeeded()) >= total / 3, 600_000, "a third of the jobs done");
  const victimName = "kill-0-blue";
  const victimId = await until(
    async () => {
      const list = (await a.api("GET", "/api/agents")).body.agents as any[];
      const v = list.find((x) => x.name === victimName);
      return v && v.runningJobs.length > 0 ? (v.id as number) : undefined;
    },
    60_000,
    `${victimName} to hold a job`,
  );
  agents[0]!.child.kill("SIGKILL");
  const killedAt = Date.now();
  load.push(loadavg()[0] ?? 0);
  await until(async () => (await succeeded()) >= (2 * total) / 3, 600_000, "two thirds of the jobs done");
  // the jobs that B's agents (1 and 3) hold when B dies
  const onB = new Set(
    ((await a.api("GET", "/api/agents")).body.agents as any[])
      .filter((x) => x.name === "kill-1-blue" || x.name === "kill-3-green")
      .flatMap((x) => x.runningJobs.map((j: any) => `${j.jobId}:${j.attempt}:${j.lease}`)),
  );
  process.kill(b.pid, "SIGKILL");
  const replicaKilledAt = Date.now();
  load.push(loadavg()[0] ?? 0);

  for (const id of runs) {
    const done = await a.waitForRun(id, 600_000);
    if (done.status !== "success") throw new Error(`run ${id} ended ${done.status}: ${done.reason}`);
  }
  const wall = (performance.now() - started) / 1000;
  load.push(loadavg()[0] ?? 0);

  // every job exactly once
  const jobs = await store.selectFrom("jobs").selectAll().where("run_id", "in", runs).execute();
  const problems: string[] = [];
  if (jobs.length !== total) problems.push(`${jobs.length} jobs, expected ${total}`);
  const leases = await store.selectFrom("agent_leases").selectAll().orderBy("id").execute();
  const steps = await store
    .selectFrom("steps")
    .selectAll()
    .where(
      "job_id",
      "in",
      jobs.map((j) => j.id),
    )
    .execute();
  const victimJobs = new Set<number>();
  let lostAt: number | undefined;
  let restartedAt = killedAt;
  for (const job of jobs) {
    if (job.status !== "success") problems.push(`${job.key}: ${job.status}`);
    const ok = steps.filter((s) => s.job_id === job.id && s.status === "success");
    if (ok.length !== 1 || ok[0]!.attempt !== job.attempt)
      problems.push(`${job.key}: ${ok.length} successful step attempts`);
    const mine = leases.filter((l) => l.job_id === job.id);
    if (mine.filter((l) => l.end_reason === "success").length !== 1)
      problems.push(`${job.key}: leases ${mine.map((l) => l.end_reason).join(",")}`);
    for (const l of mine)
      for (const m of mine)
        if (l.id < m.id && (l.ended_at ?? Number.POSITIVE_INFINITY) > m.leased_at)
          problems.push(`${job.key}: leases ${l.id} and ${m.id} overlap`);
    const lost = mine.find((l) => l.agent_id === victimId && l.end_reason === "agent-lost");
    if (lost) {
      victimJobs.add(job.id);
      lostAt = Math.max(lostAt ?? 0, lost.ended_at!);
      const again = mine.find((l) => l.id > lost.id && l.end_reason === "success");
      if (!again || again.agent_id === victimId) problems.push(`${job.key}: did not finish on another agent`);
      else restartedAt = Math.max(restartedAt, again.leased_at);
    }
  }
  if (victimJobs.size === 0) problems.push(`no job of ${victimName} was recovered (it held one when killed)`);

  // the jobs B's agents held when B died: the same lease finished them, and how soon they went on through A
  let carried = 0;
  let resumedMs = 0;
  for (const held of onB) {
    const [jobId, attempt, lease] = held.split(":").map(Number) as [number, number, number];
    const l = leases.find((x) => x.id === lease);
    if (l?.end_reason === "success" && jobs.find((j) => j.id === jobId)?.attempt === attempt) carried++;
    const next = await store
      .selectFrom("log_lines")
      .select((e) => e.fn.min("at").as("at"))
      .where("job_id", "=", jobId)
      .where("attempt", "=", attempt)
      .where("at", ">", replicaKilledAt)
      .executeTakeFirst();
    if (next?.at != null) resumedMs = Math.max(resumedMs, Number(next.at) - replicaKilledAt);
  }

  // every line of the successful attempt, in order
  for (const job of jobs) {
    const lines = await store
      .selectFrom("log_lines")
      .select(["line"])
      .where("job_id", "=", job.id)
      .where("attempt", "=", job.attempt)
      .where("step_idx", "=", 0)
      .where("stream", "=", "stdout")
      .orderBy("seq")
      .execute();
    const want = Array.from({ length: LINES }, (_, i) => `${job.key} line ${i + 1}`);
    if (lines.map((l) => l.line).join("\n") !== want.join("\n"))
      problems.push(`${job.key}: ${lines.length} of ${LINES} log lines, or out of order`);
  }

  // every artifact, through the surviving replica (from the object store)
  for (const job of jobs) {
    const res = await fetch(`${a.base}/api/runs/${job.run_id}/artifacts/out/${job.key}.txt`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    const body = await res.text();
    if (res.status !== 200 || body !== `artifact of ${job.key}\n`) {
      // what the job's log says about its outputs (why an artifact is missing)
      const said = await store
        .selectFrom("log_lines")
        .select("line")
        .where("job_id", "=", job.id)
        .where("stream", "=", "system")
        .where((w) => w.or([w("line", "like", "%artifact%"), w("line", "like", "%output%")]))
        .execute();
      problems.push(
        `${job.key}: artifact ${res.status} ${body.slice(0, 80)}; log: ${said.map((l) => l.line).join(" | ")}`,
      );
    }
  }

  console.log(
    `${total} jobs of ${PIPELINES} pipelines on 4 agents (2 blue, 2 green), 2 calling replica A first and 2 replica B (each given both); agent and queue lease ${AGENT_LEASE}`,
  );
  console.log(
    `kill -9 of agent '${victimName}' (holding jobs) once ${Math.round(total / 3)} jobs were done, of replica B ${((replicaKilledAt - killedAt) / 1000).toFixed(1)} s later (${Math.round((2 * total) / 3)} done)`,
  );
  console.log(`all runs finished in ${wall.toFixed(1)} s`);
  console.log(`jobs of the killed agent finished elsewhere: ${victimJobs.size}`);
  console.log(
    `time to recover: agent declared lost and its jobs queued again ${lostAt ? ((lostAt - killedAt) / 1000).toFixed(1) : "?"} s after the kill; the last of them started on another agent ${((restartedAt - killedAt) / 1000).toFixed(1)} s after (queued behind the waiting blue jobs)`,
  );
  console.log(
    `replica kill: B's agents held ${onB.size} job(s); ${carried} finished in that attempt through replica A (the lease taken over, no restart); the last of them stored its next line ${(resumedMs / 1000).toFixed(1)} s after the kill`,
  );
  console.log(`load average (1 min): ${load.map((l) => l.toFixed(1)).join(" → ")}`);
  if (problems.length) {
    console.log(`FAILED: ${problems.length} problem(s)\n${problems.slice(0, 30).join("\n")}`);
    process.exitCode = 1;
  } else console.log("checked: every job succeeded exactly once, no lease overlap, no log line or artifact lost");
} finally {
  for (const ag of agents) await ag.stop("SIGKILL");
  for (const r of replicas) await r.stop();
  await db?.dispose();
  await s3?.stop();
  await deleteRedisKeys(REDIS_URL, `${prefix}:*`);
}
