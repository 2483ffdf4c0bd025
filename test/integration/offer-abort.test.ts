/**
 * A replica stopping while a job is offered to its agents (the queue closes, the offer handler is
 * aborted and returns, the item is acked): the job never began, so the store must not go on saying
 * its attempt is queued, or no scheduler pass would add it again. The leader's requeue pass then
 * adds it again. Real store, real embedded queue, the real hub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../../src/agents/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { requeuePass } from "../../src/runner/engine/requeue-pass.js";
import type { TokenInfo } from "../../src/store/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("offer aborted by a stopping replica", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.runner.local = false;
      },
    });
  });
  afterAll(async () => t?.dispose());

  it("clears the queued mark of a job no agent took, so the requeue pass adds it again", async () => {
    const { app } = t;
    const repo = createRepo({ ".pitcrew/pipeline.yaml": 'jobs:\n  build:\n    steps: [{ run: "true" }]\n' });
    const project = await app.store.projects.create({ name: "offered", repoUrl: repo, sandbox: false });
    const { info } = await app.store.tokens.create("agents", "agent");
    const agent = await app.agents.register(info as TokenInfo, {
      name: "a1",
      labels: [],
      capacity: {},
      concurrency: 1,
      version: "test",
    });
    // a poll that gives up at once: this replica starts taking jobs for the agent
    const gaveUp = new AbortController();
    gaveUp.abort();
    expect(await app.agents.lease(agent, 0, gaveUp.signal, PROTOCOL_VERSION)).toBeUndefined();
    const { run } = await triggerRun(app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const [job] = await app.store.jobs.listForRun(run!.id);
    await expect.poll(() => app.agents.stats().offers, { timeout: 10_000 }).toBe(1);
    expect((await app.store.jobs.get(job!.id)).enqueuedAttempt).toBe(1);

    await app.runner.queue.close();
    expect(app.agents.stats().offers).toBe(0);
    const after = await app.store.jobs.get(job!.id);
    expect(after).toMatchObject({ status: "queued", attempt: 1, enqueuedAttempt: null });
    expect((await app.runner.queue.stats("jobs")).queued + (await app.runner.queue.stats("jobs")).leased).toBe(0);

    // the leader's next pass adds the item again, at once (the job is not marked)
    await requeuePass(app.runner, new Map(), 60_000);
    expect((await app.runner.queue.stats("jobs")).queued).toBe(1);
    expect((await app.store.jobs.get(job!.id)).enqueuedAttempt).toBe(1);
  }, 60_000);
});
