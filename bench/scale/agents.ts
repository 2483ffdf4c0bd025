/**
 * `pitcrew agent` throughput with real processes: one `pitcrew serve` (SQLite, the embedded queue,
 * `runner.local: false`) and 4 `pitcrew agent` processes (separate work dirs, concurrency 1
 * each) run one pipeline of JOBS trivial jobs (`true`); the dispatch rate is jobs / wall time from
 * trigger to run finished. Baseline in the same script, alternating: the same pipeline on a
 * server running the jobs itself (`queue.concurrency: 4`). Their ratio is the per-job overhead of
 * an agent vs the server. Needs `dist/` (the npm script builds it). Defaults everywhere else.
 */
import { type AgentProcess, startAgentProcess } from "../../test/support/agent-process.js";
import { createRepo } from "../../test/support/git-repo.js";
import { type ServeProcess, startServe, until } from "../../test/support/serve-process.js";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

const JOBS = Number(process.env.PITCREW_BENCH_AGENT_JOBS ?? 100);
const ROUNDS = Number(process.env.PITCREW_BENCH_ROUNDS ?? 2);

const pipeline = [
  "jobs:",
  ...Array.from({ length: JOBS }, (_, i) => [`  j${i}:`, "    steps:", "      - run: 'true'"]).flat(),
  "",
].join("\n");

/** CPU time the process has used (user + system, ms; clock ticks of 10 ms): less noisy than wall time on a busy machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function timeRun(server: ServeProcess, project: string): Promise<number> {
  const start = performance.now();
  const run = (await server.api("POST", `/api/projects/${project}/runs`, { body: {} })).body;
  const done = await server.waitForRun(run.id, 600_000);
  if (done.status !== "success") throw new Error(`run ${run.id} ended ${done.status}: ${done.reason}`);
  return (performance.now() - start) / 1000;
}

async function setUp(local: boolean): Promise<{ server: ServeProcess; agents: AgentProcess[] }> {
  const server = await startServe(local ? { queue: { concurrency: 4 } } : { runner: { local: false } });
  const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
  await server.api("POST", "/api/projects", { body: { name: "bench", repoUrl: repo, sandbox: false } });
  const agents: AgentProcess[] = [];
  if (!local) {
    const token = (await server.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } })).body.token;
    for (let i = 0; i < 4; i++)
      agents.push(startAgentProcess(server.base, token, `bench-${i}`, ["--labels", "linux,local"]));
    await until(
      async () => (await server.api("GET", "/api/agents")).body.agents.length === 4,
      60_000,
      "4 agents registered",
    );
  }
  return { server, agents };
}

const agentSetup = await setUp(false);
const localSetup = await setUp(true);
const load = [loadavg()[0] ?? 0];
const agentTimes: number[] = [];
const localTimes: number[] = [];
const agentServerCpu: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const cpu = cpuMs(agentSetup.server.pid);
  agentTimes.push(await timeRun(agentSetup.server, "bench"));
  agentServerCpu.push(cpuMs(agentSetup.server.pid) - cpu);
  localTimes.push(await timeRun(localSetup.server, "bench"));
  load.push(loadavg()[0] ?? 0);
}
for (const a of agentSetup.agents) await a.stop();
await agentSetup.server.stop();
await localSetup.server.stop();
const best = (xs: number[]) => Math.min(...xs);
const agentRate = JOBS / best(agentTimes);
const localRate = JOBS / best(localTimes);
console.log(`${JOBS} trivial jobs, ${ROUNDS} alternating rounds (best of each)`);
console.log(
  `4 agents (concurrency 1 each): ${agentRate.toFixed(1)} jobs/s  (runs: ${agentTimes.map((t) => t.toFixed(1)).join(", ")} s)`,
);
console.log(
  `server itself (concurrency 4):  ${localRate.toFixed(1)} jobs/s  (runs: ${localTimes.map((t) => t.toFixed(1)).join(", ")} s)`,
);
console.log(`per-job overhead, agent / server: ${(localRate / agentRate).toFixed(2)} ×`);
console.log(
  `server CPU per job dispatched to agents: ${(Math.min(...agentServerCpu) / JOBS).toFixed(1)} ms (runs: ${agentServerCpu.map((c) => (c / JOBS).toFixed(1)).join(", ")})`,
);
console.log(`load average (1 min) while measured: ${load.map((l) => l.toFixed(1)).join(" → ")}`);
