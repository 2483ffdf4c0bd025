/**
 * The leader's requeue pass: a queued job whose queue item vanished behind the scheduler's back
 * (its attempt still marked as queued) is added again, and a job whose capable agents are gone
 * fails with the reason instead of waiting forever. Real store, real embedded queue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { requeuePass, type SeenMarks } from "../../src/runner/engine/requeue-pass.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("requeue pass", () => {
  let t: TestApp;
  const adds: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    const queue = t.app.runner.queue;
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (name, payload, opts) => {
      adds.push(opts?.dedupeKey ?? "(none)");
      return enqueue(name, payload, opts);
    };
  });
  afterAll(async () => t?.dispose());

  it("re-adds a lost queue item, then fails the job once no live agent has its labels", async () => {
    const s = t.app.store;
    const { info } = await s.tokens.create("gpu-agent", "agent");
    // registered in the store only: no consumer takes the job, so its item waits in the queue
    const agent = await s.agents.register(
      { name: "g1", tokenId: info.id, labels: ["gpu"], capacity: { cpus: 1 }, concurrency: 1, version: "1" },
      t.app.clock.now(),
    );
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": 'jobs:\n  train:\n    runs-on: [gpu]\n    steps: [{ run: "true" }]\n',
    });
    const project = await s.projects.create({ name: "gpu", repoUrl: repo, sandbox: false });
    const { run } = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    const [job] = await s.jobs.listForRun(run!.id);
    await expect.poll(async () => (await s.jobs.get(job!.id)).enqueuedAttempt, { timeout: 10_000 }).toBe(1);
    const key = `job:${job!.id}:1`;
    expect(adds.filter((k) => k === key)).toHaveLength(1);
    expect((await t.app.runner.queue.stats("jobs")).queued).toBe(1);

    // the item is lost (a flushed Redis, an item acked by a replica that stopped): the store still says queued
    expect(await t.app.runner.queue.cancel(key)).toBe(true);
    expect((await t.app.runner.queue.stats("jobs")).queued).toBe(0);

    const seen: SeenMarks = new Map();
    await requeuePass(t.app.runner, seen, 60_000);
    // first sighting: only noted, nothing re-added yet
    expect(adds.filter((k) => k === key)).toHaveLength(1);
    await requeuePass(t.app.runner, seen, 0);
    expect(adds.filter((k) => k === key)).toHaveLength(2);
    expect((await t.app.runner.queue.stats("jobs")).queued).toBe(1);
    expect((await s.jobs.get(job!.id)).status).toBe("queued");

    // the only agent with label gpu goes away: the next pass fails the job, with the reason
    expect(await s.agents.transition(agent.id, ["online"], "lost")).toBe(true);
    await requeuePass(t.app.runner, seen, 0);
    const failed = await s.jobs.get(job!.id);
    expect(failed.status).toBe("failure");
    expect(failed.reason).toContain("no runner has label(s) gpu");
    expect(await t.waitForRun(run!.id, 10_000)).toBe("failure");
  }, 60_000);
});
