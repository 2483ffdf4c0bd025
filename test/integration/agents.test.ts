/**
 * `pitcrew agent` end to end with real processes: one `pitcrew serve` that runs no jobs itself
 * (runner.local: false) and two agents with different labels. Jobs land on the agent whose labels
 * cover their runs-on, a job no agent can take fails at once, a kill -9 of an agent mid-job gets
 * the job finished on the other agent after the agent lease (2 s here), exactly once, and the
 * protocol's refusals (bad or revoked token, output for a job not held, an unknown protocol) are clear.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const PROTO = { "x-pitcrew-agent-protocol": "1" };

describe.skipIf(!HAS_DIST)("pitcrew agent (real processes)", () => {
  let server: ServeProcess;
  let agentToken: string;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    server = await startServe({ runner: { local: false }, agents: { lease: "2s" }, queue: { lease: "3s" } });
    const created = await server.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } });
    expect(created.status).toBe(201);
    agentToken = created.body.token;
    agents.push(
      startAgentProcess(server.base, agentToken, "agent-gpu", ["--labels", "linux,gpu", "--poll-wait", "2000"]),
    );
    agents.push(
      startAgentProcess(server.base, agentToken, "agent-plain", ["--labels", "linux", "--poll-wait", "2000"]),
    );
    await until(
      async () =>
        (await server.api("GET", "/api/agents")).body.agents?.filter((a: any) => a.state === "online").length === 2,
      30_000,
      "two online agents",
    );
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) await a.stop("SIGKILL");
    await server?.stop();
  });

  const logText = async (runId: number) =>
    ((await server.api("GET", `/api/runs/${runId}/logs?limit=5000`)).body.jobs as any[])
      .flatMap((j) => j.lines.map((l: { line: string }) => l.line))
      .join("\n");

  it("places jobs by label, uploads artifacts, and fails at once a job no agent can take", async () => {
    const pipeline = [
      "jobs:",
      "  gpu:",
      "    runs-on: [gpu]",
      "    artifacts: [out/**]",
      "    steps:",
      '      - run: mkdir -p out && echo "built by $PITCREW_JOB" > out/result.txt && echo gpu-step-ran',
      "  arm:",
      "    runs-on: [arm]",
      "    steps:",
      "      - run: echo never",
      "",
    ].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await server.api("POST", "/api/projects", { body: { name: "labels", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const run = (await server.api("POST", "/api/projects/labels/runs", { body: {} })).body;
    const done = await server.waitForRun(run.id, 30_000);
    const jobs = (await server.api("GET", `/api/runs/${run.id}`)).body.jobs as any[];
    const gpu = jobs.find((j) => j.key === "gpu");
    const arm = jobs.find((j) => j.key === "arm");
    expect(gpu.status).toBe("success");
    expect(arm.status).toBe("failure");
    expect(arm.reason).toMatch(/no runner or agent has label\(s\) arm .*runner\.local: false.*agent-gpu/);
    expect(done.status).toBe("failure");
    const log = await logText(run.id);
    expect(log).toContain("running on agent 'agent-gpu'");
    expect(log).toContain("gpu-step-ran");
    const art = await fetch(`${server.base}/api/runs/${run.id}/artifacts/out/result.txt`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(art.status).toBe(200);
    expect(await art.text()).toBe("built by gpu\n");
  }, 60_000);

  it("finishes a killed agent's job on the other agent after the lease, exactly once", async () => {
    const pipeline = [
      "jobs:",
      "  slow:",
      "    runs-on: [linux]",
      "    steps:",
      '      - run: echo "attempt $PITCREW_RUN_ID started" && sleep 4 && echo slow-finished',
      "",
    ].join("\n");
    const repo = createRepo({ ".pitcrew/pipeline.yaml": pipeline });
    expect(
      (await server.api("POST", "/api/projects", { body: { name: "kill", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const run = (await server.api("POST", "/api/projects/kill/runs", { body: {} })).body;
    const holder = await until(
      async () => {
        const list = (await server.api("GET", "/api/agents")).body.agents as any[];
        return list.find((a) => a.state === "online" && a.runningJobs.length > 0);
      },
      20_000,
      "an agent running the slow job",
    );
    expect(holder.runningJobs).toEqual([expect.objectContaining({ runId: run.id, key: "slow", attempt: 1 })]);
    await until(async () => (await logText(run.id)).includes("started"), 20_000, "the step to start");
    const victim = agents.find((a) => a.name === holder.name)!;
    const survivor = agents.find((a) => a.name !== holder.name)!;
    victim.child.kill("SIGKILL");
    const done = await server.waitForRun(run.id, 40_000);
    expect(done.status).toBe("success");
    const job = ((await server.api("GET", `/api/runs/${run.id}`)).body.jobs as any[])[0];
    expect(job.attempt).toBe(2);
    const log = await logText(run.id);
    const events = (await server.api("GET", `/api/events?subject=run:${run.id}&limit=500`)).body.events as any[];
    expect(events.filter((e) => e.type === "job.retrying").map((e) => e.data.reason)).toEqual(["agent-lost"]);
    expect(log).toContain(`running on agent '${survivor.name}'`);
    expect(log.match(/slow-finished/g)).toHaveLength(1);
    const lost = (await server.api("GET", "/api/agents?state=lost")).body.agents as any[];
    expect(lost.map((a) => a.name)).toContain(victim.name);
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).toMatch(/pitcrew_agents\{state="lost"\} 1/);
  }, 60_000);

  it("drains on SIGTERM: the running job finishes, then the agent deregisters and exits", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml":
        "jobs:\n  drain:\n    steps:\n      - run: echo drain-started && sleep 2 && echo drained-ok\n",
    });
    expect(
      (await server.api("POST", "/api/projects", { body: { name: "drain", repoUrl: repo, sandbox: false } })).status,
    ).toBe(201);
    const run = (await server.api("POST", "/api/projects/drain/runs", { body: {} })).body;
    const holder = await until(
      async () =>
        ((await server.api("GET", "/api/agents")).body.agents as any[]).find(
          (a) => a.state === "online" && a.runningJobs.length > 0,
        ),
      20_000,
      "an agent running the job",
    );
    // held on the server is not yet running on the agent (the assignment may still be on its way,
    // and a stop then hands it back): wait for the step's first output
    await until(async () => (await logText(run.id)).includes("drain-started"), 20_000, "the step running on the agent");
    const agent = agents.find((a) => a.name === holder.name)!;
    const exited = new Promise<number | null>((r) => agent.child.once("exit", (code) => r(code)));
    agent.child.kill("SIGTERM");
    expect((await server.waitForRun(run.id, 30_000)).status).toBe("success");
    expect(await exited).toBe(0);
    expect(await logText(run.id)).toContain("drained-ok");
    const gone = ((await server.api("GET", "/api/agents?state=offline")).body.agents as any[]).map((a) => a.name);
    expect(gone).toContain(agent.name);
  }, 40_000);

  it("refuses a bad or revoked token (401), other tokens (403), a job not held (409) and another protocol (400)", async () => {
    const register = (token: string | null, headers: Record<string, string> = PROTO) =>
      server.api("POST", "/api/agent/register", {
        token,
        headers,
        body: { name: "x", labels: ["idle-only"], capacity: {}, concurrency: 1, version: "test" },
      });
    expect((await register("pcr_not-a-token")).status).toBe(401);
    const spare = (await server.api("POST", "/api/tokens", { body: { name: "spare", role: "agent" } })).body;
    expect((await server.api("DELETE", `/api/tokens/${spare.id}`)).status).toBe(204);
    expect((await register(spare.token)).status).toBe(401);
    expect((await register(server.token)).status).toBe(403);
    expect((await server.api("GET", "/api/runs", { token: agentToken })).status).toBe(403);
    const other = await register(agentToken, { "x-pitcrew-agent-protocol": "99" });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/speaks agent protocol 1, 2 or 3; the agent sent protocol 99/);
    // protocol 1 (agents before tests: steps ran on agents) is still answered, in protocol 1
    const reg = await register(agentToken);
    expect(reg.status).toBe(200);
    expect(reg.headers.get("x-pitcrew-agent-protocol")).toBe("1");
    const current = await register(agentToken, { "x-pitcrew-agent-protocol": "2" });
    expect(current.headers.get("x-pitcrew-agent-protocol")).toBe("2");
    // the lease long-poll waits for work (labels no job asks for) before its 204
    const polledAt = Date.now();
    const idle = await server.api("POST", "/api/agent/lease", {
      token: agentToken,
      headers: PROTO,
      body: { agentId: reg.body.agentId, waitMs: 1_500 },
    });
    expect(idle.status).toBe(204);
    expect(Date.now() - polledAt).toBeGreaterThanOrEqual(1_400);
    const out = await server.api("POST", "/api/agent/jobs/99999/events", {
      token: agentToken,
      headers: PROTO,
      body: { agentId: reg.body.agentId, seq: 1, events: [{ t: "line", step: -1, stream: "stdout", line: "hi" }] },
    });
    expect(out.status).toBe(409);
    expect(out.body.error.message).toMatch(/does not hold job lease 99999/);
  }, 30_000);
});
