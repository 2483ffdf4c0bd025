/**
 * Two copies of one event batch reaching a replica at once (an agent that retried a slow answer)
 * are applied once: the hub's held job applies batches one at a time. Real store, real hub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../src/agents/index.js";
import type { JobEvent } from "../../src/agents/protocol.js";
import { triggerRun } from "../../src/runner/index.js";
import type { TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("held job event batches", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.runner.local = false;
      },
    });
  });
  afterAll(async () => t?.dispose());

  it("applies two concurrent copies of one batch once, and the next batch after them", async () => {
    const { app } = t;
    const repo = createRepo({ ".pitcrew/pipeline.yaml": "jobs:\n  build:\n    steps: [{ run: make }]\n" });
    const project = await app.store.projects.create({ name: "twice", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const agent = await app.agents.register(info as TokenInfo, {
      name: "a1",
      labels: [],
      capacity: {},
      concurrency: 1,
      version: "test",
    });
    await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const assignment = await app.agents.lease(agent, 20_000, new AbortController().signal, PROTOCOL_VERSION);
    if (!assignment) throw new Error("the agent got no job");
    const { id: jobId, attempt } = assignment.job;

    const batch: JobEvent[] = [
      { t: "started", step: 0, name: "make" },
      ...Array.from({ length: 50 }, (_, i) => ({
        t: "line" as const,
        step: 0,
        stream: "stdout" as const,
        line: `l${i}`,
      })),
    ];
    const answers = await Promise.all([
      app.agents.events(agent, assignment.lease, 1, batch),
      app.agents.events(agent, assignment.lease, 1, batch),
    ]);
    expect(answers).toEqual([{ cancel: false }, { cancel: false }]);
    const out = async () =>
      (await app.store.logs.list(jobId, attempt)).filter((l) => l.line.startsWith("l")).map((l) => l.line);
    expect(await out()).toEqual(batch.slice(1).map((e) => (e.t === "line" ? e.line : "")));
    expect((await app.store.agents.lease(assignment.lease))?.lastSeq).toBe(1);

    // the batch after them applies; a third copy of batch 1 is still ignored
    await app.agents.events(agent, assignment.lease, 2, [{ t: "line", step: 0, stream: "stdout", line: "l-next" }]);
    await app.agents.events(agent, assignment.lease, 1, batch);
    expect(await out()).toHaveLength(51);
    expect((await app.store.agents.lease(assignment.lease))?.lastSeq).toBe(2);
    await app.agents.release(agent, assignment.lease);
  }, 60_000);
});
