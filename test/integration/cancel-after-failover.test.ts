/**
 * A run cancelled after its agent moved to another server replica: the cancel aborts the queue
 * handler of the replica that handed the job out, but the agent now talks to another one (two hubs
 * on one store: two replicas in one process). That replica reads the cancel from the store, on
 * the agent's heartbeat and when it takes the lease over, so the agent hears it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentHub, PROTOCOL_VERSION } from "../../src/agents/index.js";
import { cancelRun, triggerRun } from "../../src/runner/index.js";
import type { Agent, TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const LEASE_MS = 60_000;

describe("cancel after failover", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.runner.local = false;
        c.agents.lease = LEASE_MS;
      },
    });
  });
  afterAll(async () => t?.dispose());

  it("tells the agent to cancel through the replica it moved to", async () => {
    const { app } = t;
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  slow:\n    steps:\n      - run: sleep 60\n" });
    const project = await app.store.projects.create({ name: "slow", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const body = { name: "mover", labels: [], capacity: {}, concurrency: 1, version: "test" };
    const agent = (await app.agents.register(info as TokenInfo, body)) as Agent;
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const assignment = await app.agents.lease(agent, 20_000, new AbortController().signal, PROTOCOL_VERSION);
    if (!assignment || !run) throw new Error("the agent got no job");
    const { lease } = assignment;

    // the agent moves to another replica, which takes its lease over
    const moved = new AgentHub({ runner: app.runner, leaseMs: LEASE_MS });
    expect(await moved.heartbeat(agent, [lease])).toEqual({ cancel: [], drop: [] });

    // the cancel reaches the first replica's queue handler only; the agent hears it where it is now
    await cancelRun(app.runner, run.id, "test");
    expect(await moved.heartbeat(agent, [lease])).toEqual({ cancel: [lease], drop: [] });
    expect(await moved.events(agent, lease, 1, [])).toEqual({ cancel: true });

    // a replica that takes the lease over only now knows it from the start
    const third = new AgentHub({ runner: app.runner, leaseMs: LEASE_MS });
    expect(await third.events(agent, lease, 2, [])).toEqual({ cancel: true });

    // the agent hands the job back; the first replica lets go of the ended lease
    await moved.release(agent, lease);
    await app.agents.sweep();
    await third.sweep();
    expect(app.agents.stats().held).toBe(0);
    expect(third.stats().held).toBe(0);
    // lines written by the ended attempt's log writers flush on their timer (25 ms): before the store closes
    await new Promise((r) => setTimeout(r, 300));
    await expect.poll(async () => (await app.store.runs.get(run.id)).status).toBe("cancelled");
    await expect.poll(async () => (await app.store.jobs.get(assignment.job.id)).status).toBe("cancelled");
  }, 60_000);
});
