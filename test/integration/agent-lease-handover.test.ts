/**
 * Leases of gone agents across two hubs on one store (two server replicas, in one process): a
 * replica dropping an agent whose lease was already ended elsewhere still queues its job again;
 * one deregistering an agent leaves alone the leases another live replica holds; a gone
 * agent's lease left by a dead replica is ended once its job has moved on, and only then; and an
 * agent coming back to the replica it left gets its job taken up again from the store there,
 * each step's output cap going on from the lines already stored.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentHub, PROTOCOL_VERSION } from "../../src/agents/index.js";
import { cancelRun, triggerRun } from "../../src/runner/index.js";
import type { Agent, TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const LEASE_MS = 60_000;

describe("gone agents' leases across replicas", () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.dispose();
    t = undefined;
  });

  /** An app that runs no jobs itself, a second hub on its store, and one agent holding one job. */
  async function agentHoldingAJob() {
    t = await startTestApp({
      configure: (c) => {
        c.runner.local = false;
        c.agents.lease = LEASE_MS;
        // a step stores its first 8 output lines, then only its last 2 when it ends
        c.limits.log = { ...c.limits.log, step_lines: 10, step_tail_lines: 2 };
      },
    });
    const { app } = t;
    const other = new AgentHub({ runner: app.runner, leaseMs: LEASE_MS });
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  slow:\n    steps:\n      - run: sleep 60\n" });
    const project = await app.store.projects.create({ name: "slow", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const body = { name: "victim", labels: [], capacity: {}, concurrency: 1, version: "test" };
    const agent = await app.agents.register(info as TokenInfo, body);
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const assignment = await app.agents.lease(agent, 20_000, new AbortController().signal, PROTOCOL_VERSION);
    if (!assignment || !run) throw new Error("the agent got no job");
    const jobOf = () => app.store.jobs.get(assignment.job.id);
    expect((await jobOf()).status).toBe("running");
    return { app, other, agent: agent as Agent, lease: assignment.lease, jobOf };
  }

  it("queues the job again when another replica ended the lost agent's lease first", async () => {
    const { app, agent, lease, jobOf } = await agentHoldingAJob();
    // another replica ended the lease (as a deregister there used to), then the agent was lost
    expect(await app.store.agents.endLease(lease, "agent-stopped", Date.now())).toBe(true);
    expect(await app.store.agents.transition(agent.id, ["online"], "lost")).toBe(true);
    await app.agents.sweep();
    expect(await jobOf()).toMatchObject({ status: "queued", attempt: 2, reason: "agent-lost" });
    expect(app.agents.stats().held).toBe(0);
  }, 60_000);

  it("lets go of a lease ended elsewhere even when its uploads cannot be removed here", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    // the agent moved to the other replica and handed the job back there
    expect(await other.heartbeat(agent, [lease])).toEqual({ cancel: [], drop: [] });
    await other.release(agent, lease);
    expect(await jobOf()).toMatchObject({ status: "queued", attempt: 2, reason: "agent-released" });
    // the uploads folder cannot be removed (ENOTDIR: a file where its parent should be)
    const uploads = join(app.runner.dataDir, "agent-uploads");
    await rm(uploads, { recursive: true, force: true });
    await writeFile(uploads, "not a folder");
    expect(app.agents.stats().held).toBe(1);
    await expect(app.agents.sweep()).resolves.toBe(0);
    expect(app.agents.stats().held).toBe(0);
    await rm(uploads, { force: true });
    other.close();
    // lines written by the ended attempt's log writers flush on their timer (25 ms): before the store closes
    await new Promise((r) => setTimeout(r, 300));
  }, 60_000);

  it("leaves a live replica's lease to it when the agent deregisters at another", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    await other.deregister(agent);
    expect((await app.store.agents.lease(lease))?.endedAt).toBeNull();
    await app.agents.sweep();
    expect(await app.store.agents.lease(lease)).toMatchObject({ endReason: "agent-released" });
    expect(await jobOf()).toMatchObject({ status: "queued", attempt: 2, reason: "agent-released" });
    other.close();
  }, 60_000);

  it("ends a lost agent's lease a dead replica held once its job has moved on, not one a live replica holds", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    // an earlier attempt's lease, left open by a replica that died (the job has moved on since)
    const job = await jobOf();
    const stale = await app.store.agents.openLease(agent.id, job.id, job.attempt - 1, Date.now());
    expect(await app.store.agents.transition(agent.id, ["online"], "lost")).toBe(true);
    await other.sweep();
    expect(await app.store.agents.lease(stale.id)).toMatchObject({ endReason: "agent-lost" });
    // the running attempt's lease belongs to the live replica holding it
    expect((await app.store.agents.lease(lease))?.endedAt).toBeNull();
    await app.agents.sweep();
    expect(await app.store.agents.lease(lease)).toMatchObject({ endReason: "agent-lost" });
    expect(await app.store.agents.openLeases()).toEqual([]);
    other.close();
  }, 60_000);

  it("takes the job up again from the store when its agent comes back from the other replica", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    const job = await jobOf();
    const line = (l: string) => ({ t: "line" as const, step: 0, stream: "stdout" as const, line: l });
    await app.agents.events(agent, lease, 1, [{ t: "started", step: 0, name: "sleep" }, line("on A")]);
    // the agent moves to the other replica, which takes the lease over and applies the next batches
    await other.events(agent, lease, 2, [line("on B 1")]);
    await other.events(agent, lease, 3, [line("on B 2")]);
    // and comes back: the first replica still holds the job as it was before the agent left
    await app.agents.events(agent, lease, 4, [line("back on A")]);
    expect(await app.agents.heartbeat(agent, [lease])).toEqual({ cancel: [], drop: [] });
    const logs = await app.store.logs.list(job.id, job.attempt);
    const seqs = logs.map((l) => l.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(logs.filter((l) => l.stream === "stdout").map((l) => l.line)).toEqual([
      "on A",
      "on B 1",
      "on B 2",
      "back on A",
    ]);
    expect(logs.at(-1)?.line).toBe("back on A");
    expect((await app.store.agents.lease(lease))?.lastSeq).toBe(4);
    await app.agents.release(agent, lease);
    expect(await jobOf()).toMatchObject({ status: "queued", attempt: 2, reason: "agent-released" });
    other.close();
  }, 60_000);

  it("numbers the lines of a cancelled job on from the store when its agent comes back from the other replica", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    const job = await jobOf();
    const line = (l: string) => ({ t: "line" as const, step: 0, stream: "stdout" as const, line: l });
    await app.agents.events(agent, lease, 1, [{ t: "started", step: 0, name: "sleep" }, line("on A")]);
    await other.events(agent, lease, 2, [line("on B 1")]);
    await other.events(agent, lease, 3, [line("on B 2")]);
    // the run is cancelled while the agent is on the other replica; its last lines then reach the first
    await cancelRun(app.runner, job.runId, "test");
    // and its attempt ends in the store while the agent's lease is still open (it has not heard the cancel yet)
    expect(await app.store.jobs.transition(job.id, ["running"], "cancelled", { reason: "cancelled" })).toBe(true);
    await app.agents.events(agent, lease, 4, [
      line("back on A"),
      { t: "finished", step: 0, status: "cancelled", exitCode: null, reason: "cancelled" },
    ]);
    // lines of a writer whose attempt ended flush on their timer (25 ms)
    await new Promise((r) => setTimeout(r, 300));
    const logs = await app.store.logs.list(job.id, job.attempt);
    const seqs = logs.map((l) => l.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(logs.filter((l) => l.stream === "stdout").map((l) => l.line)).toEqual([
      "on A",
      "on B 1",
      "on B 2",
      "back on A",
    ]);
    await app.agents.release(agent, lease).catch(() => undefined);
    other.close();
  }, 60_000);

  it("counts a step's system lines toward its cap on both replicas", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    const job = await jobOf();
    const line = (stream: "stdout" | "system", l: string) => ({ t: "line" as const, step: 0, stream, line: l });
    // 6 of the step's 8 head lines are stored on the first replica, 3 of them system lines
    await app.agents.events(agent, lease, 1, [
      { t: "started", step: 0, name: "sleep" },
      ...["o1", "o2", "o3"].map((l) => line("stdout", l)),
      ...["s1", "s2", "s3"].map((l) => line("system", l)),
    ]);
    await other.events(
      agent,
      lease,
      2,
      ["o4", "o5", "o6", "o7", "o8"].map((l) => line("stdout", l)),
    );
    const logs = await app.store.logs.list(job.id, job.attempt);
    expect(logs.filter((l) => l.stepIdx === 0 && !/output truncated/.test(l.line)).map((l) => l.line)).toEqual([
      "o1",
      "o2",
      "o3",
      "s1",
      "s2",
      "s3",
      "o4",
      "o5",
    ]);
    expect(logs.filter((l) => /output truncated/.test(l.line))).toHaveLength(1);
    await app.agents.release(agent, lease).catch(() => undefined);
    other.close();
    // lines written by the ended attempt's log writers flush on their timer (25 ms): before the store closes
    await new Promise((r) => setTimeout(r, 300));
  }, 60_000);

  it("goes on with a step's output cap from the lines stored when another replica takes the lease over", async () => {
    const { app, other, agent, lease, jobOf } = await agentHoldingAJob();
    const job = await jobOf();
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => ({
        t: "line" as const,
        step: 0,
        stream: "stdout" as const,
        line: `l${from + i}`,
      }));
    await app.agents.events(agent, lease, 1, [{ t: "started", step: 0, name: "sleep" }, ...lines(1, 6)]);
    await other.events(agent, lease, 2, lines(7, 12));
    await other.events(agent, lease, 3, [{ t: "end", step: 0 }]);
    const logs = await app.store.logs.list(job.id, job.attempt);
    expect(logs.filter((l) => l.stream === "stdout").map((l) => l.line)).toEqual([
      ...lines(1, 8).map((l) => l.line),
      "l11",
      "l12",
    ]);
    expect(logs.filter((l) => /output truncated/.test(l.line))).toHaveLength(1);
    await app.agents.release(agent, lease);
    other.close();
  }, 60_000);
});
