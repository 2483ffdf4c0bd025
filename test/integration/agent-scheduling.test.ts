/**
 * The scheduler in a real `pitcrew serve` (runner.local: false) with one real `pitcrew agent`
 * (concurrency 2, 2 cpus): while a 2-cpu job holds the agent, nothing else starts on it although
 * a slot is free; the jobs waiting meanwhile are explained through `GET /api/agents`; when it
 * ends, the default-branch job goes before the older job of another branch; a job run before is
 * estimated from its last duration.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const pipeline = (job: string, resources: string, run: string) =>
  ["jobs:", `  ${job}:`, `    resources: ${resources}`, "    steps:", `      - run: ${run}`, ""].join("\n");

describe.skipIf(!HAS_DIST)("scheduling on agents (real processes)", () => {
  let server: ServeProcess;
  let agent: AgentProcess;

  beforeAll(async () => {
    server = await startServe({ runner: { local: false }, agents: { lease: "5s" } });
    const created = await server.api("POST", "/api/tokens", { body: { name: "agents", role: "agent" } });
    agent = startAgentProcess(server.base, created.body.token, "sched", [
      ...["--labels", "linux", "--capacity", "cpus=2", "--concurrency", "2", "--poll-wait", "2000"],
    ]);
    await until(
      async () => (await server.api("GET", "/api/agents")).body.agents?.some((a: any) => a.state === "online"),
      30_000,
      "the agent online",
    );
  }, 60_000);
  afterAll(async () => {
    await agent?.stop("SIGKILL");
    await server?.stop();
  });

  const project = async (name: string, text: string, branch?: string) => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": text });
    if (branch) execFileSync("git", ["-C", repo, "branch", branch]);
    const res = await server.api("POST", "/api/projects", { body: { name, repoUrl: repo, sandbox: false } });
    expect(res.status).toBe(201);
  };
  const trigger = async (name: string, branch?: string) =>
    (await server.api("POST", `/api/projects/${name}/runs`, { body: branch ? { branch } : {} })).body.id as number;
  const jobOf = async (runId: number) => ((await server.api("GET", `/api/runs/${runId}`)).body.jobs as any[])[0];

  it("places by free cpus, explains each wait, and puts the default branch first", async () => {
    await project("hog", pipeline("hog", "{ cpus: 2 }", "sleep 6"));
    await project("feat", pipeline("feat", "{ cpus: 1, memory: 64m }", "echo feat"), "feature");
    await project("mainline", pipeline("mainline", "{ cpus: 1 }", "echo mainline"));
    await project("wide", pipeline("wide", "{ cpus: 8 }", "echo never"));

    const hog = await trigger("hog");
    await until(async () => (await jobOf(hog)).status === "running", 20_000, "the 2-cpu job to run");
    const feat = await trigger("feat", "feature");
    await new Promise((r) => setTimeout(r, 300));
    const mainline = await trigger("mainline");
    const wide = await trigger("wide");

    const waiting = await until(
      async () => {
        const w = (await server.api("GET", "/api/agents")).body.waiting as any[];
        return w.length === 3 ? w : undefined;
      },
      15_000,
      "three jobs waiting",
    );
    const why = Object.fromEntries(waiting.map((w) => [w.key, w.why]));
    expect(why).toEqual({
      mainline: "waiting: agent 'sched' is busy",
      // 5 min (the estimate with no history) ahead, on 2 slots
      feat: "queued behind 1 job of project mainline, est. 3 min",
      wide: "waiting: needs 8 cpus, the largest agent that fits its labels has 2",
    });
    // what a user sees: `pitcrew agents` lists them below the agents, with the reason
    const cli = execFileSync(
      process.execPath,
      [join(import.meta.dirname, "../../bin/pitcrew.js"), "agents", "--server", server.base, "--token", server.token],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(cli).toMatch(/WAITING JOB +CLASS +WAITED +EST\. +WHY/);
    expect(cli).toMatch(/feat #\d+ feat +branch .*queued behind 1 job of project mainline, est\. 3 min/);
    // in the policy's order: the default branch (weight 2) before the older job of another branch (1)
    expect(waiting.map((w) => [w.key, w.class])).toEqual([
      ["mainline", "default-branch"],
      ["wide", "default-branch"],
      ["feat", "branch"],
    ]);

    expect((await server.waitForRun(mainline, 30_000)).status).toBe("success");
    expect((await server.waitForRun(feat, 30_000)).status).toBe("success");
    const [h, f, m] = [await jobOf(hog), await jobOf(feat), await jobOf(mainline)];
    expect(h.status).toBe("success");
    // a slot was free all along, but not the cpus: neither started before the 2-cpu job ended
    expect(Date.parse(m.startedAt)).toBeGreaterThanOrEqual(Date.parse(h.finishedAt));
    expect(Date.parse(f.startedAt)).toBeGreaterThanOrEqual(Date.parse(h.finishedAt));
    expect(Date.parse(m.startedAt)).toBeLessThanOrEqual(Date.parse(f.startedAt));

    expect((await jobOf(wide)).status).toBe("queued");
    await server.api("POST", `/api/runs/${wide}/cancel`);

    // the hub learnt the durations of the jobs its agents finished: a second 'mainline' waits
    // with an estimate of its first run (well under a second), not the 5-minute default
    const hog2 = await trigger("hog");
    await until(async () => (await jobOf(hog2)).status === "running", 20_000, "the 2-cpu job again");
    const mainline2 = await trigger("mainline");
    const again = await until(
      async () => ((await server.api("GET", "/api/agents")).body.waiting as any[]).find((w) => w.runId === mainline2),
      15_000,
      "the second mainline job waiting",
    );
    expect(again.estimateMs).toBeLessThan(5_000);
    expect((await server.waitForRun(mainline2, 30_000)).status).toBe("success");
  }, 120_000);
});
